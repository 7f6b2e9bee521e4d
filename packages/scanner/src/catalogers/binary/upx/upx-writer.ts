// Test helper: lays out a small program and packs it the way UPX 3.9x–5.x does for Linux ELF, so tests can wrap
// real payloads (Go build info, cargo-auditable data, real UCL streams) without committing binaries.
import { adler32 } from './upx.js';

export interface OriginalSegment {
  /** p_flags: 5 R+X, 4 R, 6 RW. */
  flags: number;
  vaddr: number;
  data: Buffer;
}

export interface OriginalElf {
  bits?: 32 | 64;
  /** PT_LOADs in file order; the first one also covers the ELF header and program headers (offset 0). */
  segments: OriginalSegment[];
  /** Non-allocated sections placed after the last segment, with a section header table (as `.dep-v0` is). */
  sections?: { name: string; data: Buffer }[];
}

/** A little-endian ELF with PT_LOADs as a linker writes them: the first at offset 0, the others 4 KiB-aligned. */
export function originalElf(o: OriginalElf): Buffer {
  const is64 = (o.bits ?? 64) === 64;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const n = o.segments.length;
  const offsets: number[] = [];
  let off = ehsize + n * phentsize;
  for (let i = 0; i < n; i++) {
    if (i > 0) off = Math.ceil(off / 4096) * 4096 + (o.segments[i].vaddr % 4096);
    offsets.push(off);
    off += o.segments[i].data.length;
  }
  const sections = o.sections ?? [];
  const names = Buffer.concat([Buffer.from('\0'), ...sections.map((s) => Buffer.from(s.name + '\0')), Buffer.from('.shstrtab\0')]);
  const secOffsets: number[] = [];
  off += 3; // a gap after the last segment even without sections
  for (const s of sections) {
    secOffsets.push(off);
    off += s.data.length;
  }
  const strOff = off;
  off += names.length;
  const shoff = sections.length > 0 ? Math.ceil(off / 8) * 8 : 0;
  const shnum = sections.length > 0 ? sections.length + 2 : 0;
  const b = Buffer.alloc(shoff + shnum * shentsize || off);
  const word = (at: number, v: number): void => void (is64 ? b.writeBigUInt64LE(BigInt(v), at) : b.writeUInt32LE(v, at));
  b.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, 1, 1], 0);
  b.writeUInt16LE(2, 16);
  b.writeUInt16LE(is64 ? 62 : 3, 18);
  b.writeUInt32LE(1, 20);
  word(is64 ? 32 : 28, ehsize);
  word(is64 ? 40 : 32, shoff);
  const base = is64 ? 52 : 40;
  b.writeUInt16LE(ehsize, base);
  b.writeUInt16LE(phentsize, base + 2);
  b.writeUInt16LE(n, base + 4);
  b.writeUInt16LE(shentsize, base + 6);
  b.writeUInt16LE(shnum, base + 8);
  b.writeUInt16LE(shnum > 0 ? shnum - 1 : 0, base + 10);
  o.segments.forEach((s, i) => {
    const ph = ehsize + i * phentsize;
    const start = i === 0 ? 0 : offsets[i];
    const filesz = offsets[i] + s.data.length - start;
    const vaddr = i === 0 ? s.vaddr - offsets[0] : s.vaddr;
    b.set(s.data, offsets[i]);
    b.writeUInt32LE(1, ph);
    if (is64) {
      b.writeUInt32LE(s.flags, ph + 4);
      b.writeBigUInt64LE(BigInt(start), ph + 8);
      b.writeBigUInt64LE(BigInt(vaddr), ph + 16);
      b.writeBigUInt64LE(BigInt(vaddr), ph + 24);
      b.writeBigUInt64LE(BigInt(filesz), ph + 32);
      b.writeBigUInt64LE(BigInt(filesz), ph + 40);
    } else {
      b.writeUInt32LE(start, ph + 4);
      b.writeUInt32LE(vaddr, ph + 8);
      b.writeUInt32LE(vaddr, ph + 12);
      b.writeUInt32LE(filesz, ph + 16);
      b.writeUInt32LE(filesz, ph + 20);
      b.writeUInt32LE(s.flags, ph + 24);
    }
  });
  sections.forEach((s, i) => b.set(s.data, secOffsets[i]));
  b.set(names, strOff);
  if (shnum > 0) {
    let nameOff = 1;
    const header = (idx: number, nm: number, type: number, at: number, size: number): void => {
      const h = shoff + idx * shentsize;
      b.writeUInt32LE(nm, h);
      b.writeUInt32LE(type, h + 4);
      word(h + (is64 ? 24 : 16), at);
      word(h + (is64 ? 32 : 20), size);
    };
    sections.forEach((s, i) => {
      header(i + 1, nameOff, 1, secOffsets[i], s.data.length);
      nameOff += Buffer.byteLength(s.name) + 1;
    });
    header(sections.length + 1, nameOff, 3, strOff, names.length);
  }
  return b;
}

export interface PackOptions {
  /** p_blocksize: extents are cut into blocks of at most this size. */
  blockSize?: number;
  /** UPX 4/5 put the loader between the segments and the gaps; UPX 3.9x after the end marker. */
  loader?: 'between' | 'end';
  loaderSize?: number;
  /** Compresses one block; `undefined` stores it (sz_cpr = sz_unc), as UPX does for incompressible blocks. */
  compress?: (plain: Buffer, offset: number) => { method: number; packed: Buffer } | undefined;
}

/** Packs an original ELF in UPX's layout: stub ELF header, l_info, p_info, b_info blocks, loader, PackHeader. */
export function packUpx(original: Buffer, opts: PackOptions = {}): Buffer {
  const is64 = original[4] === 2;
  const ehsize = is64 ? 64 : 52;
  const phoff = is64 ? Number(original.readBigUInt64LE(32)) : original.readUInt32LE(28);
  const phnum = original.readUInt16LE(is64 ? 56 : 44);
  const phentsize = is64 ? 56 : 32;
  const blockSize = Math.min(opts.blockSize ?? 0x40000, original.length);
  const loaderSize = opts.loaderSize ?? 300;
  const loads: { offset: number; filesz: number }[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (original.readUInt32LE(p) !== 1) continue;
    loads.push(is64 ? { offset: Number(original.readBigUInt64LE(p + 8)), filesz: Number(original.readBigUInt64LE(p + 32)) } : { offset: original.readUInt32LE(p + 4), filesz: original.readUInt32LE(p + 16) });
  }
  const parts: Buffer[] = [];
  let u = 1;
  let c = 1;
  const block = (offset: number, size: number): void => {
    const plain = original.subarray(offset, offset + size);
    const z = opts.compress?.(plain, offset);
    const packed = z && z.packed.length < size ? z.packed : plain;
    const b = Buffer.alloc(12);
    b.writeUInt32LE(size, 0);
    b.writeUInt32LE(packed.length, 4);
    b[8] = z && packed !== plain ? z.method : 0;
    parts.push(b, packed);
    u = adler32(plain, u);
    c = adler32(packed, c);
  };
  const extent = (offset: number, size: number, firstCut = 0): void => {
    let at = offset;
    if (firstCut > 0) {
      block(at, firstCut);
      at += firstCut;
    }
    for (; at < offset + size; at += Math.min(blockSize, offset + size - at)) block(at, Math.min(blockSize, offset + size - at));
  };
  const stub = Buffer.alloc(ehsize);
  stub.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, 1, 1], 0);
  const linfo = Buffer.alloc(12);
  linfo.writeUInt32LE(0x21585055, 4);
  linfo.writeUInt16LE(loaderSize, 8);
  linfo[10] = 14;
  linfo[11] = is64 ? 22 : 12;
  const pinfo = Buffer.alloc(12);
  pinfo.writeUInt32LE(original.length, 4);
  pinfo.writeUInt32LE(blockSize, 8);
  parts.push(stub, linfo, pinfo);
  const overlay = ehsize + 12;
  loads.forEach((p, i) => extent(p.offset, p.filesz, i === 0 ? ehsize + phnum * phentsize : 0));
  const pad = (): void => {
    const len = parts.reduce((n, b) => n + b.length, 0);
    parts.push(Buffer.alloc((4 - (len % 4)) % 4));
  };
  pad();
  const loader = Buffer.alloc(loaderSize, 0xcc);
  if (opts.loader !== 'end') parts.push(loader);
  for (const p of loads) {
    const hi = p.offset + p.filesz;
    let lo = original.length;
    for (const q of loads) if (q !== p && q.offset >= hi && q.offset < lo) lo = q.offset;
    if (lo > hi) extent(hi, lo - hi);
  }
  const eof = Buffer.alloc(12);
  eof.writeUInt32LE(0x21585055, 4);
  parts.push(eof);
  if (opts.loader === 'end') parts.push(loader);
  pad();
  const ph = Buffer.alloc(36);
  ph.writeUInt32LE(0x21585055, 0);
  ph.set([14, is64 ? 22 : 12, 14, 9], 4);
  ph.writeUInt32LE(u, 8);
  ph.writeUInt32LE(c, 12);
  ph.writeUInt32LE(original.length, 16);
  ph.writeUInt32LE(original.length, 24);
  let sum = 0;
  for (let i = 4; i < 31; i++) sum += ph[i];
  ph[31] = sum % 251;
  ph.writeUInt32LE(overlay, 32);
  parts.push(ph);
  return Buffer.concat(parts);
}
