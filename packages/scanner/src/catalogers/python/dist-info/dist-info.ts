import { InputError, err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { checkSize } from '../../util.js';
import { pypiPackage } from '../common.js';

const ID = 'python/dist-info';
const MAX_BYTES = 16 * 1024 * 1024;
/** Header lines read before giving up on finding the end of the header block. */
const MAX_HEADER_LINES = 20_000;

export interface CoreMetadata {
  /** Header name (as written) → values in order; repeated headers (Classifier) keep every value. */
  headers: Map<string, string[]>;
}

/**
 * Parses the header block of a core metadata file (METADATA, PKG-INFO): RFC 822 style `Key: value`,
 * continuation lines start with whitespace, the body (long description) after the first blank line is ignored.
 */
export function parseCoreMetadata(text: string): CoreMetadata {
  const headers = new Map<string, string[]>();
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/, MAX_HEADER_LINES);
  for (const line of lines) {
    // Only an empty line ends the headers: whitespace-only lines continue a multi-line License (as Python's email parser reads them).
    if (line === '') break;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!lastKey) continue;
      const values = headers.get(lastKey)!;
      values[values.length - 1] += '\n' + line.trim();
      continue;
    }
    const m = /^([A-Za-z0-9][A-Za-z0-9_-]*):[ \t]*(.*)$/.exec(line);
    if (!m) {
      lastKey = undefined;
      continue;
    }
    const key = m[1].toLowerCase();
    const list = headers.get(key) ?? [];
    list.push(m[2].trim());
    headers.set(key, list);
    lastKey = key;
  }
  return { headers };
}

function first(md: CoreMetadata, key: string): string | undefined {
  const v = md.headers.get(key)?.[0];
  return v && v.length > 0 ? v : undefined;
}

/**
 * License-Expression (metadata 2.4) wins; else a one-line License that is not a placeholder
 * (multi-line License fields hold the whole license text); else the last part of each
 * `License :: ...` classifier ("MIT License").
 */
export function pythonLicenses(md: CoreMetadata): string[] {
  const expr = first(md, 'license-expression');
  if (expr) return [expr];
  const license = first(md, 'license');
  if (license && !license.includes('\n') && license.length <= 200 && !/^(unknown|none)$/i.test(license)) return [license];
  const out: string[] = [];
  for (const c of md.headers.get('classifier') ?? []) {
    const parts = c.split('::').map((s) => s.trim());
    if (parts[0] !== 'License' || parts.length < 2) continue;
    const last = parts[parts.length - 1];
    if (last !== 'OSI Approved' && !out.includes(last)) out.push(last);
  }
  return out;
}

function catalog(file: FileInput): Result<CatalogResult, InputError> {
  const size = checkSize(file, MAX_BYTES);
  if (!size.ok) return size;
  const md = parseCoreMetadata(file.content.toString('utf8'));
  const name = first(md, 'name');
  const version = first(md, 'version');
  if (!name || name.includes('\n')) return err(new InputError({ file: file.path, field: 'Name', expected: 'a Name header' }));
  if (!version || version.includes('\n')) return err(new InputError({ file: file.path, field: 'Version', expected: 'a Version header' }));
  const pkg = pypiPackage(file, ID, name, version, {
    licenses: pythonLicenses(md),
    metadata: { format: file.path.includes('.dist-info/') ? 'dist-info' : 'egg-info' },
  });
  return ok({ packages: [pkg] });
}

/** Installed Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, single-file `*.egg-info`. */
export const distInfo: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: MAX_BYTES,
  matches(path) {
    return /\.dist-info\/METADATA$/.test(path) || /\.egg-info\/PKG-INFO$/.test(path) || /\.egg-info$/.test(path);
  },
  catalog,
};
