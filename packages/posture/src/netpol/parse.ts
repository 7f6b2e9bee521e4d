import { parseAllDocuments } from 'yaml';
import { InputError, LimitError, type Result, ok, err } from '@bulwark/core';

export interface ParseLimits {
  /** Largest manifest text accepted. */
  maxBytes: number;
  /** Deepest nesting of maps and lists. */
  maxDepth: number;
  /** Most aliases resolved in one document (alias bombs). */
  maxAliasCount: number;
  /** Most objects (after List expansion) in one file. */
  maxObjects: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 64,
  maxAliasCount: 100,
  maxObjects: 100_000,
});

function depthOf(v: unknown, limit: number, at = 0): number {
  if (at > limit) return at;
  if (v === null || typeof v !== 'object') return at;
  let max = at;
  for (const x of Array.isArray(v) ? v : Object.values(v)) {
    const d = depthOf(x, limit, at + 1);
    if (d > max) max = d;
    if (max > limit) break;
  }
  return max;
}

/**
 * Parses a Kubernetes manifest file (YAML multi-document or JSON, `List` kinds expanded) into plain objects.
 * Empty documents are dropped; documents that are not maps are refused.
 */
export function parseManifests(text: string, file: string, limits?: Partial<ParseLimits>): Result<unknown[], InputError> {
  const lim = { ...DEFAULT_PARSE_LIMITS, ...(limits ?? {}) };
  if (Buffer.byteLength(text, 'utf8') > lim.maxBytes) {
    return err(new LimitError({ file, limit: `maxBytes=${lim.maxBytes}` }));
  }
  let docs;
  try {
    docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: false });
  } catch (e) {
    return err(new InputError({ file, message: `not YAML: ${(e as Error).message}`, cause: e }));
  }
  if (!Array.isArray(docs)) docs = [docs];
  const out: unknown[] = [];
  for (const doc of docs) {
    const first = doc.errors[0];
    if (first) {
      const line = first.linePos?.[0]?.line;
      return err(new InputError({ file, field: line ? `line ${line}` : undefined, message: first.message.split('\n')[0] ?? 'invalid YAML' }));
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: lim.maxAliasCount });
    } catch (e) {
      const msg = (e as Error).message;
      if (/alias/i.test(msg)) return err(new LimitError({ file, limit: `maxAliasCount=${lim.maxAliasCount}`, message: msg }));
      return err(new InputError({ file, message: msg, cause: e }));
    }
    if (value === null || value === undefined) continue;
    if (depthOf(value, lim.maxDepth) > lim.maxDepth) {
      return err(new LimitError({ file, limit: `maxDepth=${lim.maxDepth}` }));
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      const line = doc.contents?.range ? lineOf(text, doc.contents.range[0]) : undefined;
      return err(new InputError({ file, field: line ? `line ${line}` : undefined, expected: 'a Kubernetes object (map)' }));
    }
    const rec = value as Record<string, unknown>;
    const items = typeof rec.kind === 'string' && rec.kind.endsWith('List') && Array.isArray(rec.items) ? rec.items : [rec];
    // Items of a typed list (PodList, NamespaceList...) often omit their own kind.
    const itemKind = items === rec.items && rec.kind !== 'List' ? (rec.kind as string).slice(0, -4) : undefined;
    for (const item of items) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
      const o = item as Record<string, unknown>;
      out.push(itemKind && o.kind === undefined ? { ...o, kind: itemKind } : o);
      if (out.length > lim.maxObjects) return err(new LimitError({ file, limit: `maxObjects=${lim.maxObjects}` }));
    }
  }
  return ok(out);
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
