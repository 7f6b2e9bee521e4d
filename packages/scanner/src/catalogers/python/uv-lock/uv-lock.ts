import { InputError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { isRecord } from '../../types.js';
import { baseName, checkSize, makePackage, parseTomlFile } from '../../util.js';
import { normalizePythonName, str } from '../common.js';

const ID = 'python/uv-lock';
const MAX_BYTES = 32 * 1024 * 1024;
const SOURCE_KINDS = ['registry', 'git', 'url', 'path', 'directory', 'editable', 'virtual'] as const;

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
    // Virtual workspace roots carry no version: nothing to match.
    if (!name || !version) continue;
    const metadata: Record<string, unknown> = {};
    if (isRecord(entry.source)) {
      const kind = SOURCE_KINDS.find((k) => entry.source !== undefined && k in (entry.source as Record<string, unknown>));
      if (kind) {
        metadata.source = kind;
        // The project itself and workspace members: not downloaded from an index.
        if (kind === 'editable' || kind === 'virtual' || kind === 'directory' || kind === 'path') metadata.local = true;
      }
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

/** uv lockfiles (`uv.lock`, TOML `[[package]]` with `source = { registry | git | editable ... }`). */
export const uvLock: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: MAX_BYTES,
  matches(path) {
    return baseName(path) === 'uv.lock';
  },
  catalog,
};
