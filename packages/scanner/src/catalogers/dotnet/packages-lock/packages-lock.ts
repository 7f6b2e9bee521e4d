import { InputError, err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { isRecord } from '../../types.js';
import { baseName } from '../../util.js';
import { nugetPackage, readDotnetJson } from '../common.js';

const ID = 'dotnet/packages-lock';
const MAX_BYTES = 32 * 1024 * 1024;

function catalog(file: FileInput): Result<CatalogResult, InputError> {
  const doc = readDotnetJson(file, MAX_BYTES, 'a packages.lock.json object');
  if (!doc.ok) return doc;
  const frameworks = doc.value.dependencies;
  if (!isRecord(frameworks)) return err(new InputError({ file: file.path, field: 'dependencies', expected: 'an object keyed by target framework' }));
  // The same package is listed once per target framework: one package, every framework in metadata.
  const byKey = new Map<string, { name: string; version: string; direct: boolean; frameworks: string[] }>();
  for (const [tfm, deps] of Object.entries(frameworks)) {
    if (!isRecord(deps)) continue;
    for (const [name, dep] of Object.entries(deps)) {
      if (!isRecord(dep) || typeof dep.resolved !== 'string' || dep.resolved === '' || name === '') continue;
      // "Project" entries are project references of the solution, not NuGet packages.
      if (dep.type === 'Project') continue;
      const key = `${name.toLowerCase()}@${dep.resolved}`;
      const seen = byKey.get(key) ?? { name, version: dep.resolved, direct: false, frameworks: [] };
      if (dep.type === 'Direct') seen.direct = true;
      if (!seen.frameworks.includes(tfm)) seen.frameworks.push(tfm);
      byKey.set(key, seen);
    }
  }
  const packages = [...byKey.values()].map((p) => nugetPackage(file, ID, p.name, p.version, { direct: p.direct, targetFrameworks: p.frameworks }));
  return ok({ packages });
}

/** NuGet lock files (`packages.lock.json`, `RestorePackagesWithLockFile`): resolved versions per target framework. */
export const packagesLock: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: MAX_BYTES,
  matches(path) {
    return baseName(path) === 'packages.lock.json';
  },
  catalog,
};
