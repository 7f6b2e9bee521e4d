import { DEFAULT_LIMITS, err, InputError, LimitError, ok, type LayerRef, type PackageLocation, type Result } from '@bulwark/core';
import { jsonDepth } from '../catalogers/util.js';
import type { SbomLimits, SbomResult } from './types.js';

export const DEFAULT_SBOM_LIMITS: Readonly<SbomLimits> = Object.freeze({
  maxBytes: DEFAULT_LIMITS.maxDocumentBytes,
  maxDepth: 64,
  maxPackages: 1_000_000,
});

export function withSbomLimits(l?: Partial<SbomLimits>): SbomLimits {
  return { ...DEFAULT_SBOM_LIMITS, ...(l ?? {}) };
}

/** Size and depth checked before JSON.parse, so a hostile document cannot exhaust memory or the stack. */
export function parseSbomJson(content: Buffer | string, file: string, limits: SbomLimits): Result<unknown, InputError> {
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > limits.maxBytes) return err(new LimitError({ file, limit: `maxBytes=${limits.maxBytes}`, message: `document is ${size} bytes, limit ${limits.maxBytes}` }));
  const text = typeof content === 'string' ? content : content.toString('utf8');
  const depth = jsonDepth(text);
  if (depth > limits.maxDepth) return err(new LimitError({ file, limit: `maxDepth=${limits.maxDepth}`, message: `JSON nested ${depth} deep, limit ${limits.maxDepth}` }));
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(new InputError({ file, expected: 'JSON', message: `not valid JSON: ${(e as Error).message}` }));
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Typed field readers that fail with an InputError naming the field. */
export class Fields {
  constructor(readonly file: string) {}

  fail(field: string, expected: string): InputError {
    return new InputError({ file: this.file, field, expected });
  }

  optString(o: Record<string, unknown>, key: string, at: string): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw this.fail(`${at}.${key}`, 'a string');
    return v;
  }

  optArray(o: Record<string, unknown>, key: string, at: string): unknown[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw this.fail(`${at}.${key}`, 'an array');
    return v;
  }

  object(v: unknown, at: string): Record<string, unknown> {
    if (!isObject(v)) throw this.fail(at, 'an object');
    return v;
  }
}

/** Parses a JSON SBOM within limits and hands its top-level object to `read`; the InputErrors `Fields` throws become values. */
export function readSbomJson(
  content: Buffer | string,
  file: string,
  limitOverrides: Partial<SbomLimits> | undefined,
  read: (doc: Record<string, unknown>, f: Fields, limits: SbomLimits) => SbomResult,
): Result<SbomResult, InputError> {
  const limits = withSbomLimits(limitOverrides);
  const parsed = parseSbomJson(content, file, limits);
  if (!parsed.ok) return parsed;
  const f = new Fields(file);
  try {
    return ok(read(f.object(parsed.value, '$'), f, limits));
  } catch (e) {
    if (e instanceof InputError) return err(e);
    throw e;
  }
}

/** A location fact as our SBOM writers emit them (CycloneDX properties, SPDX attribution texts): a path, then its layer's facts. */
export type LocationFact = 'path' | 'layerIndex' | 'layerDigest' | 'layerDiffId' | 'layerCreatedBy';

/** Rebuilds locations from facts in document order; a layer attaches to the path before it only with a digest and a valid index. */
export function locationsFromFacts(facts: Iterable<readonly [LocationFact, string]>): PackageLocation[] {
  const out: PackageLocation[] = [];
  let layer: Partial<LayerRef> | undefined;
  const flush = (): void => {
    const cur = out.at(-1);
    if (cur && layer?.digest !== undefined && layer.index !== undefined && Number.isInteger(layer.index) && layer.index >= 0) {
      cur.layer = { index: layer.index, digest: layer.digest, ...(layer.diffId ? { diffId: layer.diffId } : {}), ...(layer.createdBy ? { createdBy: layer.createdBy } : {}) };
    }
    layer = undefined;
  };
  for (const [fact, value] of facts) {
    if (fact === 'path') {
      flush();
      out.push({ path: value });
    } else if (fact === 'layerIndex') (layer ??= {}).index = Number(value);
    else if (fact === 'layerDigest') (layer ??= {}).digest = value;
    else if (fact === 'layerDiffId') (layer ??= {}).diffId = value;
    else (layer ??= {}).createdBy = value;
  }
  flush();
  return out;
}
