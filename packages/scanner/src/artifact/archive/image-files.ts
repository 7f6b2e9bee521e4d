import { createReadStream } from 'node:fs';
import { lstat, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, LimitError } from '@bulwark/core';
import { parseHeaderBlock } from '../tar/tar-parser.js';
import { normaliseEntryPath } from '../layers/layer-reader.js';
import type { BlobOpener } from '../layers/layer-reader.js';

/**
 * Read access to the files of an image archive or OCI layout, by name relative to its root
 * ("manifest.json", "blobs/sha256/<hex>"). Names are normalised, so `..` cannot leave the root.
 */
export interface ImageFiles {
  /** Names the archive or directory in errors. */
  readonly label: string;
  size(name: string): Promise<number | undefined>;
  /** Reads a whole (small) file; InputError when missing, LimitError above `max`. */
  read(name: string, max: number): Promise<Buffer>;
  opener(name: string): BlobOpener;
}

function clean(name: string): string {
  return normaliseEntryPath(name).slice(1);
}

function missing(label: string, name: string): InputError {
  return new InputError({ file: label, field: name, message: `${name}: not found in the archive` });
}

function tooBig(label: string, name: string, size: number, max: number): LimitError {
  return new LimitError({ file: label, field: name, limit: `maxDocumentBytes=${max}`, message: `${name} is ${size} bytes, limit ${max}` });
}

/** An OCI layout directory. Only regular files are read: a symlinked blob cannot point outside the layout. */
export function directoryFiles(root: string): ImageFiles {
  const stat = async (name: string) => {
    try {
      const st = await lstat(join(root, clean(name)));
      return st.isFile() ? st.size : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    label: root,
    size: stat,
    async read(name, max) {
      const size = await stat(name);
      if (size === undefined) throw missing(root, name);
      if (size > max) throw tooBig(root, name, size, max);
      return readFile(join(root, clean(name)));
    },
    opener(name) {
      return async () => {
        if ((await stat(name)) === undefined) throw missing(root, name);
        return createReadStream(join(root, clean(name)), { highWaterMark: 1024 * 1024 });
      };
    },
  };
}

export interface TarIndexEntry {
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  offset: number;
  size: number;
  linkName: string;
}

/**
 * Indexes an uncompressed tar by reading only its headers (positioned reads that jump over the data), so
 * layers can be streamed by byte range and cached layers are never read at all.
 */
export async function indexTar(path: string, opts: { maxEntries: number }): Promise<Map<string, TarIndexEntry>> {
  const fh = await open(path, 'r');
  try {
    const { size: total } = await fh.stat();
    const out = new Map<string, TarIndexEntry>();
    const block = Buffer.alloc(512);
    let pos = 0;
    let longName: string | undefined;
    let longLink: string | undefined;
    let paxPath: string | undefined;
    let paxLink: string | undefined;
    let paxSize: number | undefined;
    let count = 0;
    while (pos + 512 <= total) {
      const { bytesRead } = await fh.read(block, 0, 512, pos);
      if (bytesRead < 512) break;
      const h = parseHeaderBlock(block, path, pos);
      if (h === 'zero') return out;
      const dataAt = pos + 512;
      const { header, typeflag } = h;
      if (dataAt + header.size > total) {
        throw new InputError({ file: path, message: `truncated tar: entry ${JSON.stringify(header.name)} runs past the end of the file` });
      }
      if (typeflag === 0x4c || typeflag === 0x4b || typeflag === 0x78) {
        if (header.size > 1024 * 1024) throw new LimitError({ file: path, limit: 'tar metadata 1 MiB' });
        const data = Buffer.alloc(header.size);
        await fh.read(data, 0, header.size, dataAt);
        const text = data.toString('utf8').replace(/\0.*$/s, '');
        if (typeflag === 0x4c) longName = text;
        else if (typeflag === 0x4b) longLink = text;
        else {
          for (const rec of text.split('\n')) {
            const m = /^\d+ ([^=]+)=(.*)$/s.exec(rec);
            if (!m) continue;
            if (m[1] === 'path') paxPath = m[2];
            else if (m[1] === 'linkpath') paxLink = m[2];
            else if (m[1] === 'size' && /^\d+$/.test(m[2])) paxSize = Number(m[2]);
          }
        }
      } else {
        if (++count > opts.maxEntries) throw new LimitError({ file: path, limit: `maxEntries=${opts.maxEntries}` });
        const name = clean(paxPath ?? longName ?? header.name);
        const size = header.type === 'file' || header.type === 'other' ? (paxSize ?? header.size) : 0;
        if (dataAt + size > total) throw new InputError({ file: path, message: `truncated tar: entry ${JSON.stringify(name)} runs past the end of the file` });
        out.set(name, { type: header.type, offset: dataAt, size, linkName: paxLink ?? longLink ?? header.linkName });
        longName = longLink = paxPath = paxLink = paxSize = undefined;
        pos = dataAt + Math.ceil(size / 512) * 512;
        continue;
      }
      pos = dataAt + Math.ceil(header.size / 512) * 512;
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** Follows in-archive symlinks and hard links (podman writes `<id>/layer.tar -> ../<sha>.tar`). */
export function resolveIndexed(index: Map<string, TarIndexEntry>, name: string, maxHops = 40): TarIndexEntry | undefined {
  let cur = clean(name);
  for (let hop = 0; hop <= maxHops; hop++) {
    const e = index.get(cur);
    if (!e) return undefined;
    if (e.type === 'file') return e;
    if (e.type === 'symlink') {
      const dir = cur.includes('/') ? cur.slice(0, cur.lastIndexOf('/')) : '';
      cur = clean(e.linkName.startsWith('/') ? e.linkName : `${dir}/${e.linkName}`);
    } else if (e.type === 'hardlink') cur = clean(e.linkName);
    else return undefined;
  }
  return undefined;
}

/** Files of an uncompressed tar (docker-archive or OCI layout tar), read by byte range. */
export async function tarFiles(path: string, opts: { maxEntries: number }): Promise<ImageFiles> {
  const index = await indexTar(path, opts);
  const find = (name: string) => resolveIndexed(index, name);
  return {
    label: path,
    size: async (name) => find(name)?.size,
    async read(name, max) {
      const e = find(name);
      if (!e) throw missing(path, name);
      if (e.size > max) throw tooBig(path, name, e.size, max);
      const fh = await open(path, 'r');
      try {
        const buf = Buffer.alloc(e.size);
        await fh.read(buf, 0, e.size, e.offset);
        return buf;
      } finally {
        await fh.close();
      }
    },
    opener(name) {
      return async () => {
        const e = find(name);
        if (!e) throw missing(path, name);
        if (e.size === 0) return (async function* () {})();
        return createReadStream(path, { start: e.offset, end: e.offset + e.size - 1, highWaterMark: 1024 * 1024 });
      };
    },
  };
}

/** Files held in memory (small entries of a streamed archive), with symlinks resolved by name. */
export function memoryFiles(label: string, files: Map<string, Buffer>, links: Map<string, string>): ImageFiles {
  const find = (name: string): Buffer | undefined => {
    let cur = clean(name);
    for (let hop = 0; hop < 40; hop++) {
      const f = files.get(cur);
      if (f) return f;
      const l = links.get(cur);
      if (l === undefined) return undefined;
      cur = l;
    }
    return undefined;
  };
  return {
    label,
    size: async (name) => find(name)?.length,
    async read(name, max) {
      const f = find(name);
      if (!f) throw missing(label, name);
      if (f.length > max) throw tooBig(label, name, f.length, max);
      return f;
    },
    opener(name) {
      return async () => {
        const f = find(name);
        if (!f) throw missing(label, name);
        return (async function* () {
          yield f;
        })();
      };
    },
  };
}
