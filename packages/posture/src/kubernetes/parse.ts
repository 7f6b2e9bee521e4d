import { InputError, LimitError, err, ok, withLimits } from '@bulwark/core';
import type { Limits, Result, SourceRange } from '@bulwark/core';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { DocPath } from '../rules/types.js';

/** One Kubernetes object found in a manifest file, with the lines of every field. */
export interface K8sResource {
  file: string;
  /** Index of the YAML document in the file (0-based). */
  docIndex: number;
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The plain object (for `List` items: the item). */
  object: Record<string, unknown>;
  /** Lines of the whole object. */
  range: SourceRange;
  /** Lines of a field, path relative to `object`; undefined when the field is absent. */
  rangeOf(path: DocPath): SourceRange | undefined;
  /** "Kind/namespace/name" ("Kind/name" for cluster-scoped objects without namespace). */
  label: string;
}

export interface ParseOptions {
  limits?: Partial<Pick<Limits, 'maxDocumentBytes' | 'maxDepth'>>;
  /** Most aliases expanded per document (alias bombs). */
  maxAliasCount?: number;
}

const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass',
  'PriorityClass', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'PodSecurityPolicy', 'IngressClass', 'RuntimeClass', 'APIService', 'CSIDriver',
  'GatewayClass', 'CertificateSigningRequest',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = String(x);
  return out;
}

/** Depth of a plain value, iteratively (a recursive walk would itself overflow on hostile input). */
function depthOf(root: unknown, max: number): number {
  const stack: [unknown, number][] = [[root, 1]];
  let deepest = 0;
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > deepest) deepest = d;
    if (deepest > max) return deepest;
    if (Array.isArray(v)) for (const x of v) stack.push([x, d + 1]);
    else if (isRecord(v)) for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return deepest;
}

/** Cheap upper bound of flow/indent nesting before handing text to the parser (which recurses). */
export function roughNesting(text: string): number {
  let depth = 0;
  let max = 0;
  let indentMax = 0;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === 32 || c === 45) {
        indent++;
        continue;
      }
      lineStart = false;
      if (indent > indentMax) indentMax = indent;
    }
    if (c === 91 || c === 123) {
      depth++;
      if (depth > max) max = depth;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return Math.max(max, Math.floor(indentMax / 2));
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

function lineRange(lc: LineCounter, start: number, end: number, text: string): SourceRange {
  let e = Math.max(start, end);
  // node ranges end after trailing newlines; step back onto the last content character
  while (e > start && /\s/.test(text[e - 1] ?? '')) e--;
  return { startLine: lc.linePos(start).line, endLine: lc.linePos(Math.max(start, e - 1)).line };
}

function rangeFinder(doc: Document, lc: LineCounter, text: string, prefix: DocPath): (path: DocPath) => SourceRange | undefined {
  return (path) => {
    const found = nodeAt(doc, [...prefix, ...path]);
    if (!found) return undefined;
    const r = found.node && 'range' in found.node ? found.node.range : undefined;
    const start = found.keyStart ?? r?.[0];
    if (start === undefined) return undefined;
    return lineRange(lc, start, r?.[1] ?? start + 1, text);
  };
}

/**
 * Parses a Kubernetes manifest (YAML or JSON; multi-document; `List` kinds) into resources. Documents without
 * `apiVersion` and `kind` are skipped silently (they are not Kubernetes objects). Malformed YAML gives an InputError
 * naming file and line; size, depth and alias limits give a LimitError.
 */
export function parseKubernetes(file: string, content: Buffer | string, opts: ParseOptions = {}): Result<K8sResource[], InputError> {
  const limits = withLimits(opts.limits);
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > limits.maxDocumentBytes) return err(new LimitError({ file, limit: `maxDocumentBytes=${limits.maxDocumentBytes}` }));
  const text = typeof content === 'string' ? content : content.toString('utf8');
  if (roughNesting(text) > limits.maxDepth) return err(new LimitError({ file, limit: `maxDepth=${limits.maxDepth}` }));
  const lc = new LineCounter();
  let docs: Document[];
  try {
    const parsed = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
    docs = Array.isArray(parsed) ? parsed : [parsed as unknown as Document];
  } catch (e) {
    return err(new InputError({ file, message: `cannot parse YAML: ${e instanceof Error ? e.message : String(e)}`, cause: e }));
  }
  const out: K8sResource[] = [];
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i]!;
    const firstError = doc.errors[0];
    if (firstError) {
      const line = lc.linePos(firstError.pos[0]).line;
      return err(new InputError({ file, field: `line ${line}`, message: `${firstError.code}: ${firstError.message.split('\n')[0]}` }));
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: opts.maxAliasCount ?? 100 });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/alias/i.test(msg)) return err(new LimitError({ file, limit: `maxAliasCount=${opts.maxAliasCount ?? 100}`, message: msg }));
      return err(new InputError({ file, message: `document ${i}: ${msg}`, cause: e }));
    }
    if (depthOf(value, limits.maxDepth) > limits.maxDepth) return err(new LimitError({ file, limit: `maxDepth=${limits.maxDepth}` }));
    if (!isRecord(value)) continue;
    const items = value.kind === 'List' || (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items))
      ? (Array.isArray(value.items) ? value.items.map((x, j) => [x, ['items', j]] as const) : [])
      : [[value, []] as const];
    for (const [obj, prefix] of items) {
      const r = toResource(file, i, obj, doc, lc, text, prefix);
      if (r) out.push(r);
    }
  }
  return ok(out);
}

function toResource(file: string, docIndex: number, obj: unknown, doc: Document, lc: LineCounter, text: string, prefix: DocPath): K8sResource | undefined {
  if (!isRecord(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  const rangeOf = rangeFinder(doc, lc, text, prefix);
  return resourceOf(file, docIndex, obj as Record<string, unknown> & { apiVersion: string; kind: string }, rangeOf([]) ?? { startLine: 1, endLine: 1 }, rangeOf);
}

function resourceOf(file: string, docIndex: number, obj: Record<string, unknown> & { apiVersion: string; kind: string }, range: SourceRange, rangeOf: (path: DocPath) => SourceRange | undefined): K8sResource {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const name = meta.name !== undefined && meta.name !== null ? String(meta.name) : typeof meta.generateName === 'string' ? meta.generateName : '';
  const namespace = meta.namespace !== undefined && meta.namespace !== null ? String(meta.namespace) : undefined;
  const kind = obj.kind;
  const label = CLUSTER_SCOPED.has(kind) && namespace === undefined ? `${kind}/${name}` : `${kind}/${namespace ?? 'default'}/${name}`;
  return {
    file,
    docIndex,
    apiVersion: obj.apiVersion,
    kind,
    name,
    namespace,
    labels: stringMap(meta.labels),
    annotations: stringMap(meta.annotations),
    object: obj,
    range,
    rangeOf,
    label,
  };
}

/**
 * A resource from an object already parsed elsewhere (a streamed cluster snapshot, the live API): findings point at
 * the lines the object spans (`range`), not at its fields, since no document is kept.
 */
export function resourceFromObject(file: string, obj: unknown, range: SourceRange = { startLine: 1, endLine: 1 }, docIndex = 0): K8sResource | undefined {
  if (!isRecord(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  return resourceOf(file, docIndex, obj as Record<string, unknown> & { apiVersion: string; kind: string }, range, () => undefined);
}
