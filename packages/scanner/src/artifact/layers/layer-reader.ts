import { TarParser } from '../tar/tar-parser.js';
import type { ByteSink, TarHeader, TarWant } from '../tar/tar-parser.js';
import type { ByteBudget, EntryHandler, LayerEntry } from '../types.js';
import { limitSink, pumpBlob } from './decompress.js';

export interface LayerReadOptions {
  /** Names the layer in errors ("lab-app.tar:94c4….tar"). */
  file: string;
  maxEntries: number;
  maxLayerBytes: number;
  budget: ByteBudget;
}

/** Content of wanted files kept for hard links that point at them later in the same layer. */
const RETAIN_BYTES = 32 * 1024 * 1024;

/**
 * Normalises a tar entry name to an absolute posix path that cannot leave the root: `./a`, `a/`, `/a`,
 * `../../a` and `a/../../a` all become `/a`. Nothing is ever written to disk; this keeps paths honest for
 * whiteouts and the merged view.
 */
export function normaliseEntryPath(name: string): string {
  const parts: string[] = [];
  for (const seg of name.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

export interface LayerSink extends ByteSink {
  /** Hard links that were wanted but whose target bytes were not kept: need a second pass. */
  readonly pendingLinks: LayerEntry[];
}

/** A sink that turns an uncompressed layer tar into LayerEntry calls (whiteouts decoded, devices ignored). */
export function layerSink(handler: EntryHandler, opts: LayerReadOptions): LayerSink {
  const files = new Map<string, { size: number; mode: number }>();
  const retained = new Map<string, Buffer>();
  let retainedBytes = 0;
  const pendingLinks: LayerEntry[] = [];
  const parser = new TarParser({
    file: opts.file,
    maxEntries: opts.maxEntries,
    onHeader(h: TarHeader): TarWant {
      if (h.type === 'other') return undefined;
      const path = normaliseEntryPath(h.name);
      const slash = path.lastIndexOf('/');
      const base = path.slice(slash + 1);
      if (base.startsWith('.wh.')) {
        const dir = slash === 0 ? '/' : path.slice(0, slash);
        if (base === '.wh..wh..opq') handler.onEntry({ path: dir, type: 'opaque', size: 0, mode: 0 });
        else if (!base.startsWith('.wh..wh.')) {
          handler.onEntry({ path: (dir === '/' ? '' : dir) + '/' + base.slice(4), type: 'whiteout', size: 0, mode: 0 });
        }
        return undefined;
      }
      if (path === '/') return undefined;
      if (h.type === 'file') {
        files.set(path, { size: h.size, mode: h.mode });
        const entry: LayerEntry = { path, type: 'file', size: h.size, mode: h.mode };
        if (!handler.onEntry(entry)) return undefined;
        return {
          buffer(data) {
            if (retainedBytes + data.length <= RETAIN_BYTES) {
              retained.set(path, data);
              retainedBytes += data.length;
            }
            handler.onContent(entry, data);
          },
        };
      }
      if (h.type === 'hardlink') {
        const target = normaliseEntryPath(h.linkName);
        const info = files.get(target);
        const entry: LayerEntry = { path, type: 'hardlink', size: info?.size ?? 0, mode: info?.mode ?? h.mode, linkTarget: target };
        if (!handler.onEntry(entry)) return undefined;
        const kept = retained.get(target);
        if (kept) handler.onContent(entry, kept);
        else if (info) pendingLinks.push(entry);
        else handler.onFileError(path, `hard link to ${target}, which is not an earlier file of this layer`);
        return undefined;
      }
      if (h.type === 'symlink') {
        handler.onEntry({ path, type: 'symlink', size: 0, mode: h.mode, linkTarget: h.linkName });
        return undefined;
      }
      handler.onEntry({ path, type: 'dir', size: 0, mode: h.mode });
      return undefined;
    },
  });
  const limited = limitSink(parser, { file: opts.file, maxBytes: opts.maxLayerBytes, budget: opts.budget });
  return {
    pendingLinks,
    write: (c) => limited.write(c),
    end: () => limited.end(),
  };
}

/** Second pass over a layer: delivers the bytes of hard-link targets to the links that wanted them. */
export function hardLinkSink(links: readonly LayerEntry[], handler: EntryHandler, opts: LayerReadOptions): ByteSink {
  const byTarget = new Map<string, LayerEntry[]>();
  for (const l of links) {
    const list = byTarget.get(l.linkTarget!) ?? [];
    list.push(l);
    byTarget.set(l.linkTarget!, list);
  }
  const parser = new TarParser({
    file: opts.file,
    maxEntries: opts.maxEntries,
    onHeader(h) {
      if (h.type !== 'file') return undefined;
      const wanting = byTarget.get(normaliseEntryPath(h.name));
      if (!wanting) return undefined;
      return {
        buffer(data) {
          for (const l of wanting) handler.onContent(l, data);
        },
      };
    },
  });
  // Bytes were already counted against the budget on the first pass.
  return limitSink(parser, { file: opts.file, maxBytes: opts.maxLayerBytes, budget: { used: 0, max: Number.MAX_SAFE_INTEGER } });
}

/** A stored blob that can be streamed again (second pass for hard links). */
export type BlobOpener = () => Promise<AsyncIterable<Uint8Array> & { destroy?: (e?: Error) => void }>;

/** Streams one layer blob (gzip, zstd or plain tar) into a handler; a second pass only for unresolved hard links. */
export async function readLayerBlob(
  open: BlobOpener,
  handler: EntryHandler,
  opts: LayerReadOptions & { onRawBytes?: (n: number) => void },
): Promise<void> {
  const sink = layerSink(handler, opts);
  await pumpBlob(await open(), sink, { file: opts.file, onRawBytes: opts.onRawBytes });
  if (sink.pendingLinks.length > 0) {
    await pumpBlob(await open(), hardLinkSink(sink.pendingLinks, handler, opts), { file: opts.file });
  }
}
