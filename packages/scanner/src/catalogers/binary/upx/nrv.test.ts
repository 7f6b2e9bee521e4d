import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InputError } from '@bulwark/core';
import { mutations } from '../../test-kit.js';
import { lzmaDecode, upxLzmaProps } from './lzma.js';
import { nrvDecode } from './nrv.js';
import type { NrvAlgorithm, NrvBits } from './nrv.js';

const fx = (name: string): Buffer => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
// The streams were made by the real UCL library (the one UPX takes NRV from) from the first 16 KiB of Trivy's
// data segment; that plaintext comes from the real LZMA block prefix (checked against liblzma in lzma.test.ts).
const dataStream = fx('trivy.upx-data.bin').subarray(12);
const plain = (() => {
  const r = lzmaDecode(dataStream, 2, upxLzmaProps(dataStream)!, 4874336, 16384, 'p');
  assert.ok(r.ok);
  return r.value;
})();

const rows: [NrvAlgorithm, NrvBits, string][] = [
  ['2b', 8, 'data-16k.nrv2b_8.bin'],
  ['2b', 32, 'data-16k.nrv2b_le32.bin'],
  ['2d', 8, 'data-16k.nrv2d_8.bin'],
  ['2d', 32, 'data-16k.nrv2d_le32.bin'],
  ['2e', 8, 'data-16k.nrv2e_8.bin'],
  ['2e', 32, 'data-16k.nrv2e_le32.bin'],
];

test('UCL-made NRV2B/2D/2E streams, 8-bit and LE32 bit buffers, decode to the original 16 KiB', () => {
  for (const [algo, bits, name] of rows) {
    const r = nrvDecode(algo, bits, fx(name), plain.length, plain.length, name);
    assert.ok(r.ok, `${name}: ${r.ok ? '' : r.error.message}`);
    assert.ok(r.value.equals(plain), name);
  }
});

test('prefix decoding stops early with the same bytes', () => {
  for (const [algo, bits, name] of rows) {
    const r = nrvDecode(algo, bits, fx(name), plain.length, 1000, name);
    assert.ok(r.ok && r.value.equals(plain.subarray(0, 1000)), name);
  }
});

test('wrong variant, wrong size, truncation are InputErrors, never garbage', () => {
  const le32 = fx('data-16k.nrv2e_le32.bin');
  const rows2: [string, ReturnType<typeof nrvDecode>][] = [
    ['8-bit reader on an LE32 stream', nrvDecode('2e', 8, le32, plain.length, plain.length, 'x')],
    ['2b decoder on a 2e stream', nrvDecode('2b', 32, le32, plain.length, plain.length, 'x')],
    ['expected size too small', nrvDecode('2e', 32, le32, 100, 100 + 1, 'x')],
    ['expected size too large', nrvDecode('2e', 32, le32, plain.length + 1, plain.length + 1, 'x')],
    ['truncated', nrvDecode('2e', 32, le32.subarray(0, 5000), plain.length, plain.length, 'x')],
  ];
  for (const [what, r] of rows2) {
    if (what === 'expected size too small') {
      // The prefix limit equals the size: decoding stops at 100 bytes, which are right.
      assert.ok(r.ok && r.value.equals(plain.subarray(0, 100)), what);
      continue;
    }
    assert.ok(!r.ok && r.error instanceof InputError, what);
  }
});

test('fuzz: mutated UCL streams never throw and stay fast', () => {
  const started = Date.now();
  let okCount = 0;
  let errors = 0;
  for (const [i, [algo, bits, name]] of rows.entries()) {
    for (const m of mutations(fx(name).subarray(0, 3000), 150, 40 + i)) {
      const r = nrvDecode(algo, bits, m, 1 << 20, 8192, 'f');
      if (r.ok) okCount++;
      else {
        assert.ok(r.error instanceof InputError);
        errors++;
      }
    }
  }
  assert.ok(errors > 0, `ok=${okCount} errors=${errors}`);
  assert.ok(Date.now() - started < 10_000);
});
