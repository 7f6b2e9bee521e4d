import { InputError, err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';

/** The UCL algorithms UPX calls NRV2B, NRV2D and NRV2E. */
export type NrvAlgorithm = '2b' | '2d' | '2e';
/** Bit-buffer width: 8 (one byte at a time), 16 or 32 (little-endian words, read most significant bit first). */
export type NrvBits = 8 | 16 | 32;

/** A failure inside the stream; the caller names the file. */
class Corrupt extends Error {}

class Bits {
  private bb = 0;
  private bc = 0;
  constructor(
    readonly src: Uint8Array,
    public pos: number,
    readonly width: NrvBits,
  ) {}

  byte(): number {
    if (this.pos >= this.src.length) throw new Corrupt('stream truncated');
    return this.src[this.pos++];
  }

  bit(): number {
    if (this.width === 8) {
      // UCL's getbit_8: the byte is shifted left with a sentinel 1 bit below it; refill when only the sentinel is left.
      if ((this.bb & 0x7f) !== 0) this.bb = (this.bb << 1) & 0x1ff;
      else this.bb = this.byte() * 2 + 1;
      return (this.bb >> 8) & 1;
    }
    if (this.bc === 0) {
      const n = this.width / 8;
      if (this.pos + n > this.src.length) throw new Corrupt('stream truncated');
      const s = this.src;
      const p = this.pos;
      this.bb = n === 2 ? s[p] | (s[p + 1] << 8) : (s[p] | (s[p + 1] << 8) | (s[p + 2] << 16) | (s[p + 3] << 24)) >>> 0;
      this.pos += n;
      this.bc = this.width;
    }
    this.bc--;
    return (this.bb >>> this.bc) & 1;
  }
}

/** Largest offset code before the end marker (m_off - 3) * 256 + 255 = 0xffffffff. */
const MAX_OFF_CODE = 0x1000002;

/**
 * Decompresses one UCL NRV stream (as UPX writes it: ending with the 0xffffffff offset marker) into at most
 * `outSize` bytes, stopping early after `limit` bytes. Mirrors UCL's n2b_d.c/n2d_d.c/n2e_d.c with every read and
 * copy bounds-checked: a stream that overruns its input or output, or refers before the start, is an InputError.
 */
export function nrvDecode(algo: NrvAlgorithm, width: NrvBits, src: Uint8Array, outSize: number, limit: number, file: string): Result<Buffer, InputError> {
  const want = Math.min(outSize, limit);
  const out = Buffer.allocUnsafe(want);
  try {
    const n = decodeInto(algo, new Bits(src, 0, width), out, want, outSize);
    if (n < want) return err(new InputError({ file, field: `NRV${algo.toUpperCase()} stream`, message: `corrupt NRV data: ended after ${n} of ${outSize} bytes` }));
  } catch (e) {
    if (e instanceof Corrupt) return err(new InputError({ file, field: `NRV${algo.toUpperCase()} stream`, message: `corrupt NRV data: ${e.message}` }));
    throw e;
  }
  return ok(out);
}

function decodeInto(algo: NrvAlgorithm, r: Bits, out: Buffer, want: number, outSize: number): number {
  let olen = 0;
  let lastOff = 1;
  while (olen < want) {
    while (r.bit()) {
      if (olen >= outSize) throw new Corrupt('literal past the expected size');
      out[olen++] = r.byte();
      if (olen >= want) return olen;
    }
    let off = 1;
    if (algo === '2b') {
      do {
        off = off * 2 + r.bit();
        if (off > MAX_OFF_CODE) throw new Corrupt('offset too large');
      } while (!r.bit());
    } else {
      for (;;) {
        off = off * 2 + r.bit();
        if (off > MAX_OFF_CODE) throw new Corrupt('offset too large');
        if (r.bit()) break;
        off = (off - 1) * 2 + r.bit();
      }
    }
    let len: number;
    if (off === 2) {
      off = lastOff;
      len = algo === '2b' ? -1 : r.bit();
    } else {
      const code = (off - 3) * 256 + r.byte();
      if (code === 0xffffffff) return olen;
      if (algo === '2b') {
        off = code + 1;
        len = -1;
      } else {
        len = (code & 1) ^ 1;
        off = Math.floor(code / 2) + 1;
      }
      lastOff = off;
    }
    if (algo === '2b') {
      len = r.bit();
      len = len * 2 + r.bit();
      if (len === 0) len = gamma(r) + 2;
      len += off > 0xd00 ? 1 : 0;
    } else if (algo === '2d') {
      len = len * 2 + r.bit();
      if (len === 0) len = gamma(r) + 2;
      len += off > 0x500 ? 1 : 0;
    } else {
      if (len) len = 1 + r.bit();
      else if (r.bit()) len = 3 + r.bit();
      else len = gamma(r) + 3;
      len += off > 0x500 ? 1 : 0;
    }
    len += 1;
    if (off > olen) throw new Corrupt('match offset before the start of the output');
    if (len > outSize - olen) throw new Corrupt('match past the expected size');
    const end = Math.min(olen + len, want);
    let from = olen - off;
    while (olen < end) out[olen++] = out[from++];
  }
  return olen;
}

/** UCL's gamma-coded length: starting at 1, `len = len*2 + bit` until a stop bit. */
function gamma(r: Bits): number {
  let len = 1;
  do {
    len = len * 2 + r.bit();
    if (len > 0x7fffffff) throw new Corrupt('length too large');
  } while (!r.bit());
  return len;
}
