import { InputError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import { isRecord } from '../../types.js';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { baseName, checkSize, parseJsonFile } from '../../util.js';
import { isNpmName, isVersion, npmPackage, splitSpec } from '../common.js';

const MAX_ENTRIES = 500_000;

interface Entry {
  name: string;
  version: string;
  dev: boolean;
  optional: boolean;
  bundled: boolean;
  license?: string;
  /** Install path inside the project ("node_modules/a/node_modules/b"). */
  path: string;
}

/** "npm:string-width@4.2.3" → the real package behind an alias; other non-registry specs are not versions. */
function resolveAlias(name: string, version: string): { name: string; version: string } | undefined {
  if (version.startsWith('npm:')) {
    const s = splitSpec(version.slice(4));
    return s && isNpmName(s.name) && isVersion(s.range) ? { name: s.name, version: s.range } : undefined;
  }
  // file:, link:, git and tarball URLs name sources, not registry versions.
  if (/^(file|link|git|git\+[a-z]+|https?|github):/.test(version) || version.includes('/')) return undefined;
  return { name, version };
}

/** v2/v3: the flat `packages` map keyed by install path. */
function fromPackagesMap(packages: Record<string, unknown>): Entry[] {
  const out: Entry[] = [];
  for (const [key, raw] of Object.entries(packages)) {
    if (out.length >= MAX_ENTRIES) break;
    // "" is the root project; keys without node_modules/ are workspace folders, the project's own code.
    const i = key.lastIndexOf('node_modules/');
    if (i < 0 || !isRecord(raw) || raw.link === true) continue;
    const installName = key.slice(i + 'node_modules/'.length);
    // An alias entry carries the real name: "node_modules/string-width-cjs": { "name": "string-width" }.
    const name = typeof raw.name === 'string' ? raw.name : installName;
    if (!isNpmName(name) || !isVersion(raw.version)) continue;
    const real = resolveAlias(name, raw.version);
    if (!real) continue;
    const e: Entry = {
      ...real,
      dev: raw.dev === true || raw.devOptional === true,
      optional: raw.optional === true,
      bundled: raw.inBundle === true,
      path: key,
    };
    if (typeof raw.license === 'string') e.license = raw.license;
    out.push(e);
  }
  return out;
}

/** v1: the nested `dependencies` tree, walked with an explicit stack. */
function fromDependencyTree(deps: Record<string, unknown>): Entry[] {
  const out: Entry[] = [];
  const stack: [Record<string, unknown>, string][] = [[deps, '']];
  while (stack.length > 0 && out.length < MAX_ENTRIES) {
    const [level, prefix] = stack.pop() as [Record<string, unknown>, string];
    for (const [name, raw] of Object.entries(level)) {
      if (!isRecord(raw) || !isNpmName(name)) continue;
      const path = `${prefix}node_modules/${name}`;
      if (isVersion(raw.version)) {
        const real = resolveAlias(name, raw.version);
        if (real) out.push({ ...real, dev: raw.dev === true, optional: raw.optional === true, bundled: raw.bundled === true, path });
      }
      if (isRecord(raw.dependencies)) stack.push([raw.dependencies, `${path}/`]);
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One package per name@version; dev only when every copy is dev. */
function dedupe(entries: Entry[], file: FileInput, foundBy: string): Package[] {
  const seen = new Map<string, { e: Entry; dev: boolean; paths: string[] }>();
  for (const e of entries) {
    const k = `${e.name}@${e.version}`;
    const s = seen.get(k);
    if (s) {
      s.dev &&= e.dev;
      s.paths.push(e.path);
    } else seen.set(k, { e, dev: e.dev, paths: [e.path] });
  }
  return [...seen.values()].map(({ e, dev, paths }) => {
    const metadata: Record<string, unknown> = { paths };
    if (dev) metadata.dev = true;
    if (e.optional) metadata.optional = true;
    if (e.bundled) metadata.bundled = true;
    return npmPackage({ name: e.name, version: e.version, foundBy, file, licenses: e.license ? [e.license] : [], metadata });
  });
}

export const packageLock: Cataloger = {
  id: 'javascript/package-lock',
  version: 1,
  maxBytes: 128 * 1024 * 1024,
  matches(path) {
    const b = baseName(path);
    // node_modules/.package-lock.json is npm's hidden lockfile; the packages it lists are the installed ones,
    // which javascript/node-modules reports from their own package.json files.
    return (b === 'package-lock.json' || b === 'npm-shrinkwrap.json') && !path.includes('node_modules/');
  },
  catalog(file): Result<CatalogResult, InputError> {
    const size = checkSize(file, this.maxBytes);
    if (!size.ok) return size;
    const parsed = parseJsonFile(file, 64);
    if (!parsed.ok) return parsed;
    const lock = parsed.value;
    if (!isRecord(lock)) return err(new InputError({ file: file.path, expected: 'a JSON object' }));
    const v = lock.lockfileVersion;
    if (v !== 1 && v !== 2 && v !== 3) return err(new InputError({ file: file.path, field: 'lockfileVersion', expected: '1, 2 or 3' }));
    // v2 carries both shapes; the packages map is the complete one.
    let entries: Entry[];
    if (isRecord(lock.packages)) entries = fromPackagesMap(lock.packages);
    else if (v === 1 && isRecord(lock.dependencies)) entries = fromDependencyTree(lock.dependencies);
    else if (v === 1 && lock.dependencies === undefined) entries = [];
    else return err(new InputError({ file: file.path, field: v === 1 ? 'dependencies' : 'packages', expected: 'an object' }));
    return ok({ packages: dedupe(entries, file, this.id) });
  },
};
