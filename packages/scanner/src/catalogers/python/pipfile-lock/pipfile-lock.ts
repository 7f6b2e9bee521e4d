import { InputError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { isRecord } from '../../types.js';
import { baseName, checkSize, parseJsonFile } from '../../util.js';
import { pypiPackage } from '../common.js';

const ID = 'python/pipfile-lock';
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_DEPTH = 32;

function catalog(file: FileInput): Result<CatalogResult, InputError> {
  const size = checkSize(file, MAX_BYTES);
  if (!size.ok) return size;
  const doc = parseJsonFile(file, MAX_DEPTH);
  if (!doc.ok) return doc;
  if (!isRecord(doc.value)) return err(new InputError({ file: file.path, expected: 'a JSON object with default/develop' }));
  const packages: Package[] = [];
  for (const section of ['default', 'develop'] as const) {
    const deps = doc.value[section];
    if (deps === undefined) continue;
    if (!isRecord(deps)) return err(new InputError({ file: file.path, field: section, expected: 'an object' }));
    for (const [name, entry] of Object.entries(deps)) {
      // Git and editable entries have no `version`: nothing pinned to match.
      if (!isRecord(entry) || typeof entry.version !== 'string' || !entry.version.startsWith('==')) continue;
      const version = entry.version.slice(2).trim();
      if (version === '' || name === '') continue;
      packages.push(pypiPackage(file, ID, name, version, { metadata: section === 'develop' ? { dev: true } : {} }));
    }
  }
  return ok({ packages });
}

/** Pipenv lockfiles (`Pipfile.lock`): the `default` and `develop` sections, `"version": "==x.y"`. */
export const pipfileLock: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: MAX_BYTES,
  matches(path) {
    return baseName(path) === 'Pipfile.lock';
  },
  catalog,
};
