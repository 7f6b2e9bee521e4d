import { InputError, err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';

/** LZMA literal/position parameters: lc (literal context bits), lp (literal position bits), pb (position bits). */
export interface LzmaProps {
  lc: number;
  lp: number;
  pb: number;
}

/**
 * The 2-byte header UPX writes before its raw LZMA stream (compress_lzma.cpp): byte 0 = ((lc + lp) << 3) | pb,
 * byte 1 = (lp << 4) | lc. UPX's own decoder refuses the same inconsistencies.
 */
export function upxLzmaProps(src: Uint8Array): LzmaProps | undefined {
  if (src.length < 3) return undefined;
  const pb = src[0] & 7;
  const lp = src[1] >> 4;
  const lc = src[1] & 15;
  if (pb > 4 || lp > 4 || lc > 8 || src[0] >> 3 !== lc + lp) return undefined;
  return { lc, lp, pb };
}

const TOP = 1 << 24;
const BIT_MODEL_TOTAL = 1 << 11;
const MOVE_BITS = 5;
const STATES = 12;
const POS_STATES_MAX = 16;
const END_POS_MODEL_INDEX = 14;
const FULL_DISTANCES = 128;
const LEN_PROBS = 2 + POS_STATES_MAX * 8 * 2 + 256;

// Offsets of each probability model inside one Uint16Array.
const IS_MATCH = 0;
const IS_REP = IS_MATCH + STATES * POS_STATES_MAX;
const IS_REP_G0 = IS_REP + STATES;
const IS_REP_G1 = IS_REP_G0 + STATES;
const IS_REP_G2 = IS_REP_G1 + STATES;
const IS_REP0_LONG = IS_REP_G2 + STATES;
const POS_SLOT = IS_REP0_LONG + STATES * POS_STATES_MAX;
const SPEC_POS = POS_SLOT + 4 * 64;
const ALIGN = SPEC_POS + 1 + FULL_DISTANCES - END_POS_MODEL_INDEX;
const LEN_CODER = ALIGN + 16;
const REP_LEN_CODER = LEN_CODER + LEN_PROBS;
const LITERAL = REP_LEN_CODER + LEN_PROBS;

/** A failure inside the stream; the caller names the file. */
class Corrupt extends Error {}

class Decoder {
  range = 0xffffffff;
  code = 0;
  pos: number;
  readonly probs: Uint16Array;

  constructor(
    readonly src: Uint8Array,
    start: number,
    lcLp: number,
  ) {
    this.probs = new Uint16Array(LITERAL + (0x300 << lcLp)).fill(BIT_MODEL_TOTAL >> 1);
    if (start + 5 > src.length) throw new Corrupt('stream shorter than the range coder header');
    if (src[start] !== 0) throw new Corrupt('range coder must start with a zero byte');
    this.code = ((src[start + 1] << 24) | (src[start + 2] << 16) | (src[start + 3] << 8) | src[start + 4]) >>> 0;
    this.pos = start + 5;
    if (this.code === this.range) throw new Corrupt('range coder header');
  }

  next(): number {
    if (this.pos >= this.src.length) throw new Corrupt('stream truncated');
    return this.src[this.pos++];
  }

  bit(i: number): number {
    const p = this.probs[i];
    const bound = (this.range >>> 11) * p;
    let b: number;
    if (this.code < bound) {
      this.range = bound;
      this.probs[i] = p + ((BIT_MODEL_TOTAL - p) >>> MOVE_BITS);
      b = 0;
    } else {
      this.code -= bound;
      this.range -= bound;
      this.probs[i] = p - (p >>> MOVE_BITS);
      b = 1;
    }
    if (this.range < TOP) {
      this.range = (this.range * 256) >>> 0;
      this.code = ((this.code * 256) | this.next()) >>> 0;
    }
    return b;
  }

  direct(count: number): number {
    let res = 0;
    for (let k = 0; k < count; k++) {
      this.range >>>= 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      if (this.range < TOP) {
        this.range = (this.range * 256) >>> 0;
        this.code = ((this.code * 256) | this.next()) >>> 0;
      }
      res = ((res << 1) | b) >>> 0;
    }
    return res;
  }

  tree(base: number, bits: number): number {
    let m = 1;
    for (let k = 0; k < bits; k++) m = (m << 1) | this.bit(base + m);
    return m - (1 << bits);
  }

  reverse(base: number, bits: number): number {
    let m = 1;
    let sym = 0;
    for (let k = 0; k < bits; k++) {
      const b = this.bit(base + m);
      m = (m << 1) | b;
      sym |= b << k;
    }
    return sym;
  }

  len(base: number, posState: number): number {
    if (this.bit(base) === 0) return this.tree(base + 2 + posState * 8, 3);
    if (this.bit(base + 1) === 0) return 8 + this.tree(base + 2 + POS_STATES_MAX * 8 + posState * 8, 3);
    return 16 + this.tree(base + 2 + POS_STATES_MAX * 16, 8);
  }
}

/**
 * Decodes a raw LZMA stream (no .lzma header, no end marker needed: the output size is known, as in UPX blocks)
 * starting at `start` of `src`. Stops after `limit` bytes (≤ `outSize`) so a caller can read just the front of a
 * block; the dictionary is the output itself, as in the LZMA SDK's one-call decoder UPX uses. Corrupt or truncated
 * streams are InputErrors; every read and copy is bounds-checked.
 */
export function lzmaDecode(src: Uint8Array, start: number, props: LzmaProps, outSize: number, limit: number, file: string): Result<Buffer, InputError> {
  const want = Math.min(outSize, limit);
  const out = Buffer.allocUnsafe(want);
  try {
    decodeInto(new Decoder(src, start, props.lc + props.lp), props, out, want);
  } catch (e) {
    if (e instanceof Corrupt) return err(new InputError({ file, field: 'LZMA stream', message: `corrupt LZMA data: ${e.message}` }));
    throw e;
  }
  return ok(out);
}

function decodeInto(d: Decoder, props: LzmaProps, out: Buffer, want: number): void {
  const { lc, pb } = props;
  const pbMask = (1 << pb) - 1;
  const lpMask = (1 << props.lp) - 1;
  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;
  let pos = 0;
  while (pos < want) {
    const posState = pos & pbMask;
    if (d.bit(IS_MATCH + (state << 4) + posState) === 0) {
      const prev = pos > 0 ? out[pos - 1] : 0;
      const base = LITERAL + 0x300 * (((pos & lpMask) << lc) + (prev >>> (8 - lc)));
      let sym = 1;
      if (state >= 7) {
        if (rep0 >= pos) throw new Corrupt('match distance before the start of the output');
        let match = out[pos - rep0 - 1];
        do {
          const mb = (match >>> 7) & 1;
          match <<= 1;
          const b = d.bit(base + ((1 + mb) << 8) + sym);
          sym = (sym << 1) | b;
          if (mb !== b) break;
        } while (sym < 0x100);
      }
      while (sym < 0x100) sym = (sym << 1) | d.bit(base + sym);
      out[pos++] = sym - 0x100;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }
    let len: number;
    if (d.bit(IS_REP + state) !== 0) {
      if (pos === 0) throw new Corrupt('repeated match at the start of the output');
      if (d.bit(IS_REP_G0 + state) === 0) {
        if (d.bit(IS_REP0_LONG + (state << 4) + posState) === 0) {
          if (rep0 >= pos) throw new Corrupt('match distance before the start of the output');
          state = state < 7 ? 9 : 11;
          out[pos] = out[pos - rep0 - 1];
          pos++;
          continue;
        }
      } else {
        let dist: number;
        if (d.bit(IS_REP_G1 + state) === 0) dist = rep1;
        else {
          if (d.bit(IS_REP_G2 + state) === 0) dist = rep2;
          else {
            dist = rep3;
            rep3 = rep2;
          }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      len = d.len(REP_LEN_CODER, posState);
      state = state < 7 ? 8 : 11;
    } else {
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      len = d.len(LEN_CODER, posState);
      state = state < 7 ? 7 : 10;
      rep0 = distance(d, len);
      if (rep0 === 0xffffffff) throw new Corrupt('end marker before the expected size');
    }
    len += 2;
    if (rep0 >= pos) throw new Corrupt('match distance before the start of the output');
    if (len > want - pos) len = want - pos;
    let from = pos - rep0 - 1;
    for (const end = pos + len; pos < end; ) out[pos++] = out[from++];
  }
}

function distance(d: Decoder, len: number): number {
  const lenState = len < 3 ? len : 3;
  const slot = d.tree(POS_SLOT + lenState * 64, 6);
  if (slot < 4) return slot;
  const directBits = (slot >>> 1) - 1;
  let dist = ((2 | (slot & 1)) << directBits) >>> 0;
  if (slot < END_POS_MODEL_INDEX) return dist + d.reverse(SPEC_POS + dist - slot, directBits);
  dist = (dist + d.direct(directBits - 4) * 16) >>> 0;
  return (dist + d.reverse(ALIGN, 4)) >>> 0;
}
