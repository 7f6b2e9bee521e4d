import { InputError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import type { FileInput } from '../types.js';
import { isRecord } from '../types.js';
import { checkSize, makePackage, parseJsonFile } from '../util.js';

const MAX_DEPTH = 64;

/** Reads a .NET JSON manifest (deps.json, packages.lock.json) within limits; its top level must be an object. */
export function readDotnetJson(file: FileInput, maxBytes: number, expected: string): Result<Record<string, unknown>, InputError> {
  const size = checkSize(file, maxBytes);
  if (!size.ok) return size;
  const doc = parseJsonFile(file, MAX_DEPTH);
  if (!doc.ok) return doc;
  if (!isRecord(doc.value)) return err(new InputError({ file: file.path, expected }));
  return ok(doc.value);
}

/** A NuGet package found in `file`. */
export function nugetPackage(file: FileInput, foundBy: string, name: string, version: string, metadata: Record<string, unknown>): Package {
  return makePackage({ name, version, type: 'nuget', ecosystem: 'NuGet', foundBy, path: file.path, layer: file.layer, metadata });
}
