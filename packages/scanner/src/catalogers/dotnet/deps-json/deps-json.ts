import { InputError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { isRecord } from '../../types.js';
import { nugetPackage, readDotnetJson } from '../common.js';

const ID = 'dotnet/deps-json';
const MAX_BYTES = 32 * 1024 * 1024;

function catalog(file: FileInput): Result<CatalogResult, InputError> {
  const doc = readDotnetJson(file, MAX_BYTES, 'a deps.json object');
  if (!doc.ok) return doc;
  const libraries = doc.value.libraries;
  if (libraries === undefined) return ok({ packages: [] });
  if (!isRecord(libraries)) return err(new InputError({ file: file.path, field: 'libraries', expected: 'an object of "Name/Version" entries' }));
  const packages: Package[] = [];
  for (const [key, lib] of Object.entries(libraries)) {
    // "project" (the app and its project references) and "reference" entries are not NuGet packages.
    if (!isRecord(lib) || lib.type !== 'package') continue;
    const slash = key.lastIndexOf('/');
    if (slash <= 0 || slash === key.length - 1) continue;
    const name = key.slice(0, slash);
    const version = key.slice(slash + 1);
    const metadata: Record<string, unknown> = {};
    if (typeof lib.sha512 === 'string') metadata.sha512 = lib.sha512;
    packages.push(nugetPackage(file, ID, name, version, metadata));
  }
  return ok({ packages });
}

/** .NET runtime dependency manifests (`<app>.deps.json`, published next to the app): libraries of type "package". */
export const depsJson: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: MAX_BYTES,
  matches(path) {
    return /[^/]\.deps\.json$/.test(path);
  },
  catalog,
};
