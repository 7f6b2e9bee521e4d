import { InputError, LimitError, err, ok, type Limits, type Result } from '@bulwark/core';
import { parse as parseYaml } from 'yaml';

/** Deepest nesting of a parsed value, walked without recursion so hostile input cannot overflow the stack. */
export function depthOf(value: unknown, stopAt: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > stopAt) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return max;
}

function checkSize(bytes: number, file: string, limits: Limits): InputError | undefined {
  if (bytes > limits.maxDocumentBytes) {
    return new LimitError({ file, limit: `maxDocumentBytes=${limits.maxDocumentBytes}`, message: `document of ${bytes} bytes exceeds maxDocumentBytes=${limits.maxDocumentBytes}` });
  }
  return undefined;
}

function checkDepth(value: unknown, file: string, limits: Limits): InputError | undefined {
  if (depthOf(value, limits.maxDepth) > limits.maxDepth) {
    return new LimitError({ file, limit: `maxDepth=${limits.maxDepth}`, message: `nesting deeper than maxDepth=${limits.maxDepth}` });
  }
  return undefined;
}

export function parseJsonDocument(input: string | Uint8Array, file: string, limits: Limits): Result<unknown, InputError> {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  const tooBig = checkSize(size, file, limits);
  if (tooBig) return err(tooBig);
  let value: unknown;
  try {
    value = JSON.parse(typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8'));
  } catch (e) {
    return err(new InputError({ file, expected: 'JSON', message: `not valid JSON: ${(e as Error).message}`, cause: e }));
  }
  const deep = checkDepth(value, file, limits);
  return deep ? err(deep) : ok(value);
}

/** `failsafe` keeps every scalar a string ("1.10" stays "1.10"); `core` types numbers and booleans. */
export function parseYamlDocument(input: string | Uint8Array, file: string, limits: Limits, schema: 'core' | 'failsafe' = 'core'): Result<unknown, InputError> {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  const tooBig = checkSize(size, file, limits);
  if (tooBig) return err(tooBig);
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  let value: unknown;
  try {
    // maxAliasCount guards against alias expansion bombs ("billion laughs").
    value = parseYaml(text, { maxAliasCount: 100, uniqueKeys: false, prettyErrors: false, schema });
  } catch (e) {
    return err(new InputError({ file, expected: 'YAML', message: `not valid YAML: ${(e as Error).message}`, cause: e }));
  }
  const deep = checkDepth(value, file, limits);
  return deep ? err(deep) : ok(value);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

export function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(str).filter((s): s is string => s !== undefined && s.length > 0);
  const s = str(v);
  return s ? [s] : [];
}

/** A date or timestamp as ISO 8601 (UTC); undefined when it does not parse. */
export function isoDate(v: unknown): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  const s = str(v)?.trim();
  if (!s) return undefined;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(s) && !/[zZ]|[+-]\d{2}:?\d{2}$|UTC$/.test(s) ? s.replace(' ', 'T') + 'Z' : s.replace(/ UTC$/, 'Z').replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T'));
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
