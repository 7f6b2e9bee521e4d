/** One section of a synthetic ELF. Sections with an `addr` also get a PT_LOAD segment mapping them there. */
export interface ElfWriterSection {
  name: string;
  data: Uint8Array;
  addr?: number;
  /** p_flags of the segment (PF_R=4, PF_W=2, PF_X=1); default read+write. */
  segmentFlags?: number;
}

export interface ElfWriterOptions {
  bits?: 32 | 64;
  littleEndian?: boolean;
  /** e_machine; default x86-64 (62) for 64-bit, i386 (3) for 32-bit. */
  machine?: number;
  /** Leave out the section header table (as `strip --strip-section-headers` or sstrip do). */
  noSectionHeaders?: boolean;
}

/**
 * Writes a minimal but well-formed ELF executable holding the given sections, so tests can wrap real payloads
 * (Go buildinfo blobs, cargo-auditable `.dep-v0` data) without committing binaries. `readelf -a` accepts the output.
 */
export function writeElf(sections: ElfWriterSection[], opts: ElfWriterOptions = {}): Buffer {
  const is64 = (opts.bits ?? 64) === 64;
  const le = opts.littleEndian ?? true;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const loads = sections.filter((s) => s.addr !== undefined);

  const names = Buffer.concat([Buffer.from([0]), ...sections.map((s) => Buffer.from(s.name + '\0', 'latin1')), Buffer.from('.shstrtab\0', 'latin1')]);
  let off = ehsize + loads.length * phentsize;
  const placed = sections.map((s) => {
    off = align(off, 16);
    const at = off;
    off += s.data.length;
    return at;
  });
  const strOff = off;
  off += names.length;
  const shoff = align(off, 8);
  const shnum = opts.noSectionHeaders ? 0 : sections.length + 2;
  const total = shoff + shnum * shentsize;
  const b = Buffer.alloc(total);

  const u16 = (o: number, v: number): void => void (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const u32 = (o: number, v: number): void => void (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const u64 = (o: number, v: number): void => void (le ? b.writeBigUInt64LE(BigInt(v), o) : b.writeBigUInt64BE(BigInt(v), o));
  const word = (o: number, v: number): void => (is64 ? u64(o, v) : u32(o, v));

  b.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1], 0);
  u16(16, 2); // ET_EXEC
  u16(18, opts.machine ?? (is64 ? 62 : 3));
  u32(20, 1);
  word(24, 0); // e_entry
  word(is64 ? 32 : 28, loads.length > 0 ? ehsize : 0); // e_phoff
  word(is64 ? 40 : 32, shnum > 0 ? shoff : 0); // e_shoff
  const base = is64 ? 52 : 40;
  u16(base, ehsize);
  u16(base + 2, phentsize);
  u16(base + 4, loads.length);
  u16(base + 6, shentsize);
  u16(base + 8, shnum);
  u16(base + 10, shnum > 0 ? sections.length + 1 : 0);

  let ph = ehsize;
  sections.forEach((s, i) => {
    b.set(s.data, placed[i]);
    if (s.addr === undefined) return;
    const flags = s.segmentFlags ?? 6;
    if (is64) {
      u32(ph, 1);
      u32(ph + 4, flags);
      u64(ph + 8, placed[i]);
      u64(ph + 16, s.addr);
      u64(ph + 24, s.addr);
      u64(ph + 32, s.data.length);
      u64(ph + 40, s.data.length);
      u64(ph + 48, 16);
    } else {
      u32(ph, 1);
      u32(ph + 4, placed[i]);
      u32(ph + 8, s.addr);
      u32(ph + 12, s.addr);
      u32(ph + 16, s.data.length);
      u32(ph + 20, s.data.length);
      u32(ph + 24, flags);
      u32(ph + 28, 16);
    }
    ph += phentsize;
  });
  b.set(names, strOff);

  if (shnum > 0) {
    let nameOff = 1;
    const header = (idx: number, nm: number, type: number, flags: number, addr: number, o: number, size: number): void => {
      const h = shoff + idx * shentsize;
      u32(h, nm);
      u32(h + 4, type);
      word(h + 8, flags);
      word(h + (is64 ? 16 : 12), addr);
      word(h + (is64 ? 24 : 16), o);
      word(h + (is64 ? 32 : 20), size);
      word(h + (is64 ? 48 : 32), 1);
    };
    sections.forEach((s, i) => {
      header(i + 1, nameOff, 1, s.addr !== undefined ? 3 : 0, s.addr ?? 0, placed[i], s.data.length);
      nameOff += Buffer.byteLength(s.name, 'latin1') + 1;
    });
    header(sections.length + 1, nameOff, 3, 0, 0, strOff, names.length);
  }
  return b;
}

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
