import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InputError, LimitError, withLimits } from '@bulwark/core';
import type { Limits, SourceRange } from '@bulwark/core';
import { parseKubernetes } from '../kubernetes/parse.js';
import { JsonSplitter } from './json-stream.js';
import type { JsonPiece } from './json-stream.js';
import { isList, sanitizeObject } from './sanitize.js';
import type { KubeObject } from './types.js';
import { YamlSplitter } from './yaml-stream.js';
import type { YamlPiece } from './yaml-stream.js';

export interface SnapshotOptions {
  /**
   * `maxFileBytes`: the whole dump (default 512 MiB); `maxDocumentBytes`: one object or YAML document; `maxDepth`:
   * nesting — the limits `parseKubernetes` applies to a manifest, applied here per object.
   */
  limits?: Partial<Pick<Limits, 'maxFileBytes' | 'maxDocumentBytes' | 'maxDepth'>>;
  /** Most YAML aliases expanded per document (default 100, as `parseKubernetes`). */
  maxAliasCount?: number;
  /** Read size (default 64 KiB). */
  chunkBytes?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Receives each object with the lines of the dump it was read from. */
export type OnSnapshotObject = (o: KubeObject, at: SourceRange) => void;

/** Objects of a parsed value: itself, or the items of a List (one level deep), each sanitized. */
function collect(value: unknown, at: SourceRange, out: OnSnapshotObject): void {
  if (!isRecord(value)) return;
  if (isList(value)) {
    for (const item of value.items as unknown[]) if (isRecord(item) && !isList(item)) keep(item, at, out);
    return;
  }
  keep(value, at, out);
}

function keep(value: Record<string, unknown>, at: SourceRange, out: OnSnapshotObject): void {
  const o = sanitizeObject(value);
  if (o) out(o, at);
}

function linesOf(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Streams the objects of a cluster dump — `kubectl get <kinds> -A -o json` (a `List`), several such outputs
 * concatenated, a top-level JSON array, or multi-document YAML (`-o yaml`) — to `onObject`, one at a time: the text
 * is read in chunks and cut into one object at a time (a `List`'s items one by one), so memory holds the current
 * object's text, never the file. Secrets lose `data`/`stringData` before `onObject` sees them (`sanitizeObject`);
 * each object comes with the lines it spans in the dump (a List read whole gives its items the List's lines).
 * Errors: InputError with the line of the offending object; LimitError for the size and depth limits.
 */
export async function streamSnapshot(path: string, onObject: OnSnapshotObject, opts: SnapshotOptions = {}): Promise<void> {
  const limits = withLimits(opts.limits);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new InputError({ file: path, message: `cannot read: ${e instanceof Error ? e.message : String(e)}`, cause: e });
  }
  if (size > limits.maxFileBytes) throw new LimitError({ file: path, limit: `maxFileBytes=${limits.maxFileBytes}` });

  const onJson = (p: JsonPiece): void => {
    let value: unknown;
    try {
      value = JSON.parse(p.text);
    } catch {
      // JSON.parse messages quote the text around the error, which may be a Secret's data: say where, not what
      throw new InputError({ file: path, field: `line ${p.line}`, expected: 'a JSON object', message: `invalid JSON in the object starting here` });
    }
    if (p.where === 'top' && isRecord(value) && isList(value)) return; // its items were streamed already
    collect(value, { startLine: p.line, endLine: p.line + linesOf(p.text) }, onObject);
  };
  const onYaml = (p: YamlPiece): void => {
    const r = parseKubernetes(path, p.text, { limits: { maxDocumentBytes: limits.maxDocumentBytes, maxDepth: limits.maxDepth }, maxAliasCount: opts.maxAliasCount ?? 100 });
    if (!r.ok) {
      const m = /^line (\d+)$/.exec(r.error.field ?? '');
      if (!m) throw r.error;
      const line = p.line + Number(m[1]) - 1;
      throw new InputError({ file: path, field: `line ${line}`, expected: 'YAML', message: `invalid YAML`, cause: r.error });
    }
    for (const res of r.value) keep(res.object, { startLine: p.line + res.range.startLine - 1, endLine: p.line + res.range.endLine - 1 }, onObject);
  };

  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: opts.chunkBytes ?? 64 * 1024 });
  let json: JsonSplitter | undefined;
  let yaml: YamlSplitter | undefined;
  let pending = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      if (!json && !yaml) {
        const first = /\S/.exec(chunk.replace(/^\uFEFF/, ''));
        if (!first) continue;
        if (first[0] === '{' || first[0] === '[') json = new JsonSplitter(path, limits, onJson);
        else yaml = new YamlSplitter(path, limits.maxDocumentBytes, onYaml);
      }
      if (json) json.feed(chunk);
      else {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop()!;
        for (const l of lines) yaml!.feedLine(l);
        if (pending.length > limits.maxDocumentBytes) throw new LimitError({ file: path, limit: `maxDocumentBytes=${limits.maxDocumentBytes}`, message: 'a single line exceeds maxDocumentBytes' });
      }
    }
  } finally {
    stream.destroy();
  }
  if (json) json.end();
  if (yaml) {
    if (pending !== '') yaml.feedLine(pending);
    yaml.end();
  }
}

/**
 * Reads a cluster dump (see `streamSnapshot`) into its objects, Secrets reduced to metadata. An empty dump, or one
 * without any Kubernetes object, is an InputError: the user named this file as a cluster snapshot.
 */
export async function loadSnapshot(path: string, opts: SnapshotOptions = {}): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  await streamSnapshot(path, (o) => void out.push(o), opts);
  if (out.length === 0) {
    throw new InputError({ file: path, expected: 'Kubernetes objects (the output of `kubectl get <kinds> -A -o json`)', message: 'no Kubernetes object (apiVersion + kind) found' });
  }
  return out;
}
