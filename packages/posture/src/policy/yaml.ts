import type { SourceRange } from '@bulwark/core';
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { DocPath } from '../rules/types.js';
import { PolicyError } from './errors.js';
import { roughNesting } from '../kubernetes/parse.js';

/** Limits on one policy file. */
export interface PolicyFileLimits {
  /** Largest policy file. */
  maxFileBytes: number;
  /** Most YAML documents in one file. */
  maxDocuments: number;
  /** Most aliases expanded per document (billion laughs). */
  maxAliasCount: number;
  /** Deepest nesting. */
  maxDepth: number;
}

export const DEFAULT_POLICY_FILE_LIMITS: Readonly<PolicyFileLimits> = Object.freeze({
  maxFileBytes: 1024 * 1024,
  maxDocuments: 1_000,
  maxAliasCount: 100,
  maxDepth: 64,
});

/** One YAML document of a policy file, with the lines of its fields. */
export interface PolicyDocument {
  file: string;
  docIndex: number;
  value: unknown;
  /** Line of the document start. */
  line: number;
  /** Lines of a field; undefined when absent. */
  rangeOf(path: DocPath): SourceRange | undefined;
  /** Line of a field, else of its nearest existing ancestor, else of the document. */
  lineOf(path: DocPath): number;
  /**
   * Line of character `offset` inside the string at `path` (an expression): exact for single-line and `|` block
   * scalars, the value's first line for folded ones.
   */
  lineInString(path: DocPath, offset: number): number;
}

function nodeAt(doc: Document, path: DocPath): { node: YamlNode | null; keyStart?: number } | undefined {
  let cur: unknown = doc.contents;
  let keyStart: number | undefined;
  for (const seg of path) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) return undefined;
      keyStart = isScalar(pair.key) && pair.key.range ? pair.key.range[0] : undefined;
      cur = pair.value;
    } else if (isSeq(cur)) {
      if (typeof seg !== 'number') return undefined;
      cur = cur.items[seg];
      keyStart = undefined;
      if (cur === undefined) return undefined;
    } else return undefined;
  }
  return { node: (cur as YamlNode | null) ?? null, keyStart };
}

/**
 * Reads a (multi-document) YAML or JSON policy file. A bad document gives a PolicyError naming file and line and is
 * skipped; the other documents still load. Size, document count, depth and alias limits are checked before or while
 * parsing, never after expanding.
 */
export function readPolicyFile(
  file: string,
  content: Buffer | string,
  limits: PolicyFileLimits = DEFAULT_POLICY_FILE_LIMITS,
): { docs: PolicyDocument[]; errors: PolicyError[] } {
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > limits.maxFileBytes) {
    return { docs: [], errors: [new PolicyError({ file, line: 1, path: '', message: `policy file is ${size} bytes, over the limit of ${limits.maxFileBytes}`, limit: `maxFileBytes=${limits.maxFileBytes}` })] };
  }
  const text = typeof content === 'string' ? content : content.toString('utf8');
  if (roughNesting(text) > limits.maxDepth) {
    return { docs: [], errors: [new PolicyError({ file, line: 1, path: '', message: `nesting deeper than ${limits.maxDepth}`, limit: `maxDepth=${limits.maxDepth}` })] };
  }
  const lc = new LineCounter();
  let parsed: Document[];
  try {
    const all = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
    parsed = Array.isArray(all) ? all : [all as unknown as Document];
  } catch (e) {
    return { docs: [], errors: [new PolicyError({ file, line: 1, path: '', message: `cannot parse YAML: ${e instanceof Error ? e.message : String(e)}` })] };
  }
  if (parsed.length > limits.maxDocuments) {
    return { docs: [], errors: [new PolicyError({ file, line: 1, path: '', message: `more than ${limits.maxDocuments} YAML documents`, limit: `maxDocuments=${limits.maxDocuments}` })] };
  }
  const line = (offset: number): number => lc.linePos(offset).line;
  const docs: PolicyDocument[] = [];
  const errors: PolicyError[] = [];
  parsed.forEach((doc, docIndex) => {
    const docLine = line(doc.range?.[0] ?? 0);
    const first = doc.errors[0];
    if (first) {
      errors.push(new PolicyError({ file, line: line(first.pos[0]), path: '', message: `${first.code}: ${first.message.split('\n')[0]}` }));
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      let at = docLine;
      visit(doc, {
        Alias(_k, node) {
          if (node.range) at = line(node.range[0]);
          return visit.BREAK;
        },
      });
      const alias = /alias/i.test(msg);
      errors.push(new PolicyError({ file, line: at, path: '', message: alias ? `too many YAML aliases (limit ${limits.maxAliasCount}): ${msg}` : msg, ...(alias ? { limit: `maxAliasCount=${limits.maxAliasCount}` } : {}) }));
      return;
    }
    if (value === null || value === undefined) return; // empty document (a trailing `---`)
    const rangeOf = (path: DocPath): SourceRange | undefined => {
      const found = nodeAt(doc, path);
      if (!found) return undefined;
      const r = found.node && !isAlias(found.node) && 'range' in found.node ? found.node.range : undefined;
      const start = found.keyStart ?? r?.[0];
      if (start === undefined) return undefined;
      let end = r?.[1] ?? start + 1;
      while (end > start && /\s/.test(text[end - 1] ?? '')) end--;
      return { startLine: line(start), endLine: line(Math.max(start, end - 1)) };
    };
    const lineOf = (path: DocPath): number => {
      for (let n = path.length; n >= 0; n--) {
        const r = rangeOf(path.slice(0, n));
        if (r) return r.startLine;
      }
      return docLine;
    };
    const lineInString = (path: DocPath, offset: number): number => {
      const found = nodeAt(doc, path);
      const node = found?.node;
      if (!node || !isScalar(node) || !node.range || typeof node.value !== 'string') return lineOf(path);
      const start = line(node.range[0]);
      const before = node.value.slice(0, Math.max(0, offset));
      if (node.type === 'BLOCK_LITERAL') return start + 1 + (before.match(/\n/g)?.length ?? 0);
      if (node.type === 'BLOCK_FOLDED') return start + 1;
      if (node.type === 'PLAIN' || node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') {
        // multi-line flow scalars fold line breaks into spaces: count the source lines up to the offset instead
        const src = text.slice(node.range[0], node.range[1]);
        const lines = src.split('\n');
        if (lines.length === 1) return start;
        let seen = 0;
        for (let i = 0; i < lines.length; i++) {
          const words = lines[i]!.trim().replace(/^["']/, '');
          seen += words.length + 1;
          if (seen > offset) return start + i;
        }
        return start + lines.length - 1;
      }
      return start;
    };
    docs.push({ file, docIndex, value, line: docLine, rangeOf, lineOf, lineInString });
  });
  return { docs, errors };
}
