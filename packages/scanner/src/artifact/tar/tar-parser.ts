import { InputError, LimitError } from '@bulwark/core';

/** Synchronous byte consumer: decompressors and the tar parser are chained as sinks, so no promise per entry. */
export interface ByteSink {
  write(chunk: Uint8Array): void;
  end(): void;
}

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarHeader {
  /** Name as stored (after PAX / GNU long-name overrides), not normalised. */
  name: string;
  type: TarEntryType;
  size: number;
  mode: number;
  linkName: string;
}

/** What to do with an entry's data: skip it, collect it into one Buffer, or stream it into a sink. */
export type TarWant = undefined | { buffer: (data: Buffer) => void } | { sink: ByteSink };

export interface TarParserOptions {
  /** Names the archive in errors. */
  file: string;
  maxEntries: number;
  onHeader(header: TarHeader): TarWant;
}

const BLOCK = 512;
/** PAX and GNU long-name records are metadata; a megabyte is far beyond any real one. */
const MAX_META_BYTES = 1024 * 1024;

type State = 'header' | 'data' | 'meta' | 'pad' | 'eof';

/**
 * Streaming tar reader (POSIX ustar, PAX `x` records for path/linkpath/size, GNU `L`/`K` long names,
 * base-256 sizes). Push bytes with `write`; entry data that nobody wants is stepped over without copying.
 * Throws InputError / LimitError (the only exceptions it raises).
 */
export class TarParser implements ByteSink {
  private readonly opts: TarParserOptions;
  private state: State = 'header';
  private readonly hdr = Buffer.alloc(BLOCK);
  private hdrFill = 0;
  private remaining = 0;
  private pad = 0;
  private want: TarWant;
  private collect: Buffer | undefined;
  private collectAt = 0;
  private metaKind: 'L' | 'K' | 'x' | 'g' | undefined;
  private paxPath: string | undefined;
  private paxLink: string | undefined;
  private paxSize: number | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;
  private entries = 0;
  private offset = 0;
  private currentName = '';

  constructor(opts: TarParserOptions) {
    this.opts = opts;
  }

  /** Bytes consumed so far. */
  get position(): number {
    return this.offset;
  }

  write(input: Uint8Array): void {
    const chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case 'eof':
          this.offset += n - i;
          return;
        case 'header': {
          if (this.hdrFill === 0 && n - i >= BLOCK) {
            i += BLOCK;
            this.offset += BLOCK;
            this.onHeaderBlock(chunk.subarray(i - BLOCK, i));
          } else {
            const take = Math.min(BLOCK - this.hdrFill, n - i);
            chunk.copy(this.hdr, this.hdrFill, i, i + take);
            this.hdrFill += take;
            i += take;
            this.offset += take;
            if (this.hdrFill === BLOCK) {
              this.hdrFill = 0;
              this.onHeaderBlock(this.hdr);
            }
          }
          break;
        }
        case 'data':
        case 'meta': {
          const take = Math.min(this.remaining, n - i);
          if (this.collect) {
            chunk.copy(this.collect, this.collectAt, i, i + take);
            this.collectAt += take;
          } else if (this.want && 'sink' in this.want) {
            this.want.sink.write(chunk.subarray(i, i + take));
          }
          i += take;
          this.offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.finishData();
          break;
        }
        case 'pad': {
          const take = Math.min(this.pad, n - i);
          i += take;
          this.offset += take;
          this.pad -= take;
          if (this.pad === 0) this.state = 'header';
          break;
        }
      }
    }
  }

  end(): void {
    if (this.state === 'eof' || (this.state === 'header' && this.hdrFill === 0)) return;
    if (this.state === 'pad') return; // padding of the last entry missing: data is complete
    const where = this.state === 'header' ? 'inside a header' : `inside entry ${JSON.stringify(this.currentName)}`;
    throw new InputError({ file: this.opts.file, message: `truncated tar: ended ${where} at byte ${this.offset}` });
  }

  private onHeaderBlock(b: Buffer): void {
    const decoded = parseHeaderBlock(b, this.opts.file, this.offset - BLOCK);
    if (decoded === 'zero') {
      this.state = 'eof';
      return;
    }
    const { typeflag, header } = decoded;
    if (typeflag === 0x4c || typeflag === 0x4b || typeflag === 0x78 || typeflag === 0x67) {
      if (header.size > MAX_META_BYTES) throw new LimitError({ file: this.opts.file, limit: `tar metadata ${MAX_META_BYTES} bytes`, field: `tar header at byte ${this.offset - BLOCK}` });
      this.metaKind = String.fromCharCode(typeflag) as 'L' | 'K' | 'x' | 'g';
      this.collect = Buffer.allocUnsafe(header.size);
      this.collectAt = 0;
      this.want = undefined;
      this.beginData(header.size, 'meta');
      return;
    }
    if (++this.entries > this.opts.maxEntries) {
      throw new LimitError({ file: this.opts.file, limit: `maxEntries=${this.opts.maxEntries}`, message: `more than ${this.opts.maxEntries} tar entries` });
    }
    let name = this.paxPath ?? this.longName ?? header.name;
    const linkName = this.paxLink ?? this.longLink ?? header.linkName;
    let size = this.paxSize ?? header.size;
    this.longName = this.longLink = this.paxPath = this.paxLink = this.paxSize = undefined;
    let type = header.type;
    if (type === 'file' && name.endsWith('/')) type = 'dir';
    // Links and directories carry no data whatever the size field says (GNU tar writes 0 anyway).
    if (type === 'hardlink' || type === 'symlink' || type === 'dir') size = 0;
    if (name.length === 0) name = '.';
    this.currentName = name;
    this.want = this.opts.onHeader({ name, type, size, mode: header.mode, linkName });
    this.collect = undefined;
    if (this.want && 'buffer' in this.want) {
      this.collect = Buffer.allocUnsafe(size);
      this.collectAt = 0;
    }
    this.beginData(size, 'data');
  }

  private beginData(size: number, state: 'data' | 'meta'): void {
    this.remaining = size;
    this.pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size === 0) {
      this.state = state;
      this.finishData();
    } else {
      this.state = state;
    }
  }

  private finishData(): void {
    if (this.state === 'meta') {
      this.applyMeta(this.collect ?? Buffer.alloc(0));
    } else if (this.want) {
      if ('buffer' in this.want) this.want.buffer(this.collect ?? Buffer.alloc(0));
      else this.want.sink.end();
    }
    this.collect = undefined;
    this.want = undefined;
    this.state = this.pad > 0 ? 'pad' : 'header';
  }

  private applyMeta(data: Buffer): void {
    const kind = this.metaKind;
    this.metaKind = undefined;
    if (kind === 'L') this.longName = cString(data, 0, data.length);
    else if (kind === 'K') this.longLink = cString(data, 0, data.length);
    else if (kind === 'x') this.applyPax(data);
    // 'g' (global PAX) holds defaults such as mtime; nothing we use.
  }

  private applyPax(data: Buffer): void {
    let i = 0;
    while (i < data.length) {
      const sp = data.indexOf(0x20, i);
      if (sp < 0) break;
      const len = Number(data.toString('latin1', i, sp));
      if (!Number.isInteger(len) || len <= 0 || i + len > data.length) {
        throw new InputError({ file: this.opts.file, field: 'pax header', expected: 'length-prefixed records' });
      }
      const rec = data.toString('utf8', sp + 1, i + len - 1);
      const eq = rec.indexOf('=');
      if (eq > 0) {
        const key = rec.slice(0, eq);
        const value = rec.slice(eq + 1);
        if (key === 'path') this.paxPath = value;
        else if (key === 'linkpath') this.paxLink = value;
        else if (key === 'size') {
          const s = Number(value);
          if (!Number.isSafeInteger(s) || s < 0) throw new InputError({ file: this.opts.file, field: 'pax size', expected: 'a non-negative integer' });
          this.paxSize = s;
        }
      }
      i += len;
    }
  }
}

function isZeroBlock(b: Buffer): boolean {
  for (let i = 0; i < BLOCK; i += 1) if (b[i] !== 0) return false;
  return true;
}

function checksumOk(b: Buffer): boolean {
  const stored = parseNumeric(b, 148, 8);
  if (stored === undefined) return false;
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += b[i];
  for (let i = 156; i < BLOCK; i++) sum += b[i];
  return sum === stored;
}

/** Octal (NUL/space terminated) or GNU base-256 (high bit set) number field. */
function parseNumeric(b: Buffer, off: number, len: number): number | undefined {
  if (b[off] & 0x80) {
    let v = 0;
    for (let i = off + 1; i < off + len; i++) {
      v = v * 256 + b[i];
      if (v > Number.MAX_SAFE_INTEGER) return undefined;
    }
    return b[off] === 0xff ? undefined : v + (b[off] & 0x7f) * 256 ** (len - 1);
  }
  let v = 0;
  let seen = false;
  for (let i = off; i < off + len; i++) {
    const c = b[i];
    if (c === 0 || (c === 0x20 && seen)) break;
    if (c === 0x20) continue;
    if (c < 0x30 || c > 0x37) return undefined;
    v = v * 8 + (c - 0x30);
    seen = true;
  }
  return v;
}

function cString(b: Buffer, off: number, len: number): string {
  const end = b.indexOf(0, off);
  return b.toString('utf8', off, end < 0 || end > off + len ? off + len : end);
}

/** Parses one header block outside a stream (random-access indexing of uncompressed archives). */
export function parseHeaderBlock(b: Buffer, file: string, at: number): { header: TarHeader; typeflag: number } | 'zero' {
  if (isZeroBlock(b)) return 'zero';
  if (!checksumOk(b)) throw new InputError({ file, field: `tar header at byte ${at}`, message: `tar header at byte ${at}: bad checksum (not a tar archive or corrupt)` });
  const size = parseNumeric(b, 124, 12);
  if (size === undefined) throw new InputError({ file, field: `tar header at byte ${at}`, expected: 'a numeric size' });
  const ustar = b.toString('latin1', 257, 263) === 'ustar\0';
  let name = cString(b, 0, 100);
  if (ustar) {
    const prefix = cString(b, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  const typeflag = b[156];
  let type: TarEntryType;
  switch (typeflag) {
    case 0x30: case 0x00: case 0x37: type = name.endsWith('/') ? 'dir' : 'file'; break;
    case 0x31: type = 'hardlink'; break;
    case 0x32: type = 'symlink'; break;
    case 0x35: type = 'dir'; break;
    default: type = 'other';
  }
  return { header: { name, type, size, mode: (parseNumeric(b, 100, 8) ?? 0) & 0o7777, linkName: cString(b, 157, 100) }, typeflag };
}
