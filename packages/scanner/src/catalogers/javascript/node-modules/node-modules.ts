import { InputError, err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import { isRecord } from '../../types.js';
import type { CatalogResult, Cataloger } from '../../types.js';
import { baseName, checkSize, parseJsonFile } from '../../util.js';
import { isNpmName, isVersion, npmPackage } from '../common.js';

/** license: "MIT" | { type: "MIT" }; licenses: ["MIT"] | [{ type: "MIT", url }] (deprecated but common in old packages). */
export function npmLicenses(pkg: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown): void => {
    const s = typeof v === 'string' ? v : isRecord(v) && typeof v.type === 'string' ? v.type : undefined;
    if (s && s.trim() && !out.includes(s.trim())) out.push(s.trim());
  };
  add(pkg.license);
  if (Array.isArray(pkg.licenses)) for (const l of pkg.licenses.slice(0, 32)) add(l);
  else add(pkg.licenses);
  return out;
}

function inNodeModules(path: string): boolean {
  return path.startsWith('node_modules/') || path.includes('/node_modules/');
}

export const nodeModules: Cataloger = {
  id: 'javascript/node-modules',
  version: 1,
  maxBytes: 8 * 1024 * 1024,
  matches(path) {
    if (baseName(path) !== 'package.json') return false;
    // Installed packages live under node_modules. In images and root file systems (absolute paths) an app's own
    // package.json is deployed software too, and Trivy reports it; in a project directory it is the project.
    return inNodeModules(path) || path.startsWith('/');
  },
  catalog(file): Result<CatalogResult, InputError> {
    const size = checkSize(file, this.maxBytes);
    if (!size.ok) return size;
    const parsed = parseJsonFile(file, 64);
    if (!parsed.ok) return parsed;
    const pkg = parsed.value;
    if (!isRecord(pkg)) return err(new InputError({ file: file.path, expected: 'a JSON object' }));
    // package.json files without name and version are not packages: "type": "module" markers in subfolders,
    // test fixtures. They are not errors either.
    if (!isNpmName(pkg.name) || !isVersion(pkg.version)) return ok({ packages: [] });
    const metadata: Record<string, unknown> = {};
    if (pkg.private === true) metadata.private = true;
    if (!inNodeModules(file.path)) metadata.application = true;
    return ok({ packages: [npmPackage({ name: pkg.name, version: pkg.version, foundBy: this.id, file, licenses: npmLicenses(pkg), metadata })] });
  },
};
