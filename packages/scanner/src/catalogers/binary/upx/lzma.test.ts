import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '@bulwark/core';
import { mutations } from '../../test-kit.js';
import { lzmaDecode, upxLzmaProps } from './lzma.js';

const fx = (name: string): Buffer => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
// Real UPX 5.02 blocks cut from the Trivy build (fixtures/make-fixtures.py): b_info (12 bytes) then the stream.
const head = fx('trivy.upx-head.bin');
const data = fx('trivy.upx-data.bin');
const ehdrBlock = head.subarray(0x19c + 12);
const dataStream = data.subarray(12);
/** sha256 of the first 38,000 bytes of that data segment as liblzma (Python's lzma module) decodes the same prefix. */
const LIBLZMA_SHA256 = 'ff9667ff7ef0d9992ead90b97afa822521a2f3f6faafeff8b192b76b4472cbab';

test("UPX's 2-byte LZMA header: lc=3 lp=0 pb=2 as UPX writes it; inconsistent headers refused", () => {
  assert.deepEqual(upxLzmaProps(ehdrBlock), { lc: 3, lp: 0, pb: 2 });
  assert.deepEqual(upxLzmaProps(dataStream), { lc: 3, lp: 0, pb: 2 });
  assert.equal(upxLzmaProps(Buffer.from([0x22, 0x03, 0])), undefined, '(lc+lp) << 3 disagrees');
  assert.equal(upxLzmaProps(Buffer.from([0x4d, 0x09, 0])), undefined, 'lc=9');
  assert.equal(upxLzmaProps(Buffer.from([0x1a])), undefined, 'too short');
});

test('real block: the original ELF header and program headers of Trivy (131 bytes -> 400)', () => {
  assert.equal(head.readUInt32LE(0x19c), 400);
  assert.equal(head.readUInt32LE(0x19c + 4), 131);
  const r = lzmaDecode(ehdrBlock, 2, upxLzmaProps(ehdrBlock)!, 400, 400, 't');
  assert.ok(r.ok);
  const h = r.value;
  assert.deepEqual([...h.subarray(0, 7)], [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 'ELF64 LSB');
  assert.equal(h.readUInt16LE(18), 62, 'x86-64');
  assert.equal(h.readUInt16LE(56), 6, 'six program headers');
  assert.equal(h.readBigUInt64LE(64 + 56 * 4 + 8), 194359296n, 'data segment p_offset');
});

test('real block prefix: the first 38,000 bytes of the data segment equal what liblzma decodes', () => {
  const r = lzmaDecode(dataStream, 2, upxLzmaProps(dataStream)!, 4874336, 38000, 't');
  assert.ok(r.ok);
  assert.equal(r.value.length, 38000);
  assert.equal(createHash('sha256').update(r.value).digest('hex'), LIBLZMA_SHA256);
  assert.equal(r.value.toString('latin1', 0, 14), '\xff Go buildinf:');
  assert.match(r.value.toString('latin1', 32, 41), /go1\.25\.4/);
});

test('truncated and corrupt streams are InputErrors', () => {
  const props = upxLzmaProps(dataStream)!;
  const cut = lzmaDecode(dataStream.subarray(0, 2000), 2, props, 4874336, 38000, 't');
  assert.ok(!cut.ok && cut.error instanceof InputError && /truncated/.test(cut.error.message));
  const notZero = Buffer.from(ehdrBlock);
  notZero[2] = 1;
  const r = lzmaDecode(notZero, 2, props, 400, 400, 't');
  assert.ok(!r.ok && /zero byte/.test(r.error.message));
  assert.ok(!lzmaDecode(ehdrBlock.subarray(0, 5), 2, props, 400, 400, 't').ok);
});

test('fuzz: mutated real streams never throw and stay fast', () => {
  const started = Date.now();
  let okCount = 0;
  let errors = 0;
  for (const seed of [ehdrBlock, dataStream.subarray(0, 4096)]) {
    for (const m of mutations(seed, 400, seed.length)) {
      const props = upxLzmaProps(m) ?? { lc: 3, lp: 0, pb: 2 };
      const r = lzmaDecode(m, 2, props, 1 << 20, 8192, 'f');
      if (r.ok) okCount++;
      else {
        assert.ok(r.error instanceof InputError);
        errors++;
      }
    }
  }
  assert.ok(okCount > 0 && errors > 0, `ok=${okCount} errors=${errors}`);
  assert.ok(Date.now() - started < 10_000);
});
