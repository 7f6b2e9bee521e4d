import { InputError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { isRecord } from '../../types.js';
import { baseName, checkSize, makePackage, parseTomlFile } from '../../util.js';
import { normalizePythonName, str } from '../common.js';

const ID = 'python/poetry-lock';
const MAX_BYTES = 32 * 1024 * 1024;

function catalog(file: FileInput): Result<CatalogResult, InputError> {
  const size = checkSize(file, MAX_BYTES);
  if (!size.ok) return size;
  const doc = parseTomlFile(file);
  if (!doc.ok) return doc;
  const list = doc.value.package;
  if (list === undefined) return ok({ packages: [] });
  if (!Array.isArray(list)) return err(new InputError({ file: file.path, field: 'package', expected: 'an array of tables' }));
  const packages: Package[] = [];
  for (const entry of list) {
    if (!isRecord(entry)) continue;
    const name = str(entry.name);
    const version = str(entry.version);
    if (!name || !version) continue;
    const metadata: Record<string, unknown> = {};
    // Poetry 1.x writes `category = "dev"`; Poetry 2 writes `groups = [...]` (absent in 1.x).
    const groups = Array.isArray(entry.groups) ? entry.groups.filter((g): g is string => typeof g === 'string') : undefined;
    if (groups) metadata.groups = groups;
    if (entry.category === 'dev' || (groups && groups.length > 0 && !groups.includes('main'))) metadata.dev = true;
    if (isRecord(entry.source) && str(entry.source.type)) {
      metadata.source = str(entry.source.type);
      if (entry.source.type === 'directory' || entry.source.type === 'file') metadata.local = true;
    }
    packages.push(
      makePackage({
        name,
        version,
        type: 'pypi',
        ecosystem: 'PyPI',
        foundBy: ID,
        path: file.path,
        layer: file.layer,
        purl: { name: normalizePythonName(name) },
        metadata,
      }),
    );
  }
  return ok({ packages });
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
