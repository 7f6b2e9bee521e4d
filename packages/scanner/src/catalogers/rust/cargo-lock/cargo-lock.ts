import type { InputError, Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { baseName, catalogTomlPackages, makePackage } from '../../util.js';

const ID = 'rust/cargo-lock';
const MAX_BYTES = 32 * 1024 * 1024;

/** Where a locked crate comes from: `registry+URL`, `sparse+URL`, `git+URL`, or no source for path/workspace crates. */
function sourceKind(source: unknown): 'registry' | 'git' | 'local' | 'other' {
  if (source === undefined) return 'local';
  if (typeof source !== 'string') return 'other';
  if (source.startsWith('registry+') || source.startsWith('sparse+')) return 'registry';
  if (source.startsWith('git+')) return 'git';
  return 'other';
}

function toPackage(file: FileInput, entry: Record<string, unknown>): Package | undefined {
  if (typeof entry.name !== 'string' || typeof entry.version !== 'string') return undefined;
  if (entry.name === '' || entry.version === '') return undefined;
  const kind = sourceKind(entry.source);
  const metadata: Record<string, unknown> = { source: kind };
  if (typeof entry.source === 'string' && kind !== 'registry') metadata.sourceUrl = entry.source;
  if (kind === 'registry' && typeof entry.source === 'string' && !entry.source.includes('github.com/rust-lang/crates.io-index') && !entry.source.includes('index.crates.io')) {
    metadata.sourceUrl = entry.source; // an alternative registry: same name on crates.io may be a different crate
  }
  if (typeof entry.checksum === 'string') metadata.checksum = entry.checksum;
  return makePackage({
    name: entry.name,
    version: entry.version,
    type: 'cargo',
    ecosystem: 'crates.io',
    foundBy: ID,
    path: file.path,
    layer: file.layer,
    metadata,
  });
}

function catalog(file: FileInput): Result<CatalogResult, InputError> {
  return catalogTomlPackages(file, MAX_BYTES, (entry) => toPackage(file, entry));
}

/** Cargo lockfiles (`Cargo.lock`, format versions 1 to 4): every `[[package]]`, workspace and path crates marked `source: 'local'`. */
export const cargoLock: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: MAX_BYTES,
  matches(path) {
    return baseName(path) === 'Cargo.lock';
  },
  catalog,
};
