import type { Package } from '@bulwark/core';
import type { FileInput } from '../types.js';
import { makePackage } from '../util.js';

/** PEP 503 normalized project name: runs of `-`, `_`, `.` become one `-`, lower-case (the purl name for pypi). */
export function normalizePythonName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** A non-empty string field, else undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** A PyPI package found in `file`: the name as written, the purl name PEP 503-normalized. */
export function pypiPackage(
  file: FileInput,
  foundBy: string,
  name: string,
  version: string,
  extra: { licenses?: string[]; metadata?: Record<string, unknown> } = {},
): Package {
  return makePackage({
    name,
    version,
    type: 'pypi',
    ecosystem: 'PyPI',
    foundBy,
    path: file.path,
    layer: file.layer,
    purl: { name: normalizePythonName(name) },
    ...extra,
  });
}
