import type { InputError, Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { isRecord } from '../../types.js';
import { baseName, catalogTomlPackages } from '../../util.js';
import { pypiPackage, str } from '../common.js';

const ID = 'python/uv-lock';
const MAX_BYTES = 32 * 1024 * 1024;
const SOURCE_KINDS = ['registry', 'git', 'url', 'path', 'directory', 'editable', 'virtual'] as const;

function toPackage(file: FileInput, entry: Record<string, unknown>): Package | undefined {
  const name = str(entry.name);
  const version = str(entry.version);
  // Virtual workspace roots carry no version: nothing to match.
  if (!name || !version) return undefined;
  const metadata: Record<string, unknown> = {};
  if (isRecord(entry.source)) {
    const kind = SOURCE_KINDS.find((k) => entry.source !== undefined && k in (entry.source as Record<string, unknown>));
    if (kind) {
      metadata.source = kind;
      // The project itself and workspace members: not downloaded from an index.
      if (kind === 'editable' || kind === 'virtual' || kind === 'directory' || kind === 'path') metadata.local = true;
    }
  }
  return pypiPackage(file, ID, name, version, { metadata });
}

function catalog(file: FileInput): Result<CatalogResult, InputError> {
  return catalogTomlPackages(file, MAX_BYTES, (entry) => toPackage(file, entry));
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
