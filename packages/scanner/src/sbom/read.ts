import { err, InputError, type Result } from '@bulwark/core';
import { readCycloneDx } from './cyclonedx.js';
import { isObject, parseSbomJson, withSbomLimits } from './json.js';
import { readSpdx } from './spdx.js';
import type { SbomLimits, SbomResult } from './types.js';

/** Reads a CycloneDX or SPDX JSON document, told apart by `bomFormat` / `spdxVersion`. */
export function readSbom(content: Buffer | string, file: string, limits?: Partial<SbomLimits>): Result<SbomResult, InputError> {
  const parsed = parseSbomJson(content, file, withSbomLimits(limits));
  if (!parsed.ok) return parsed;
  const doc = parsed.value;
  if (isObject(doc) && 'bomFormat' in doc) return readCycloneDx(content, file, limits);
  if (isObject(doc) && 'spdxVersion' in doc) return readSpdx(content, file, limits);
  return err(new InputError({ file, field: '$', expected: 'a CycloneDX (bomFormat) or SPDX (spdxVersion) JSON document' }));
}
