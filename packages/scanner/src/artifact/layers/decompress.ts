import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { Gunzip } from 'fflate';
import { Decompress as ZstdDecompress } from 'fzstd';
import { InputError, LimitError, isBulwarkError } from '@bulwark/core';
import type { ByteSink } from '../tar/tar-parser.js';
import type { ByteBudget } from '../types.js';

export type Compression = 'gzip' | 'zstd' | 'none';

export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** Throws LimitError once more than `maxBytes` (per stream) or the shared budget have passed through. */
export function limitSink(inner: ByteSink, opts: { file: string; maxBytes: number; budget: ByteBudget }): ByteSink {
  let seen = 0;
  return {
    write(chunk) {
      seen += chunk.length;
      opts.budget.used += chunk.length;
      if (seen > opts.maxBytes) {
        throw new LimitError({ file: opts.file, limit: `maxLayerBytes=${opts.maxBytes}`, message: `decompresses past ${opts.maxBytes} bytes (maxLayerBytes)` });
      }
      if (opts.budget.used > opts.budget.max) {
        throw new LimitError({ file: opts.file, limit: `maxTotalBytes=${opts.budget.max}`, message: `artifact decompresses past ${opts.budget.max} bytes (maxTotalBytes)` });
      }
      inner.write(chunk);
    },
    end() {
      inner.end();
    },
  };
}

/**
 * Synchronous decompressing sink that picks gzip / zstd / none from the first bytes. Used where bytes arrive
 * through another synchronous parser (a layer inside a streamed archive); top-level streams use native zlib.
 */
export function decompressingSink(inner: ByteSink, file: string): ByteSink {
  let head: Buffer | undefined = Buffer.alloc(0);
  let chosen: ByteSink | undefined;
  let failure: unknown;
  const wrapErr = (kind: string, e: unknown): InputError =>
    isBulwarkError(e) && e instanceof InputError ? e : new InputError({ file, message: `corrupt ${kind} data: ${(e as Error)?.message ?? String(e)}`, cause: e });
  const choose = (bytes: Buffer): ByteSink => {
    const c = detectCompression(bytes);
    if (c === 'gzip') {
      let ended = false;
      const g = new Gunzip((data, final) => {
        if (failure) return;
        try {
          if (data.length) inner.write(data);
          if (final && !ended) {
            ended = true;
            inner.end();
          }
        } catch (e) {
          failure = e;
        }
      });
      return {
        write(chunk) {
          try {
            g.push(chunk);
          } catch (e) {
            throw wrapErr('gzip', e);
          }
          if (failure) throw wrapErr('gzip', failure);
        },
        end() {
          try {
            g.push(new Uint8Array(0), true);
          } catch (e) {
            throw wrapErr('gzip', e);
          }
          if (failure) throw wrapErr('gzip', failure);
          if (!ended) throw new InputError({ file, message: 'truncated gzip stream' });
        },
      };
    }
    if (c === 'zstd') {
      const z = new ZstdDecompress((data) => {
        if (failure) return;
        try {
          if (data.length) inner.write(data);
        } catch (e) {
          failure = e;
        }
      });
      return {
        write(chunk) {
          try {
            z.push(chunk);
          } catch (e) {
            throw wrapErr('zstd', e);
          }
          if (failure) throw wrapErr('zstd', failure);
        },
        end() {
          try {
            z.push(new Uint8Array(0), true);
          } catch (e) {
            throw wrapErr('zstd', e);
          }
          if (failure) throw wrapErr('zstd', failure);
          inner.end();
        },
      };
    }
    return inner;
  };
  return {
    write(chunk) {
      if (chosen) return chosen.write(chunk);
      head = Buffer.concat([head ?? Buffer.alloc(0), chunk]);
      if (head.length < 4) return;
      chosen = choose(head);
      const first = head;
      head = undefined;
      chosen.write(first);
    },
    end() {
      if (!chosen) {
        chosen = choose(head ?? Buffer.alloc(0));
        if (head && head.length) chosen.write(head);
      }
      chosen.end();
    },
  };
}

/**
 * Pumps a raw blob stream into a sink, decompressing gzip with native zlib (the fast path for big layers)
 * and zstd with fzstd. Counts raw bytes for progress. Rejects only with typed errors.
 */
export async function pumpBlob(
  input: AsyncIterable<Uint8Array> & { destroy?: (e?: Error) => void },
  sink: ByteSink,
  opts: { file: string; onRawBytes?: (n: number) => void },
): Promise<void> {
  const it = input[Symbol.asyncIterator]();
  let first: Uint8Array | undefined;
  try {
    const r = await it.next();
    first = r.done ? undefined : r.value;
    if (first === undefined) {
      sink.end();
      return;
    }
    // Up to 4 bytes are needed to tell zstd apart; a tiny first chunk is completed from the next ones.
    while (first.length < 4) {
      const more = await it.next();
      if (more.done) break;
      first = Buffer.concat([first, more.value]);
    }
  } catch (e) {
    throw asTyped(e, opts.file, 'read');
  }
  const compression = detectCompression(first);
  async function* raw(): AsyncGenerator<Uint8Array> {
    opts.onRawBytes?.(first!.length);
    yield first!;
    while (true) {
      const r = await it.next();
      if (r.done) return;
      opts.onRawBytes?.(r.value.length);
      yield r.value;
    }
  }
  if (compression === 'gzip') {
    const src = Readable.from(raw(), { objectMode: false });
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    src.on('error', (e) => gunzip.destroy(e));
    src.pipe(gunzip);
    try {
      for await (const chunk of gunzip) sink.write(chunk as Buffer);
      sink.end();
    } catch (e) {
      src.destroy();
      gunzip.destroy();
      input.destroy?.();
      throw asTyped(e, opts.file, 'gzip');
    }
    return;
  }
  const target = compression === 'zstd' ? decompressingSink(sink, opts.file) : sink;
  try {
    for await (const chunk of raw()) target.write(chunk);
    target.end();
  } catch (e) {
    input.destroy?.();
    throw asTyped(e, opts.file, compression === 'zstd' ? 'zstd' : 'read');
  }
}

function asTyped(e: unknown, file: string, what: 'gzip' | 'zstd' | 'read'): Error {
  if (isBulwarkError(e)) return e;
  const msg = (e as Error)?.message ?? String(e);
  if (what === 'read') return new InputError({ file, message: `read failed: ${msg}`, cause: e });
  return new InputError({ file, message: `corrupt ${what} data: ${msg}`, cause: e });
}
