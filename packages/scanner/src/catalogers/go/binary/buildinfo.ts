import { InputError, err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import { PF_W, PF_X, PT_LOAD, findSection, isElf, parseElf, readVirtual, sectionData } from '../../binary/elf.js';
import type { ElfFile } from '../../binary/elf.js';
import { openUpx } from '../../binary/upx/upx.js';
import type { UpxImage } from '../../binary/upx/upx.js';

/** A module line of Go build info (`mod`, `dep`) with its `=>` replacement. */
export interface GoModule {
  path: string;
  /** "v1.2.3", "(devel)" for the main module of a local build, "" for local-directory replacements. */
  version: string;
  sum?: string;
  replace?: GoModule;
}

/** What `go version -m` prints: runtime/debug.BuildInfo. */
export interface GoBuildInfo {
  /** As embedded: "go1.21.5", "go1.22.1 X:loopvar", "devel go1.23-abc". */
  goVersion: string;
  /** Package path of the main package ("k8s.io/kubernetes/cmd/kubectl"). */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: { key: string; value: string }[];
  /** Set when the build info was read from inside a packed executable ("upx"). */
  packer?: 'upx';
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const ALIGN = 16;
/** How far Go's debug/buildinfo searches the data start for the header. */
const SEARCH_BYTES = 64 * 1024;
/** Longest version or modinfo string accepted (kubectl's modinfo is 4 KB; the largest binaries stay far below). */
const MAX_STRING = 16 * 1024 * 1024;
const FLAG_BIG_ENDIAN = 1;
const FLAG_INLINE = 2;

/**
 * Finds and decodes Go build info in an executable. `undefined` when the file is not a Go binary (or one built
 * before Go 1.13 carried module info); an InputError when a header is present but its contents are malformed.
 * ELF is read like Go's debug/buildinfo (the `.go.buildinfo` section, else the first writable non-exec
 * segment). Other formats (PE, Mach-O) are searched for the Go 1.18+ inline header at 16-byte aligned offsets.
 */
export function readGoBuildInfo(data: Buffer, file: string): Result<GoBuildInfo | undefined, InputError> {
  if (isElf(data)) {
    const elf = parseElf(data, file);
    if (!elf.ok) return elf;
    const found = fromElf(elf.value);
    if (!found.ok || found.value) return found;
    return fromUpx(data, file);
  }
  if (!looksLikePeOrMachO(data)) return ok(undefined);
  for (let at = data.indexOf(MAGIC); at >= 0; at = data.indexOf(MAGIC, at + 1)) {
    if (at % ALIGN !== 0 || at + 32 > data.length) continue;
    if ((data[at + 15] & FLAG_INLINE) === 0) continue;
    return decodeHeader(data.subarray(at), file, undefined);
  }
  return ok(undefined);
}

function looksLikePeOrMachO(d: Buffer): boolean {
  if (d.length < 4) return false;
  if (d[0] === 0x4d && d[1] === 0x5a) return true; // MZ
  const m = d.readUInt32BE(0);
  return m === 0xfeedface || m === 0xfeedfacf || m === 0xcefaedfe || m === 0xcffaedfe || m === 0xcafebabe;
}

function fromElf(elf: ElfFile): Result<GoBuildInfo | undefined, InputError> {
  let region: Buffer | undefined;
  const sec = findSection(elf, '.go.buildinfo');
  if (sec) {
    const d = sectionData(elf, sec);
    if (!d.ok) return d;
    region = d.value.subarray(0, SEARCH_BYTES);
  } else {
    const seg = elf.programs.find((p) => p.type === PT_LOAD && (p.flags & (PF_X | PF_W)) === PF_W);
    if (!seg) return ok(undefined);
    const end = Math.min(elf.data.length, seg.offset + Math.min(seg.filesz, SEARCH_BYTES));
    if (seg.offset >= end) return ok(undefined);
    region = elf.data.subarray(seg.offset, end);
  }
  for (let at = 0; at + 32 <= region.length; at += ALIGN) {
    if (region[at] === 0xff && region.subarray(at, at + MAGIC.length).equals(MAGIC)) {
      return decodeHeader(region.subarray(at), elf.file, (addr, len) => readVirtual(elf, addr, len));
    }
  }
  return ok(undefined);
}

/**
 * A UPX-packed ELF hides the sections; unpack lazily and search the original program's first writable
 * non-executable segment, as debug/buildinfo does for stripped binaries. Only the blocks read are decompressed.
 */
function fromUpx(data: Buffer, file: string): Result<GoBuildInfo | undefined, InputError> {
  const opened = openUpx(data, file);
  if (!opened.ok) return opened;
  const image = opened.value;
  if (!image) return ok(undefined);
  const seg = image.programs.find((p) => p.type === PT_LOAD && (p.flags & (PF_X | PF_W)) === PF_W);
  if (!seg) return ok(undefined);
  const read = image.read(seg.offset, Math.min(seg.filesz, SEARCH_BYTES));
  if (!read.ok) return read;
  const region = read.value ?? Buffer.alloc(0);
  for (let at = 0; at + 32 <= region.length; at += ALIGN) {
    if (region[at] !== 0xff || !region.subarray(at, at + MAGIC.length).equals(MAGIC)) continue;
    const blob = inlineBlob(image, seg.offset + at, seg.filesz - at);
    if (!blob.ok) return blob;
    if (!blob.value) return ok(undefined);
    const info = decodeHeader(blob.value, file, (addr, len) => {
      const r = image.readVirtual(addr, len);
      return r.ok ? r.value : undefined;
    });
    if (info.ok && info.value) info.value.packer = 'upx';
    return info;
  }
  return ok(undefined);
}

/** The build info header and, for the inline format, both strings after it: read as far as the lengths say. */
function inlineBlob(image: UpxImage, offset: number, max: number): Result<Buffer | undefined, InputError> {
  const cap = Math.min(max, 32 + 2 * (10 + MAX_STRING));
  let len = Math.min(cap, SEARCH_BYTES);
  for (;;) {
    const r = image.read(offset, len);
    if (!r.ok || !r.value || len >= cap) return r;
    const b = r.value;
    if ((b[15] & FLAG_INLINE) === 0) return r;
    const v = varint(b, 32);
    const m = v && v.value <= MAX_STRING ? varint(b, v.next + v.value) : undefined;
    const need = m ? m.next + m.value : 2 * len;
    if (need <= len) return r;
    len = Math.min(cap, need);
  }
}

function varint(b: Buffer, off: number): { value: number; next: number } | undefined {
  let value = 0;
  let shift = 0;
  for (let i = off; i < b.length && shift <= 28; i++, shift += 7) {
    value += (b[i] & 0x7f) * 2 ** shift;
    if ((b[i] & 0x80) === 0) return { value, next: i + 1 };
  }
  return undefined;
}

type VirtualReader = (addr: number, length: number) => Buffer | undefined;

function decodeHeader(h: Buffer, file: string, readAt: VirtualReader | undefined): Result<GoBuildInfo | undefined, InputError> {
  const ptrSize = h[14];
  const flags = h[15];
  let version: string | undefined;
  let mod: Buffer | undefined;
  if (flags & FLAG_INLINE) {
    const v = readVarString(h, 32);
    if (!v) return err(new InputError({ file, field: '.go.buildinfo version', expected: 'a length-prefixed string inside the section' }));
    const m = readVarString(h, v.next);
    if (!m) return err(new InputError({ file, field: '.go.buildinfo modinfo', expected: 'a length-prefixed string inside the section' }));
    version = v.bytes.toString('utf8');
    mod = m.bytes;
  } else {
    // Before Go 1.18: two pointers to Go string headers {data pointer, length} elsewhere in the image.
    if (!readAt) return ok(undefined);
    if (ptrSize !== 4 && ptrSize !== 8) return err(new InputError({ file, field: '.go.buildinfo pointer size', expected: '4 or 8' }));
    const big = (flags & FLAG_BIG_ENDIAN) !== 0;
    const readPtr = (b: Buffer, off: number): number | undefined => {
      if (off + ptrSize > b.length) return undefined;
      if (ptrSize === 4) return big ? b.readUInt32BE(off) : b.readUInt32LE(off);
      const v = big ? b.readBigUInt64BE(off) : b.readBigUInt64LE(off);
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v);
    };
    const readGoString = (ptrAt: number): Buffer | undefined => {
      const hdrAddr = readPtr(h, ptrAt);
      if (hdrAddr === undefined) return undefined;
      const hdr = readAt(hdrAddr, ptrSize * 2);
      if (!hdr) return undefined;
      const dataAddr = readPtr(hdr, 0);
      const len = readPtr(hdr, ptrSize);
      if (dataAddr === undefined || len === undefined || len > MAX_STRING) return undefined;
      return readAt(dataAddr, len);
    };
    version = readGoString(16)?.toString('utf8');
    if (version === undefined) return err(new InputError({ file, field: '.go.buildinfo version pointer', expected: 'a pointer to a Go string inside a loaded segment' }));
    mod = readGoString(16 + ptrSize) ?? Buffer.alloc(0);
  }
  if (version === '') return ok(undefined);
  return ok(parseModInfo(version, stripFraming(mod)));
}

function readVarString(b: Buffer, off: number): { bytes: Buffer; next: number } | undefined {
  let len = 0;
  let shift = 0;
  let i = off;
  for (;;) {
    if (i >= b.length || shift > 28) return undefined;
    const c = b[i++];
    len += (c & 0x7f) * 2 ** shift;
    if ((c & 0x80) === 0) break;
    shift += 7;
  }
  if (len > MAX_STRING || i + len > b.length) return undefined;
  return { bytes: b.subarray(i, i + len), next: i + len };
}

/** Strips cmd/go's 16-byte sentinels around modinfo (as debug/buildinfo does); '' when the framing is absent. */
function stripFraming(b: Buffer): string {
  if (b.length >= 33 && b[b.length - 17] === 0x0a) return b.toString('utf8', 16, b.length - 16);
  return '';
}

/** Parses the modinfo text (runtime/debug.ParseBuildInfo's line format); unknown lines are ignored. */
export function parseModInfo(goVersion: string, text: string): GoBuildInfo {
  const info: GoBuildInfo = { goVersion, deps: [], settings: [] };
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const kind = line.slice(0, tab);
    const rest = line.slice(tab + 1);
    const f = rest.split('\t');
    if (kind === 'path') info.path = rest;
    else if (kind === 'go' && info.goVersion === '') info.goVersion = rest;
    else if ((kind === 'mod' || kind === 'dep') && f[0]) {
      last = { path: f[0], version: f[1] ?? '' };
      if (f[2]) last.sum = f[2];
      if (kind === 'mod') info.main = last;
      else info.deps.push(last);
    } else if (kind === '=>' && last && f[0]) {
      last.replace = { path: f[0], version: f[1] ?? '' };
      if (f[2]) last.replace.sum = f[2];
      last = undefined;
    } else if (kind === 'build') {
      const eq = rest.startsWith('"') ? closingQuote(rest) + 1 : rest.indexOf('=');
      if (eq <= 0 || rest[eq] !== '=') continue;
      info.settings.push({ key: unquote(rest.slice(0, eq)), value: unquote(rest.slice(eq + 1)) });
    }
  }
  return info;
}

function closingQuote(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

/** Go quotes keys and values holding spaces, tabs, quotes or '=' with strconv.Quote; JSON reads the common escapes. */
function unquote(s: string): string {
  if (!s.startsWith('"')) return s;
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'string' ? v : s;
  } catch {
    return s;
  }
}
