import { isDeepStrictEqual } from 'node:util';
import { err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import { Scalar, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, stringify } from 'yaml';
import type { Document, Node as YamlNode, Pair, YAMLMap, YAMLSeq } from 'yaml';
import type { DocPath } from '../rules/types.js';

/**
 * In-place edits of YAML/JSON text. The `yaml` package's Document gives each node's source offsets; an edit splices
 * only the bytes of the changed value (or inserts a line or a `, key: value` after the last sibling), so every other
 * byte — comments, key order, quoting, blank lines, document separators — stays as written. After each edit the text
 * is parsed again and the edit is kept only if every document still parses and the edited document equals the old one
 * with that one field changed.
 */

type Splice = { at: number; del: number; ins: string };

interface Style {
  json: boolean;
  eol: string;
  /** Indentation step of block maps. */
  unit: number;
  /** Block sequences indented under their key ("key:\n  - a") rather than level with it ("key:\n- a"). */
  seqIndent: boolean;
}

/** Parses a YAML stream the way the Kubernetes reader does; undefined when a document has errors. */
export function parseDocuments(text: string): Document[] | undefined {
  const parsed = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  const docs = Array.isArray(parsed) ? parsed : [];
  return docs.some((d) => d.errors.length > 0) ? undefined : docs;
}

/** True for JSON manifests: edits are then written as JSON (quoted keys, JSON values). */
export function looksLikeJson(path: string, text: string): boolean {
  return /\.json$/i.test(path) || /^\s*[[{]/.test(text);
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}
function col(text: string, at: number): number {
  return at - lineStart(text, at);
}
/** Offset of the end of the line holding `at` (before its "\r\n" or "\n"). */
function lineEnd(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  if (nl < 0) return text.length;
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}
function stepBack(text: string, end: number, floor: number): number {
  let e = end;
  while (e > floor && /\s/.test(text[e - 1]!)) e--;
  return e;
}

function range(n: unknown): [number, number] | undefined {
  const r = (n as { range?: [number, number, number] } | null)?.range;
  return r ? [r[0], r[1]] : undefined;
}

function keyOf(p: Pair): string {
  return isScalar(p.key) ? String(p.key.value) : String(p.key);
}

/** End of the last content of a node (its last leaf value), so an appended sibling lands before trailing comments. */
function contentEnd(text: string, n: unknown): number | undefined {
  if ((isMap(n) || isSeq(n)) && !n.flow && n.items.length > 0) {
    const last = n.items[n.items.length - 1];
    if (isPair(last)) return last.value !== null && range(last.value) ? contentEnd(text, last.value) : range(last.key)?.[1];
    return contentEnd(text, last);
  }
  const r = range(n);
  return r ? stepBack(text, r[1], r[0]) : undefined;
}

function detectStyle(path: string, text: string, docs: readonly Document[]): Style {
  const style: Style = { json: looksLikeJson(path, text), eol: text.includes('\r\n') ? '\r\n' : '\n', unit: 2, seqIndent: true };
  let unit: number | undefined;
  let seq: boolean | undefined;
  const visit = (n: unknown, depth: number): void => {
    if (depth > 64 || (unit !== undefined && seq !== undefined)) return;
    if (isMap(n)) {
      for (const p of n.items) {
        const k = range(p.key);
        const v = p.value;
        if (k && unit === undefined && isMap(v) && v.items.length > 0) {
          // block: child key column minus parent key column; pretty JSON: same, for a child on its own line
          const c = range(v.items[0]!.key);
          const parentCol = n.flow ? lineIndent(text, k[0]) : col(text, k[0]);
          const own = !v.flow || lineStart(text, c?.[0] ?? 0) !== lineStart(text, k[0]);
          if (c && own && col(text, c[0]) > parentCol) unit = col(text, c[0]) - parentCol;
        }
        if (k && !n.flow) {
          if (seq === undefined && isSeq(v) && !v.flow && v.items.length > 0 && range(v)) seq = col(text, range(v)![0]) > col(text, k[0]);
        }
        visit(v, depth + 1);
      }
    } else if (isSeq(n)) for (const x of n.items) visit(x, depth + 1);
  };
  for (const d of docs) visit(d.contents, 0);
  if (unit !== undefined) style.unit = unit;
  if (seq !== undefined) style.seqIndent = seq;
  return style;
}

/** JSON on one line with a space after `:` and `,` (`{"type": "RuntimeDefault"}`). */
function jsonInline(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(jsonInline).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${jsonInline(x)}`).join(', ')}}`;
  return JSON.stringify(v);
}

/** JSON over several lines, continuation lines indented from `indent`. */
function jsonBlock(v: unknown, indent: number, unit: number, eol: string): string {
  if (v === null || typeof v !== 'object' || (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0)) return jsonInline(v);
  return JSON.stringify(v, null, unit).split('\n').map((l, i) => (i === 0 ? l : ' '.repeat(indent) + l)).join(eol);
}

function yamlLines(v: unknown, style: Style): string[] {
  const out = stringify(v, { indent: style.unit, indentSeq: style.seqIndent, lineWidth: 0, minContentWidth: 0 });
  return out.replace(/\n$/, '').split('\n');
}

/** A scalar as YAML, in the quoting of the scalar it replaces when that is still valid for the new value. */
function yamlScalar(v: unknown, old?: Scalar): string {
  if (typeof v === 'string' && old?.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(v);
  if (typeof v === 'string' && old?.type === Scalar.QUOTE_SINGLE) return `'${v.replace(/'/g, "''")}'`;
  return yamlLines(v, { json: false, eol: '\n', unit: 2, seqIndent: true }).join('\n');
}

/** `key: value` inside a flow map, on one line or (JSON over several lines) indented at `indent`. */
function flowPair(key: string, v: unknown, style: Style, indent: number, multiline: boolean): string {
  if (style.json) return `${JSON.stringify(key)}: ${multiline ? jsonBlock(v, indent, style.unit, style.eol) : jsonInline(v)}`;
  const s = stringify({ [key]: v }, { collectionStyle: 'flow', lineWidth: 0 }).trim();
  return s.slice(1, -1).trim();
}
function flowItem(v: unknown, style: Style, indent: number, multiline: boolean): string {
  if (style.json) return multiline ? jsonBlock(v, indent, style.unit, style.eol) : jsonInline(v);
  const s = stringify([v], { collectionStyle: 'flow', lineWidth: 0 }).trim();
  return s.slice(1, -1).trim();
}
function flowValue(v: unknown, style: Style): string {
  return style.json ? jsonInline(v) : stringify(v, { collectionStyle: 'flow', lineWidth: 0 }).trim();
}

function build(rest: DocPath, value: unknown): Result<unknown, string> {
  let v = value;
  for (let i = rest.length - 1; i >= 0; i--) {
    const seg = rest[i]!;
    if (typeof seg === 'number') {
      if (seg !== 0) return err(`cannot create list index ${seg}`);
      v = [v];
    } else v = { [seg]: v };
  }
  return ok(v);
}

function indent(n: number): string {
  return ' '.repeat(n);
}

/** Leading spaces of the line holding `at`. */
function lineIndent(text: string, at: number): number {
  const start = lineStart(text, at);
  return /^ */.exec(text.slice(start, at))![0].length;
}

/** Content for an empty flow collection `{}`/`[]`: in pretty-printed JSON it opens over lines, elsewhere it stays inline. */
function openEmpty(text: string, at: number, style: Style, multi: (indent: number) => string, inline: () => string): string {
  const closeAt = at + 1;
  const pretty = style.json && text.includes('\n') && /^\s*[\]}]/.test(text.slice(closeAt)) && text.slice(lineStart(text, at), at).trim() !== '';
  if (!pretty) return inline();
  const base = lineIndent(text, at);
  return `${style.eol}${indent(base + style.unit)}${multi(base + style.unit)}${style.eol}${indent(base)}`;
}

/** Appends `key: v` to a map. */
function insertPair(text: string, map: YAMLMap, key: string, v: unknown, style: Style): Result<Splice[], string> {
  const r = range(map);
  if (!r) return err('map without source position');
  if (map.flow) {
    if (map.items.length === 0) return ok([{ at: r[0] + 1, del: 0, ins: openEmpty(text, r[0], style, (ind) => flowPair(key, v, style, ind, true), () => flowPair(key, v, style, 0, false)) }]);
    const last = map.items[map.items.length - 1]!;
    const end = range(last.value)?.[1] ?? range(last.key)?.[1];
    const k = range(last.key);
    if (end === undefined || !k) return err('map without source position');
    const multiline = lineStart(text, k[0]) !== lineStart(text, r[0]);
    if (!multiline) return ok([{ at: end, del: 0, ins: `, ${flowPair(key, v, style, 0, false)}` }]);
    const ind = col(text, k[0]);
    return ok([{ at: end, del: 0, ins: `,${style.eol}${indent(ind)}${flowPair(key, v, style, ind, true)}` }]);
  }
  const first = range(map.items[0]?.key);
  const end = contentEnd(text, map);
  if (!first || end === undefined) return err('map without source position');
  const ind = col(text, first[0]);
  const lines = yamlLines({ [key]: v }, style).map((l) => indent(ind) + l);
  return ok([{ at: lineEnd(text, end), del: 0, ins: style.eol + lines.join(style.eol) }]);
}

/** Appends an item to a list. */
function appendItem(text: string, seq: YAMLSeq, v: unknown, style: Style): Result<Splice[], string> {
  const r = range(seq);
  if (!r) return err('list without source position');
  if (seq.flow) {
    if (seq.items.length === 0) return ok([{ at: r[0] + 1, del: 0, ins: openEmpty(text, r[0], style, (ind) => flowItem(v, style, ind, true), () => flowItem(v, style, 0, false)) }]);
    const last = range(seq.items[seq.items.length - 1]);
    if (!last) return err('list without source position');
    const multiline = lineStart(text, last[0]) !== lineStart(text, r[0]);
    if (!multiline) return ok([{ at: last[1], del: 0, ins: `, ${flowItem(v, style, 0, false)}` }]);
    const ind = col(text, last[0]);
    return ok([{ at: last[1], del: 0, ins: `,${style.eol}${indent(ind)}${flowItem(v, style, ind, true)}` }]);
  }
  const end = contentEnd(text, seq);
  if (end === undefined) return err('list without source position');
  const lines = yamlLines([v], style).map((l) => indent(col(text, r[0])) + l);
  return ok([{ at: lineEnd(text, end), del: 0, ins: style.eol + lines.join(style.eol) }]);
}

/** Replaces the value of a pair (a scalar, or an empty/null value that becomes a collection). */
function replaceValue(text: string, parent: YAMLMap | YAMLSeq, pair: Pair | undefined, node: unknown, v: unknown, style: Style): Result<Splice[], string> {
  const r = range(node);
  if (!r) return err('value without source position');
  const collection = v !== null && typeof v === 'object';
  const emptyFlow = (isMap(node) || isSeq(node)) && node.flow && node.items.length === 0;
  if ((isMap(node) || isSeq(node)) && !(emptyFlow && collection && pair && !parent.flow && !style.json)) {
    if (!node.flow) return err('would replace a block collection');
    return ok([{ at: r[0], del: r[1] - r[0], ins: flowValue(v, style) }]);
  }
  if (!isScalar(node) && !emptyFlow) return err('unsupported node');
  const empty = r[1] === r[0];
  const lead = empty && !/\s/.test(text[r[0] - 1] ?? ' ') ? ' ' : '';
  if (!collection || parent.flow || style.json || !pair) {
    const rendered = collection ? flowValue(v, style) : style.json ? JSON.stringify(v) : yamlScalar(v, isScalar(node) ? node : undefined);
    return ok([{ at: r[0], del: r[1] - r[0], ins: lead + rendered }]);
  }
  // block map: "key: ~" or "key:" becomes "key:\n  child: ..."
  const k = range(pair.key);
  if (!k) return err('key without source position');
  if ((Array.isArray(v) && v.length === 0) || (!Array.isArray(v) && Object.keys(v as object).length === 0)) {
    return ok([{ at: r[0], del: r[1] - r[0], ins: lead + flowValue(v, style) }]);
  }
  const base = col(text, k[0]);
  const lines = Array.isArray(v)
    ? yamlLines(v, style).map((l) => indent(base + (style.seqIndent ? style.unit : 0)) + l)
    : yamlLines(v, style).map((l) => indent(base + style.unit) + l);
  const splices: Splice[] = [{ at: lineEnd(text, Math.max(r[1], k[1])), del: 0, ins: style.eol + lines.join(style.eol) }];
  if (!empty) {
    // drop the old value, and the blank before it when nothing follows on the line ("key: ~" -> "key:")
    const tailBlank = text.slice(r[1], lineEnd(text, r[1])).trim() === '';
    let from = r[0];
    let to = r[1];
    const blank = (c: string | undefined): boolean => c === ' ' || c === '\t';
    if (tailBlank) while (from > k[1] && blank(text[from - 1])) from--;
    else while (blank(text[to])) to++;
    splices.push({ at: from, del: to - from, ins: '' });
  }
  return ok(splices);
}

function anchored(n: unknown): boolean {
  return typeof (n as { anchor?: unknown } | null)?.anchor === 'string';
}

/** The splices that set `path` (relative to the document root) to `value`; [] when the value is already there. */
function planSet(text: string, doc: Document, path: DocPath, value: unknown, style: Style): Result<Splice[], string> {
  if (path.length === 0) return err('empty path');
  let cur: unknown = doc.contents;
  let parent: YAMLMap | YAMLSeq | undefined;
  let parentPair: Pair | undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const where = path.slice(0, i).join('.') || '(root)';
    if (isAlias(cur)) return err(`${where} is an alias`);
    if (anchored(cur)) return err(`${where} has an anchor (aliases would change too)`);
    const last = i === path.length - 1;
    if (isMap(cur)) {
      const pair = cur.items.find((p) => keyOf(p) === String(seg));
      if (!pair) {
        if (typeof seg === 'number') return err(`${where} is a map, not a list`);
        const built = build(path.slice(i + 1), value);
        if (!built.ok) return built;
        // "key: {}" under a block map opens as a block map, as if the value were absent
        if (cur.flow && cur.items.length === 0 && !style.json && parent && isMap(parent) && !parent.flow && parentPair) {
          return replaceValue(text, parent, parentPair, cur, { [seg]: built.value }, style);
        }
        return insertPair(text, cur, seg, built.value, style);
      }
      const next = pair.value;
      if (last || next === null || (isScalar(next) && next.value === null)) {
        if (isAlias(next)) return err(`${path.slice(0, i + 1).join('.')} is an alias`);
        const built = build(path.slice(i + 1), value);
        if (!built.ok) return built;
        if (next !== null && isDeepStrictEqual((next as YamlNode).toJSON(), built.value)) return ok([]);
        if (next === null) return err(`${path.slice(0, i + 1).join('.')} has no value node`);
        return replaceValue(text, cur, pair, next, built.value, style);
      }
      parent = cur;
      parentPair = pair;
      cur = next;
    } else if (isSeq(cur)) {
      if (typeof seg !== 'number') return err(`${where} is a list, not a map`);
      if (seg === cur.items.length) {
        const built = build(path.slice(i + 1), value);
        return built.ok ? appendItem(text, cur, built.value, style) : built;
      }
      if (seg > cur.items.length || seg < 0) return err(`${where} has no item ${seg}`);
      const next = cur.items[seg];
      if (isAlias(next)) return err(`${path.slice(0, i + 1).join('.')} is an alias`);
      if (last) {
        if (isDeepStrictEqual((next as YamlNode).toJSON(), value)) return ok([]);
        return replaceValue(text, cur, undefined, next, value, style);
      }
      parent = cur;
      parentPair = undefined;
      cur = next;
    } else {
      return err(`${where} is not a map or a list`);
    }
  }
  return err('unreachable');
}

/** The splices that delete `path`; [] when it is absent. */
function planDelete(text: string, doc: Document, path: DocPath): Result<Splice[], string> {
  let cur: unknown = doc.contents;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    if (isAlias(cur) || anchored(cur)) return err(`${path.slice(0, i).join('.') || '(root)'} is an alias or anchored`);
    if (isMap(cur)) cur = cur.items.find((p) => keyOf(p) === String(seg))?.value;
    else if (isSeq(cur) && typeof seg === 'number') cur = cur.items[seg];
    else return ok([]);
    if (cur === undefined || cur === null) return ok([]);
  }
  if (!isMap(cur)) return err('only map fields can be deleted');
  const idx = cur.items.findIndex((p) => keyOf(p) === String(path[path.length - 1]));
  if (idx < 0) return ok([]);
  const pair = cur.items[idx]!;
  const k = range(pair.key);
  const end = pair.value !== null && range(pair.value) ? contentEnd(text, pair.value) : k?.[1];
  if (!k || end === undefined) return err('field without source position');
  if (cur.flow) {
    if (cur.items.length === 1) return ok([{ at: k[0], del: end - k[0], ins: '' }]);
    if (idx > 0) {
      const prevEnd = range(cur.items[idx - 1]!.value)?.[1] ?? range(cur.items[idx - 1]!.key)?.[1];
      if (prevEnd === undefined) return err('field without source position');
      return ok([{ at: prevEnd, del: end - prevEnd, ins: '' }]);
    }
    const nextKey = range(cur.items[1]!.key);
    if (!nextKey) return err('field without source position');
    return ok([{ at: k[0], del: nextKey[0] - k[0], ins: '' }]);
  }
  if (cur.items.length === 1) return err('deleting the only field would leave an empty block map');
  const start = lineStart(text, k[0]);
  if (text.slice(start, k[0]).trim() !== '') return err('field shares its line with a list marker');
  const stop = lineEnd(text, end);
  const nl = text.startsWith('\r\n', stop) ? 2 : text[stop] === '\n' ? 1 : 0;
  return ok([{ at: start, del: stop + nl - start, ins: '' }]);
}

function applySplices(text: string, splices: readonly Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.at - a.at)) out = out.slice(0, s.at) + s.ins + out.slice(s.at + s.del);
  return out;
}

function plain(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

/** Sets (or, for `undefined` with op 'delete', removes) a path in a plain value; mutates and returns `root`. */
export function setInValue(root: unknown, path: DocPath, value: unknown, op: 'set' | 'delete' = 'set'): unknown {
  if (path.length === 0) return value;
  let cur = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const nextSeg = path[i + 1]!;
    if (cur[seg] === null || typeof cur[seg] !== 'object') {
      if (op === 'delete') return root;
      cur[seg] = typeof nextSeg === 'number' ? [] : {};
    }
    cur = cur[seg] as Record<string | number, unknown>;
  }
  const lastSeg = path[path.length - 1]!;
  if (op === 'delete') delete cur[lastSeg];
  else cur[lastSeg] = value;
  return root;
}

export type EditOp = { kind: 'set'; path: DocPath; value: unknown } | { kind: 'delete'; path: DocPath };

/**
 * A YAML/JSON text with its parsed documents and (computed on demand) their plain values. The text is kept as the
 * source of each document plus the gaps between them, each document parsed on its own, so an edit re-parses only the
 * document it changes (a Helm release of hundreds of objects is not re-read per edit). When a document does not read
 * the same on its own as within the stream (directives), the whole text is re-parsed instead.
 */
export class ParsedText {
  private readonly values: unknown[];
  private constructor(
    readonly file: string,
    /** gap, document, gap, document, ..., gap; or [text] when documents are not parsed on their own */
    private readonly parts: readonly string[],
    readonly docs: readonly Document[],
    private readonly style: Style,
    values: unknown[] = [],
  ) {
    this.values = values;
  }

  get text(): string {
    return this.parts.join('');
  }

  private get split(): boolean {
    return this.parts.length === 2 * this.docs.length + 1;
  }

  /** Undefined when a document does not parse. */
  static parse(file: string, text: string): ParsedText | undefined {
    const docs = parseDocuments(text);
    if (!docs) return undefined;
    const style = detectStyle(file, text, docs);
    const parts: string[] = [];
    const own: Document[] = [];
    let at = 0;
    for (const d of docs) {
      const r = d.range;
      const alone = r && r[0] >= at ? parseDocuments(text.slice(r[0], r[2])) : undefined;
      if (docs.length < 2 || !r || !alone || alone.length !== 1 || !isDeepStrictEqual(alone[0]!.toJSON(), d.toJSON())) {
        return new ParsedText(file, [text], docs, style);
      }
      parts.push(text.slice(at, r[0]), text.slice(r[0], r[2]));
      own.push(alone[0]!);
      at = r[2];
    }
    parts.push(text.slice(at));
    return new ParsedText(file, parts, own, style);
  }

  /** Plain value of document `i`, shared: callers must not mutate it. */
  value(i: number): unknown {
    if (!(i in this.values)) this.values[i] = plain(this.docs[i]!.toJS({ maxAliasCount: 100 }));
    return this.values[i];
  }

  /**
   * Applies one edit to document `doc` (`path` relative to the document root). Returns the edited text (this one when
   * the value is already there), or why the edit cannot be made in place.
   */
  edit(doc: number, edit: EditOp): Result<ParsedText, string> {
    const d = this.docs[doc];
    if (!d) return err(`no document ${doc}`);
    const source = this.split ? this.parts[2 * doc + 1]! : this.parts[0]!;
    const planned = edit.kind === 'set' ? planSet(source, d, edit.path, edit.value, this.style) : planDelete(source, d, edit.path);
    if (!planned.ok) return planned;
    if (planned.value.length === 0) return ok(this);
    const changed = applySplices(source, planned.value);
    const reparsed = parseDocuments(changed);
    const expectedCount = this.split ? 1 : this.docs.length;
    if (!reparsed || reparsed.length !== expectedCount) return err('the edited text does not parse back into the same documents');
    let next: ParsedText;
    if (this.split) {
      const parts = [...this.parts];
      parts[2 * doc + 1] = changed;
      const docs = [...this.docs];
      docs[doc] = reparsed[0]!;
      const values = this.values.slice(); // keeps holes: values not computed yet stay absent
      delete values[doc];
      next = new ParsedText(this.file, parts, docs, this.style, values);
    } else {
      next = new ParsedText(this.file, [changed], reparsed, this.style);
      for (let i = 0; i < this.docs.length; i++) {
        if (i === doc) continue;
        if (!isDeepStrictEqual(next.value(i), this.value(i))) return err('the edit would change another document');
      }
    }
    const expected = setInValue(plain(this.value(doc)), edit.path, edit.kind === 'set' ? plain(edit.value) : undefined, edit.kind);
    if (!isDeepStrictEqual(next.value(doc), expected)) return err(`the edit would change more than ${edit.path.join('.')}`);
    return ok(next);
  }
}

/** `ParsedText.edit` on a plain text. */
export function editText(file: string, text: string, doc: number, edit: EditOp): Result<string, string> {
  const parsed = ParsedText.parse(file, text);
  if (!parsed) return err('the file does not parse');
  const r = parsed.edit(doc, edit);
  return r.ok ? ok(r.value.text) : r;
}
