import { InputError, LimitError, err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import { PT_LOAD, isElf } from '../elf.js';
import type { ElfProgram } from '../elf.js';
import { lzmaDecode, upxLzmaProps } from './lzma.js';
import { nrvDecode } from './nrv.js';
import type { NrvAlgorithm, NrvBits } from './nrv.js';

/** UPX's trailer (PackHeader, version ≥ 10, 32 bytes for ELF formats) as written after the last block. */
export interface UpxPackHeader {
  /** Header format version (13 for UPX 3.9x, 14 for 4.x and 5.x). */
  version: number;
  /** UPX_F_* of conf.h: 12 linux/i386 ELF, 22 linux/amd64 ELF, 23 linux/arm ELF, 42 linux/arm64 ELF. */
  format: number;
  /** Main compression method (M_* of conf.h): 2–10 NRV2B/2D/2E, 14 LZMA. */
  method: number;
  level: number;
  /** Adler-32 of all uncompressed block bytes, in block order (what `upx -t` checks). */
  uncompressedAdler: number;
  /** Adler-32 of all compressed block bytes, in block order. */
  compressedAdler: number;
  /** Size of the original file. */
  originalSize: number;
  /** Filter id used on the code (0 none; 0x46, 0x49... x86 call/jump filters). */
  filter: number;
}

/** One compressed extent (b_info + data) and where its bytes go in the original file. */
export interface UpxBlock {
  /** Offset in the original file. */
  offset: number;
  /** Uncompressed size (sz_unc). */
  size: number;
  /** Offset of the compressed bytes in the packed file. */
  at: number;
  /** Compressed size (sz_cpr); equal to `size` for a stored block. */
  packedSize: number;
  method: number;
  /** b_ftid: a code filter applied before compression (not undone here). */
  filter: number;
}

export interface UpxLimits {
  /** Largest original file accepted (p_filesize). */
  maxUnpackedBytes: number;
  /** Largest original size as a multiple of the packed size (decompression bombs). */
  maxRatio: number;
}

export const DEFAULT_UPX_LIMITS: Readonly<UpxLimits> = Object.freeze({ maxUnpackedBytes: 1024 ** 3, maxRatio: 64 });

export interface UpxUnpacked {
  /** The original file. */
  data: Buffer;
  /** Ranges still holding filtered code (see UpxBlock.filter): not byte-exact. */
  filtered: { offset: number; size: number; filter: number }[];
}

/** A UPX-packed ELF, read lazily: only the blocks a read touches are decompressed, only as far as needed. */
export interface UpxImage {
  readonly file: string;
  readonly header: UpxPackHeader;
  /** l_info.l_lsize: size of the loader stub. */
  readonly loaderSize: number;
  /** p_info.p_blocksize. */
  readonly blockSize: number;
  readonly bits: 32 | 64;
  /** e_machine of the original program. */
  readonly machine: number;
  /** The original ELF header and program headers (the first block). */
  readonly elfHeader: Buffer;
  /** The original program headers. */
  readonly programs: readonly ElfProgram[];
  /** Blocks of the PT_LOAD segments, then of the gaps between and after them. */
  readonly blocks: readonly UpxBlock[];
  /** True when every byte of the original file is covered by a block (gaps found after the loader). */
  readonly complete: boolean;
  /** Bytes of the original file; undefined when the range is not covered or touches a filtered block. */
  read(offset: number, length: number): Result<Buffer | undefined, InputError>;
  /** Bytes at a virtual address of the original program, through its PT_LOAD segments. */
  readVirtual(addr: number, length: number): Result<Buffer | undefined, InputError>;
  /** The whole original file (every block decompressed), checked against the PackHeader's Adler-32 sums. */
  unpack(): Result<UpxUnpacked, InputError>;
}

const MAGIC = 0x21585055; // "UPX!" little-endian
const PACK_HEADER = 32;
const B_INFO = 12;
/** Formats sharing PackLinuxElf32/64's little-endian layout. */
const ELF_FORMATS = new Map<number, 32 | 64>([
  [12, 32],
  [22, 64],
  [23, 32],
  [42, 64],
]);
const NRV: Record<number, [NrvAlgorithm, NrvBits]> = {
  2: ['2b', 32],
  3: ['2b', 8],
  4: ['2b', 16],
  5: ['2d', 32],
  6: ['2d', 8],
  7: ['2d', 16],
  8: ['2e', 32],
  9: ['2e', 8],
  10: ['2e', 16],
};
const M_LZMA = 14;
/** Largest original ELF header + program headers accepted (UPX itself allows 1 KiB). */
const MAX_HEADER_BLOCK = 64 * 1024;

/** Cheap test: an ELF file whose last bytes hold a UPX PackHeader (as UPX's own canUnpack looks for it). */
export function isUpxElf(data: Buffer): boolean {
  return isElf(data) && findPackHeader(data) !== undefined;
}

/** Finds the PackHeader: the last non-zero bytes are its 4-byte overlay offset (a zero-filled last page is allowed). */
function findPackHeader(data: Buffer): number | undefined {
  let last = data.length - 1;
  const floor = Math.max(0, data.length - 8192);
  while (last >= floor && data[last] === 0) last--;
  for (let p = last - PACK_HEADER; p >= last - PACK_HEADER - 3 && p >= 0; p--) {
    if (p + PACK_HEADER + 4 > data.length || data.readUInt32LE(p) !== MAGIC) continue;
    let sum = 0;
    for (let i = 4; i < PACK_HEADER - 1; i++) sum += data[p + i];
    if (sum % 251 === data[p + PACK_HEADER - 1] && data[p + 4] >= 10) return p;
  }
  return undefined;
}

/**
 * Opens a UPX-packed Linux ELF (UPX 3.9x–5.x, i386/amd64 and the other little-endian ELF formats): the
 * PackHeader at the end, l_info/p_info at its overlay offset, the first block (original ELF header and
 * program headers), then the b_info chain of each PT_LOAD and of the gaps, as UPX's PackLinuxElf::unpack walks
 * it. `undefined` when the file is not UPX-packed; an InputError/LimitError when it is but the headers are wrong.
 */
export function openUpx(data: Buffer, file: string, limits: Partial<UpxLimits> = {}): Result<UpxImage | undefined, InputError> {
  const lim = { ...DEFAULT_UPX_LIMITS, ...limits };
  if (!isElf(data) || data.length < 64) return ok(undefined);
  const ph = findPackHeader(data);
  if (ph === undefined) return ok(undefined);
  const bad = (field: string, expected: string): Result<never, InputError> => err(new InputError({ file, field: `UPX ${field}`, expected }));
  const header: UpxPackHeader = {
    version: data[ph + 4],
    format: data[ph + 5],
    method: data[ph + 6],
    level: data[ph + 7],
    uncompressedAdler: data.readUInt32LE(ph + 8),
    compressedAdler: data.readUInt32LE(ph + 12),
    originalSize: data.readUInt32LE(ph + 24),
    filter: data[ph + 28],
  };
  const bits = ELF_FORMATS.get(header.format);
  if (bits === undefined) return bad('PackHeader.format', `a little-endian Linux ELF format (12, 22, 23, 42), not ${header.format}`);
  if (data[4] !== (bits === 64 ? 2 : 1) || data[5] !== 1) return bad('ELF header', `a little-endian ELF${bits} stub for format ${header.format}`);
  const overlay = data.readUInt32LE(ph + PACK_HEADER);
  if (overlay < B_INFO || overlay + 2 * B_INFO > ph) return bad('overlay offset', 'an offset between the ELF header and the PackHeader');
  if (data.readUInt32LE(overlay - 8) !== MAGIC) return bad('l_info.l_magic', '"UPX!"');
  const loaderSize = data.readUInt16LE(overlay - 4);
  const originalSize = data.readUInt32LE(overlay + 4);
  const blockSize = data.readUInt32LE(overlay + 8);
  if (originalSize > lim.maxUnpackedBytes) return err(new LimitError({ file, field: 'UPX p_info.p_filesize', limit: `maxUnpackedBytes=${lim.maxUnpackedBytes}` }));
  if (originalSize > lim.maxRatio * data.length) return err(new LimitError({ file, field: 'UPX p_info.p_filesize', limit: `maxRatio=${lim.maxRatio}` }));
  if (originalSize !== header.originalSize) return bad('p_info.p_filesize', 'the size recorded in the PackHeader');
  if (blockSize === 0 || blockSize > originalSize) return bad('p_info.p_blocksize', 'a block size up to the original file size');

  const readBlock = (pos: number, field: string): Result<Omit<UpxBlock, 'offset'>, InputError> => {
    if (pos + B_INFO > ph) return bad(field, 'a b_info inside the packed data');
    const size = data.readUInt32LE(pos);
    const packedSize = data.readUInt32LE(pos + 4);
    if (size === 0 || packedSize === 0 || packedSize > size || size > blockSize) return bad(field, 'sizes 0 < sz_cpr <= sz_unc <= p_blocksize');
    if (pos + B_INFO + packedSize > ph) return bad(field, 'compressed bytes inside the packed data');
    return ok({ size, packedSize, at: pos + B_INFO, method: data[pos + 8], filter: data[pos + 9] });
  };

  // The first block is the original ELF header and program headers; it is read again as the start of PT_LOAD[0].
  const first = readBlock(overlay + B_INFO, 'b_info[0]');
  if (!first.ok) return first;
  if (first.value.size > MAX_HEADER_BLOCK) return err(new LimitError({ file, field: 'UPX b_info[0]', limit: `${MAX_HEADER_BLOCK} bytes of ELF headers` }));
  const ehdr = decodeBlock(data, { ...first.value, offset: 0 }, first.value.size, file);
  if (!ehdr.ok) return ehdr;
  const programs = parseHeaders(ehdr.value, bits);
  if (typeof programs === 'string') return bad('original ELF header', programs);

  const blocks: UpxBlock[] = [];
  let pos = overlay + B_INFO;
  const extent = (offset: number, wanted: number, what: string): Result<void, InputError> => {
    let at = offset;
    while (at < offset + wanted) {
      const b = readBlock(pos, `b_info of ${what}`);
      if (!b.ok) return b;
      if (b.value.size > offset + wanted - at) return bad(`b_info of ${what}`, 'blocks that add up to the extent size');
      blocks.push({ ...b.value, offset: at });
      at += b.value.size;
      pos = b.value.at + b.value.packedSize;
    }
    return ok(undefined);
  };
  const loads = programs.filter((p) => p.type === PT_LOAD);
  if (loads.length === 0 || loads[0].offset !== 0 || loads[0].filesz < first.value.size) return bad('original PT_LOAD[0]', 'a first segment at offset 0 covering the ELF header');
  for (const [i, p] of loads.entries()) {
    if (p.offset + p.filesz > originalSize) return bad(`PT_LOAD[${i}]`, 'a segment inside the original file');
    const r = extent(p.offset, p.filesz, `PT_LOAD[${i}]`);
    if (!r.ok) return r;
  }

  // Gaps between and after the segments (section headers, non-alloc sections): right here when the loader is at
  // the end (older layouts), else after the loader (UPX 4/5 put it between the segments and the gaps).
  const gaps = loadGaps(loads, originalSize);
  const segmentBlocks = blocks.length;
  let complete = false;
  const afterLoads = (pos + 3) & ~3;
  for (const start of [afterLoads, afterLoads + loaderSize]) {
    blocks.length = segmentBlocks;
    pos = start;
    if (gaps.every((g) => extent(g.offset, g.size, 'a gap').ok) && pos + B_INFO <= ph && data.readUInt32LE(pos) === 0 && data.readUInt32LE(pos + 4) === MAGIC) {
      complete = true;
      break;
    }
  }
  if (!complete) blocks.length = segmentBlocks;
  return ok(new Image(data, file, header, loaderSize, blockSize, bits, ehdr.value, programs, blocks, complete));
}

/** Parses the original ELF header's program header table (UPX requires it right after the ELF header). */
function parseHeaders(h: Buffer, bits: 32 | 64): ElfProgram[] | string {
  const is64 = bits === 64;
  if (!isElf(h) || h.length < (is64 ? 64 : 52) || h[4] !== (is64 ? 2 : 1) || h[5] !== 1) return `an ELF${bits} LSB header`;
  const phoff = is64 ? Number(h.readBigUInt64LE(32)) : h.readUInt32LE(28);
  const phentsize = h.readUInt16LE(is64 ? 54 : 42);
  const phnum = h.readUInt16LE(is64 ? 56 : 44);
  if (phentsize !== (is64 ? 56 : 32) || phoff + phnum * phentsize > h.length) return 'program headers inside the first block';
  const out: ElfProgram[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    const n64 = (at: number): number => {
      const v = h.readBigUInt64LE(at);
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.NaN : Number(v);
    };
    const p: ElfProgram = is64
      ? { type: h.readUInt32LE(o), flags: h.readUInt32LE(o + 4), offset: n64(o + 8), vaddr: n64(o + 16), filesz: n64(o + 32), memsz: n64(o + 40) }
      : { type: h.readUInt32LE(o), offset: h.readUInt32LE(o + 4), vaddr: h.readUInt32LE(o + 8), filesz: h.readUInt32LE(o + 16), memsz: h.readUInt32LE(o + 20), flags: h.readUInt32LE(o + 24) };
    if (Number.isNaN(p.offset) || Number.isNaN(p.vaddr) || Number.isNaN(p.filesz) || Number.isNaN(p.memsz)) return 'program header values below 2^53';
    out.push(p);
  }
  return out;
}

/** UPX's find_LOAD_gap: from the end of each PT_LOAD to the next PT_LOAD's offset (or the end of the file). */
function loadGaps(loads: ElfProgram[], size: number): { offset: number; size: number }[] {
  const out: { offset: number; size: number }[] = [];
  for (const p of loads) {
    const hi = p.offset + p.filesz;
    let lo = size;
    for (const q of loads) if (q !== p && q.offset >= hi && q.offset < lo) lo = q.offset;
    if (lo > hi) out.push({ offset: hi, size: lo - hi });
  }
  return out;
}

function decodeBlock(data: Buffer, b: UpxBlock, limit: number, file: string): Result<Buffer, InputError> {
  const src = data.subarray(b.at, b.at + b.packedSize);
  if (b.packedSize === b.size) return ok(src.subarray(0, limit));
  if (b.method === M_LZMA) {
    const props = upxLzmaProps(src);
    if (!props) return err(new InputError({ file, field: 'UPX LZMA block', expected: "UPX's 2-byte LZMA properties header" }));
    return lzmaDecode(src, 2, props, b.size, limit, file);
  }
  const nrv = NRV[b.method];
  if (nrv) return nrvDecode(nrv[0], nrv[1], src, b.size, limit, file);
  return err(new InputError({ file, field: 'UPX b_info.b_method', expected: `NRV2B/2D/2E (2-10) or LZMA (14), not ${b.method}` }));
}

class Image implements UpxImage {
  /** Decoded prefix of each block touched so far. */
  private readonly cache = new Map<number, Buffer>();

  constructor(
    private readonly data: Buffer,
    readonly file: string,
    readonly header: UpxPackHeader,
    readonly loaderSize: number,
    readonly blockSize: number,
    readonly bits: 32 | 64,
    readonly elfHeader: Buffer,
    readonly programs: readonly ElfProgram[],
    readonly blocks: readonly UpxBlock[],
    readonly complete: boolean,
  ) {}

  get machine(): number {
    return this.elfHeader.readUInt16LE(18);
  }

  private prefix(i: number, need: number): Result<Buffer, InputError> {
    const b = this.blocks[i];
    const have = this.cache.get(i);
    if (have && have.length >= need) return ok(have);
    // Grow geometrically so reading a block front to back costs at most twice one full decode.
    const limit = Math.min(b.size, Math.max(need, 2 * (have?.length ?? 0), 64 * 1024));
    const r = decodeBlock(this.data, b, limit, this.file);
    if (r.ok) this.cache.set(i, r.value);
    return r;
  }

  read(offset: number, length: number): Result<Buffer | undefined, InputError> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) return ok(undefined);
    const end = offset + length;
    if (end > this.header.originalSize) return ok(undefined);
    const parts: Buffer[] = [];
    let at = offset;
    while (at < end) {
      const i = this.blocks.findIndex((b) => at >= b.offset && at < b.offset + b.size);
      if (i < 0) return ok(undefined);
      const b = this.blocks[i];
      if (b.filter !== 0 && b.packedSize !== b.size) return ok(undefined);
      const upto = Math.min(end, b.offset + b.size);
      const r = this.prefix(i, upto - b.offset);
      if (!r.ok) return r;
      parts.push(r.value.subarray(at - b.offset, upto - b.offset));
      at = upto;
    }
    return ok(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  }

  readVirtual(addr: number, length: number): Result<Buffer | undefined, InputError> {
    for (const p of this.programs) {
      if (p.type === PT_LOAD && addr >= p.vaddr && addr + length <= p.vaddr + p.filesz) return this.read(p.offset + (addr - p.vaddr), length);
    }
    return ok(undefined);
  }

  unpack(): Result<UpxUnpacked, InputError> {
    if (!this.complete) return err(new InputError({ file: this.file, field: 'UPX gaps', expected: 'the blocks of the gaps between segments after the loader' }));
    const out = Buffer.alloc(this.header.originalSize);
    const filtered: UpxUnpacked['filtered'] = [];
    let u = 1;
    let c = 1;
    for (const [i, b] of this.blocks.entries()) {
      const r = decodeBlock(this.data, b, b.size, this.file);
      if (!r.ok) return r;
      r.value.copy(out, b.offset);
      u = adler32(r.value, u);
      c = adler32(this.data.subarray(b.at, b.at + b.packedSize), c);
      if (b.filter !== 0 && b.packedSize !== b.size) filtered.push({ offset: b.offset, size: b.size, filter: b.filter });
      this.cache.delete(i);
    }
    if (u !== this.header.uncompressedAdler || c !== this.header.compressedAdler) {
      return err(new InputError({ file: this.file, field: 'UPX checksums', expected: 'Adler-32 sums equal to the PackHeader (the blocks decode to other bytes than were packed)' }));
    }
    return ok({ data: out, filtered });
  }
}

/**
 * A section of the original file by name, through its section header table (for most programs in the gap after
 * the last segment, which UPX keeps). `undefined` when there is no table or no such section.
 */
export function readUpxSection(image: UpxImage, name: string): Result<Buffer | undefined, InputError> {
  const h = image.elfHeader;
  const is64 = image.bits === 64;
  const shoff64 = is64 ? h.readBigUInt64LE(40) : BigInt(h.readUInt32LE(32));
  const shentsize = h.readUInt16LE(is64 ? 58 : 46);
  const shnum = h.readUInt16LE(is64 ? 60 : 48);
  const shstrndx = h.readUInt16LE(is64 ? 62 : 50);
  if (shoff64 === 0n || shoff64 > BigInt(image.header.originalSize) || shnum === 0 || shstrndx >= shnum || shentsize < (is64 ? 64 : 40)) return ok(undefined);
  const table = image.read(Number(shoff64), shnum * shentsize);
  if (!table.ok || !table.value) return table;
  const t = table.value;
  const entry = (i: number): { name: number; offset: number; size: number; type: number } => {
    const o = i * shentsize;
    const big = (at: number): number => {
      const v = t.readBigUInt64LE(at);
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
    };
    return is64
      ? { name: t.readUInt32LE(o), type: t.readUInt32LE(o + 4), offset: big(o + 24), size: big(o + 32) }
      : { name: t.readUInt32LE(o), type: t.readUInt32LE(o + 4), offset: t.readUInt32LE(o + 16), size: t.readUInt32LE(o + 20) };
  };
  const str = entry(shstrndx);
  const names = image.read(str.offset, Math.min(str.size, 1024 * 1024));
  if (!names.ok || !names.value) return names;
  const want = Buffer.from(name + '\0', 'latin1');
  for (let i = 0; i < shnum; i++) {
    const e = entry(i);
    if (e.type === 8 || e.name + want.length > names.value.length) continue; // SHT_NOBITS has no file bytes
    if (names.value.subarray(e.name, e.name + want.length).equals(want)) return image.read(e.offset, e.size);
  }
  return ok(undefined);
}

/** Adler-32 (RFC 1950), continued from `start`. */
export function adler32(buf: Uint8Array, start = 1): number {
  let a = start & 0xffff;
  let b = start >>> 16;
  for (let i = 0; i < buf.length; ) {
    const end = Math.min(buf.length, i + 5552);
    for (; i < end; i++) {
      a += buf[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
