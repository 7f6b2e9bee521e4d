import type { InputError, Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { isRecord } from '../../types.js';
import { baseName, catalogTomlPackages } from '../../util.js';
import { pypiPackage, str } from '../common.js';

const ID = 'python/poetry-lock';
const MAX_BYTES = 32 * 1024 * 1024;

function toPackage(file: FileInput, entry: Record<string, unknown>): Package | undefined {
  const name = str(entry.name);
  const version = str(entry.version);
  if (!name || !version) return undefined;
  const metadata: Record<string, unknown> = {};
  // Poetry 1.x writes `category = "dev"`; Poetry 2 writes `groups = [...]` (absent in 1.x).
  const groups = Array.isArray(entry.groups) ? entry.groups.filter((g): g is string => typeof g === 'string') : undefined;
  if (groups) metadata.groups = groups;
  if (entry.category === 'dev' || (groups && groups.length > 0 && !groups.includes('main'))) metadata.dev = true;
  if (isRecord(entry.source) && str(entry.source.type)) {
    metadata.source = str(entry.source.type);
    if (entry.source.type === 'directory' || entry.source.type === 'file') metadata.local = true;
  }
  return pypiPackage(file, ID, name, version, { metadata });
}

function catalog(file: FileInput): Result<CatalogResult, InputError> {
  return catalogTomlPackages(file, MAX_BYTES, (entry) => toPackage(file, entry));
}

/** Poetry lockfiles (`poetry.lock`, TOML `[[package]]`), main and dev groups alike (dev ones marked). */
export const poetryLock: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: MAX_BYTES,
  matches(path) {
    return baseName(path) === 'poetry.lock';
  },
  catalog,
};
