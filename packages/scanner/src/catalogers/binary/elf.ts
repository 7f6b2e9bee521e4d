import { InputError, LimitError, err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';

/** A section header with its name resolved through the section-name string table. */
export interface ElfSection {
  name: string;
  /** sh_type: 1 PROGBITS, 8 NOBITS (no file bytes), ... */
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
}

/** A program header (segment). */
export interface ElfProgram {
  /** p_type: 1 PT_LOAD, 4 PT_NOTE, ... */
  type: number;
  /** p_flags: 1 X, 2 W, 4 R. */
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

export interface ElfFile {
  bits: 32 | 64;
  littleEndian: boolean;
  /** e_type: 2 EXEC, 3 DYN, ... */
  type: number;
  machine: number;
  sections: ElfSection[];
  programs: ElfProgram[];
  /** The whole file; slices returned by the helpers below are views into it. */
  data: Buffer;
  /** Path used in error messages. */
  file: string;
}

export interface ElfLimits {
  /** Most section headers read (e_shnum is 16-bit, but extended numbering allows more). */
  maxSections: number;
  /** Most program headers read. */
  maxPrograms: number;
  /** Longest section name read from the string table. */
  maxNameBytes: number;
}

export const DEFAULT_ELF_LIMITS: Readonly<ElfLimits> = Object.freeze({ maxSections: 65_536, maxPrograms: 65_536, maxNameBytes: 256 });

export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;
const SHT_NOBITS = 8;
const SHN_XINDEX = 0xffff;
const PN_XNUM = 0xffff;

/** True when the bytes start with the ELF magic. */
export function isElf(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46;
}

class Reader {
  constructor(
    readonly data: Buffer,
    readonly le: boolean,
    readonly file: string,
  ) {}

  private need(off: number, n: number, field: string): void {
    if (!Number.isSafeInteger(off) || off < 0 || off + n > this.data.length) {
      throw new InputError({ file: this.file, field, expected: `${n} bytes at offset ${off} inside the ${this.data.length}-byte file` });
    }
  }

  u8(off: number, field: string): number {
    this.need(off, 1, field);
    return this.data[off];
  }

  u16(off: number, field: string): number {
    this.need(off, 2, field);
    return this.le ? this.data.readUInt16LE(off) : this.data.readUInt16BE(off);
  }

  u32(off: number, field: string): number {
    this.need(off, 4, field);
    return this.le ? this.data.readUInt32LE(off) : this.data.readUInt32BE(off);
  }

  u64(off: number, field: string): number {
    this.need(off, 8, field);
    const v = this.le ? this.data.readBigUInt64LE(off) : this.data.readBigUInt64BE(off);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new InputError({ file: this.file, field, expected: 'a value below 2^53' });
    }
    return Number(v);
  }
}

/**
 * Parses the ELF header, section headers and program headers. Every offset is checked against the file size;
 * hostile input (truncated, offsets past the end, huge counts) gives an InputError value, never an exception.
 */
export function parseElf(data: Buffer, file: string, limits: Partial<ElfLimits> = {}): Result<ElfFile, InputError> {
  const lim = { ...DEFAULT_ELF_LIMITS, ...limits };
  if (!isElf(data)) return err(new InputError({ file, field: 'e_ident', expected: 'the ELF magic \\x7fELF' }));
  if (data.length < 16) return err(new InputError({ file, field: 'e_ident', expected: '16 identification bytes' }));
  const cls = data[4];
  const enc = data[5];
  if (cls !== 1 && cls !== 2) return err(new InputError({ file, field: 'e_ident[EI_CLASS]', expected: '1 (ELF32) or 2 (ELF64)' }));
  if (enc !== 1 && enc !== 2) return err(new InputError({ file, field: 'e_ident[EI_DATA]', expected: '1 (LSB) or 2 (MSB)' }));
  const is64 = cls === 2;
  const r = new Reader(data, enc === 1, file);
  try {
    const addr = (off: number, field: string): number => (is64 ? r.u64(off, field) : r.u32(off, field));
    const type = r.u16(16, 'e_type');
    const machine = r.u16(18, 'e_machine');
    const phoff = addr(is64 ? 32 : 28, 'e_phoff');
    const shoff = addr(is64 ? 40 : 32, 'e_shoff');
    const base = is64 ? 52 : 40;
    const phentsize = r.u16(base + 2, 'e_phentsize');
    let phnum = r.u16(base + 4, 'e_phnum');
    const shentsize = r.u16(base + 6, 'e_shentsize');
    let shnum = r.u16(base + 8, 'e_shnum');
    let shstrndx = r.u16(base + 10, 'e_shstrndx');
    const minSh = is64 ? 64 : 40;
    const minPh = is64 ? 56 : 32;

    // Extended numbering: counts that do not fit 16 bits live in section header 0.
    if (shoff !== 0 && (shnum === 0 || shstrndx === SHN_XINDEX || phnum === PN_XNUM)) {
      if (shentsize < minSh) throw new InputError({ file, field: 'e_shentsize', expected: `at least ${minSh}` });
      if (shnum === 0) shnum = is64 ? r.u64(shoff + 32, 'sh[0].sh_size') : r.u32(shoff + 20, 'sh[0].sh_size');
      if (shstrndx === SHN_XINDEX) shstrndx = r.u32(shoff + (is64 ? 40 : 24), 'sh[0].sh_link');
      if (phnum === PN_XNUM) phnum = r.u32(shoff + (is64 ? 44 : 28), 'sh[0].sh_info');
    }
    if (shoff === 0) shnum = 0;
    if (phoff === 0) phnum = 0;
    if (shnum > lim.maxSections) return err(new LimitError({ file, field: 'e_shnum', limit: `maxSections=${lim.maxSections}` }));
    if (phnum > lim.maxPrograms) return err(new LimitError({ file, field: 'e_phnum', limit: `maxPrograms=${lim.maxPrograms}` }));
    if (shnum > 0 && shentsize < minSh) throw new InputError({ file, field: 'e_shentsize', expected: `at least ${minSh}` });
    if (phnum > 0 && phentsize < minPh) throw new InputError({ file, field: 'e_phentsize', expected: `at least ${minPh}` });
    // Reject tables that cannot fit before reading them entry by entry, so a huge count costs nothing.
    if (shnum > 0 && shoff + shnum * shentsize > data.length) throw new InputError({ file, field: 'e_shoff', expected: 'a section header table inside the file' });
    if (phnum > 0 && phoff + phnum * phentsize > data.length) throw new InputError({ file, field: 'e_phoff', expected: 'a program header table inside the file' });

    const raw: (ElfSection & { nameOff: number })[] = [];
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      const f = `sh[${i}]`;
      raw.push({
        name: '',
        nameOff: r.u32(o, `${f}.sh_name`),
        type: r.u32(o + 4, `${f}.sh_type`),
        flags: is64 ? r.u64(o + 8, `${f}.sh_flags`) : r.u32(o + 8, `${f}.sh_flags`),
        addr: addr(o + (is64 ? 16 : 12), `${f}.sh_addr`),
        offset: addr(o + (is64 ? 24 : 16), `${f}.sh_offset`),
        size: is64 ? r.u64(o + 32, `${f}.sh_size`) : r.u32(o + 20, `${f}.sh_size`),
      });
    }
    const strtab = shstrndx < raw.length ? raw[shstrndx] : undefined;
    const sections: ElfSection[] = raw.map(({ nameOff, ...s }) => ({ ...s, name: strtab ? readName(data, strtab, nameOff, lim.maxNameBytes) : '' }));

    const programs: ElfProgram[] = [];
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * phentsize;
      const f = `ph[${i}]`;
      programs.push(
        is64
          ? {
              type: r.u32(o, `${f}.p_type`),
              flags: r.u32(o + 4, `${f}.p_flags`),
              offset: r.u64(o + 8, `${f}.p_offset`),
              vaddr: r.u64(o + 16, `${f}.p_vaddr`),
              filesz: r.u64(o + 32, `${f}.p_filesz`),
              memsz: r.u64(o + 40, `${f}.p_memsz`),
            }
          : {
              type: r.u32(o, `${f}.p_type`),
              offset: r.u32(o + 4, `${f}.p_offset`),
              vaddr: r.u32(o + 8, `${f}.p_vaddr`),
              filesz: r.u32(o + 16, `${f}.p_filesz`),
              memsz: r.u32(o + 20, `${f}.p_memsz`),
              flags: r.u32(o + 24, `${f}.p_flags`),
            },
      );
    }
    return ok({ bits: is64 ? 64 : 32, littleEndian: enc === 1, type, machine, sections, programs, data, file });
  } catch (e) {
    if (e instanceof InputError) return err(e);
    return err(new InputError({ file, message: `unreadable ELF: ${(e as Error).message}`, cause: e }));
  }
}

/** A NUL-terminated name from the string table section; '' when out of bounds. */
function readName(data: Buffer, strtab: ElfSection, off: number, max: number): string {
  if (strtab.type === SHT_NOBITS || off >= strtab.size) return '';
  const start = strtab.offset + off;
  const end = Math.min(data.length, strtab.offset + strtab.size, start + max);
  if (start >= end) return '';
  let i = start;
  while (i < end && data[i] !== 0) i++;
  return data.toString('latin1', start, i);
}

export function findSection(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name);
}

/** The file bytes of a section (a view), or an InputError when the section points outside the file. */
export function sectionData(elf: ElfFile, section: ElfSection): Result<Buffer, InputError> {
  if (section.type === SHT_NOBITS) return ok(Buffer.alloc(0));
  if (section.offset + section.size > elf.data.length) {
    return err(new InputError({ file: elf.file, field: `section ${section.name}`, expected: 'section bytes inside the file' }));
  }
  return ok(elf.data.subarray(section.offset, section.offset + section.size));
}

/**
 * Reads `length` bytes at virtual address `addr` through the PT_LOAD segments (as the loader maps them), falling
 * back to allocated sections for files without program headers. Undefined when the range is not backed by file bytes.
 */
export function readVirtual(elf: ElfFile, addr: number, length: number): Buffer | undefined {
  if (!Number.isSafeInteger(addr) || !Number.isSafeInteger(length) || addr < 0 || length < 0) return undefined;
  const ranges: { vaddr: number; offset: number; size: number }[] = [];
  for (const p of elf.programs) if (p.type === PT_LOAD) ranges.push({ vaddr: p.vaddr, offset: p.offset, size: p.filesz });
  if (ranges.length === 0) for (const s of elf.sections) if (s.addr !== 0 && s.type !== SHT_NOBITS) ranges.push({ vaddr: s.addr, offset: s.offset, size: s.size });
  for (const g of ranges) {
    if (addr >= g.vaddr && addr + length <= g.vaddr + g.size) {
      const start = g.offset + (addr - g.vaddr);
      if (start + length > elf.data.length) return undefined;
      return elf.data.subarray(start, start + length);
    }
  }
  return undefined;
}
