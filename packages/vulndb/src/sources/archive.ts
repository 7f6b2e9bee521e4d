import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError, LimitError, type Limits } from '@bulwark/core';
import * as tar from 'tar-stream';
import { Unzip, UnzipInflate } from 'fflate';

export interface ArchiveEntry {
  /** Path inside the archive, '/'-separated. */
  name: string;
  data: Buffer;
  /** Modification time recorded in the archive. */
  mtime?: Date;
}

export type EntryFilter = (name: string) => boolean;

/** The end-of-central-directory record sits in the last 22 + 65535 bytes of a complete zip. */
async function hasEndOfCentralDirectory(path: string): Promise<boolean> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return false;
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, 22 + 65535);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    for (let i = len - 22; i >= 0; i--) {
      if (buf[i] === 0x50 && buf[i + 1] === 0x4b && buf[i + 2] === 0x05 && buf[i + 3] === 0x06) return true;
    }
    return false;
  } finally {
    await fh.close();
  }
}

/**
 * Streams the file entries of a zip archive with fflate's streaming reader (about 3× faster than yauzl on
 * OSV's many small entries), bounded by entry count and entry/total size limits. Entries are yielded as
 * they complete, so memory holds one read chunk's worth of entries.
 */
export async function* zipEntries(path: string, limits: Limits, filter: EntryFilter = () => true): AsyncGenerator<ArchiveEntry> {
  const ready: ArchiveEntry[] = [];
  let failure: InputError | undefined;
  let count = 0;
  let total = 0;
  let pending = 0;
  let sawBytes = false;
  if (!(await hasEndOfCentralDirectory(path))) {
    throw new InputError({ file: path, expected: 'zip archive', message: 'not a zip archive or truncated (no end-of-central-directory record)' });
  }
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (f) => {
    if (failure) return;
    count++;
    if (count > limits.maxEntries) {
      failure = new LimitError({ file: path, limit: `maxEntries=${limits.maxEntries}` });
      return;
    }
    if (f.name.endsWith('/') || !filter(f.name)) return;
    const file = `${path}!${f.name}`;
    if (f.originalSize !== undefined && f.originalSize > limits.maxDocumentBytes) {
      failure = new LimitError({ file, limit: `maxDocumentBytes=${limits.maxDocumentBytes}` });
      return;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    pending++;
    f.ondata = (e, data, final) => {
      if (failure) return;
      if (e) {
        failure = new InputError({ file, message: `corrupt zip entry: ${e.message}`, cause: e });
        return;
      }
      size += data.length;
      total += data.length;
      if (size > limits.maxDocumentBytes) failure = new LimitError({ file, limit: `maxDocumentBytes=${limits.maxDocumentBytes}` });
      else if (total > limits.maxTotalBytes) failure = new LimitError({ file: path, limit: `maxTotalBytes=${limits.maxTotalBytes}` });
      if (failure) return;
      chunks.push(data);
      if (final) {
        pending--;
        ready.push({ name: f.name, data: Buffer.concat(chunks) });
      }
    };
    try {
      f.start();
    } catch (e) {
      failure = new InputError({ file, message: `unsupported zip entry: ${(e as Error).message}`, cause: e });
    }
  };
  const push = (chunk: Uint8Array, final: boolean): void => {
    try {
      unzip.push(chunk, final);
    } catch (e) {
      failure ??= new InputError({ file: path, expected: 'zip archive', message: `corrupt zip archive: ${(e as Error).message}`, cause: e });
    }
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) {
      sawBytes = true;
      push(chunk as Buffer, false);
      if (failure) throw failure;
      while (ready.length > 0) yield ready.shift()!;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError({ file: path, message: `unreadable zip archive: ${(e as Error).message}`, cause: e });
  }
  push(new Uint8Array(0), true);
  if (failure) throw failure;
  while (ready.length > 0) yield ready.shift()!;
  if (pending > 0) throw new InputError({ file: path, expected: 'zip archive', message: 'truncated zip archive: an entry ends early' });
  if (sawBytes && count === 0) throw new InputError({ file: path, expected: 'zip archive', message: 'not a zip archive (no entries found)' });
}

/** Streams the regular files of a .tar.gz (one in memory at a time), with count and size limits. */
export async function* tarGzEntries(path: string, limits: Limits, filter: EntryFilter = () => true): AsyncGenerator<ArchiveEntry> {
  const extract = tar.extract();
  let failure: Error | undefined;
  pipeline(createReadStream(path), createGunzip(), extract, (e) => {
    if (e) failure = e;
  });
  let count = 0;
  let total = 0;
  try {
    for await (const entry of extract) {
      const h = entry.header;
      count++;
      if (count > limits.maxEntries) throw new LimitError({ file: path, limit: `maxEntries=${limits.maxEntries}` });
      const name = h.name.replace(/^\.\//, '');
      if ((h.type !== 'file' && h.type !== 'contiguous-file') || !filter(name)) {
        entry.resume();
        continue;
      }
      const size = h.size ?? 0;
      if (size > limits.maxDocumentBytes) throw new LimitError({ file: `${path}!${name}`, limit: `maxDocumentBytes=${limits.maxDocumentBytes}` });
      total += size;
      if (total > limits.maxTotalBytes) throw new LimitError({ file: path, limit: `maxTotalBytes=${limits.maxTotalBytes}` });
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      yield { name, data: Buffer.concat(chunks), mtime: h.mtime };
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const cause = failure ?? e;
    throw new InputError({ file: path, expected: 'gzip tar archive', message: `corrupt gzip tar archive: ${(cause as Error).message}`, cause });
  } finally {
    extract.destroy();
  }
  if (failure) throw new InputError({ file: path, expected: 'gzip tar archive', message: `corrupt gzip tar archive: ${failure.message}`, cause: failure });
}

/** Files under `dir/sub` (recursive), as paths relative to `dir` with '/' separators, sorted. */
export async function listFiles(dir: string, sub: string, keep: (rel: string) => boolean): Promise<string[]> {
  const root = join(dir, sub);
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      const st = await stat(p).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory()) await walk(p);
      else if (st.isFile()) {
        const rel = relative(dir, p).split(sep).join('/');
        if (keep(rel)) out.push(rel);
      }
    }
  }
  await walk(root);
  return out.sort();
}

export async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}
