import { DEFAULT_LIMITS, err, InputError, LimitError, ok, type Result } from '@bulwark/core';
import { jsonDepth } from '../catalogers/util.js';
import type { SbomLimits } from './types.js';

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
