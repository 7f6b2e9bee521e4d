import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InputError, LimitError } from '@bulwark/core';
import { mutations } from '../../test-kit.js';
import { ensureTrivy } from '../../../../../../scripts/peers/trivy.js';
import { lzmaDecode, upxLzmaProps } from './lzma.js';
import { adler32, isUpxElf, openUpx, readUpxSection } from './upx.js';
import type { UpxImage } from './upx.js';
import { originalElf, packUpx } from './upx-writer.js';

const fx = (name: string): Buffer => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
// Real bytes of the UPX 5.02 Trivy build: its start (stub headers, l_info, p_info, first block) and its end
// (gap blocks, end marker, PackHeader, overlay offset). Together they are a packed file with its middle cut out.
const head = fx('trivy.upx-head.bin');
const tail = fx('trivy.upx-tail.bin');
const dataStream = fx('trivy.upx-data.bin').subarray(12);
const plain16k = (() => {
  const r = lzmaDecode(dataStream, 2, upxLzmaProps(dataStream)!, 4874336, 16384, 'p');
  assert.ok(r.ok);
  return r.value;
})();

function open(data: Buffer, limits = {}): UpxImage {
  const r = openUpx(data, 'p', limits);
  if (!r.ok) assert.fail(r.error.message);
  assert.ok(r.value, 'recognised as UPX');
  return r.value;
}

/** A small program with code, read-only data, data and a non-allocated section after the segments. */
function sample(bits: 32 | 64 = 64): Buffer {
  const text = Buffer.alloc(3000);
  for (let i = 0; i < text.length; i++) text[i] = (i * 7) & 0xff;
  return originalElf({
    bits,
    segments: [
      { flags: 5, vaddr: 0x401000, data: text },
      { flags: 4, vaddr: 0x600100, data: Buffer.from('read-only strings '.repeat(100)) },
      { flags: 6, vaddr: 0x800200, data: plain16k },
    ],
    sections: [{ name: '.note.test', data: Buffer.from('after the last segment') }],
  });
}

test('real: the ends of the Trivy build give its PackHeader and refuse the cut file with typed errors', () => {
  const cut = Buffer.concat([head, tail]);
  assert.ok(isUpxElf(cut));
  const r = openUpx(cut, '/trivy');
  assert.ok(!r.ok && r.error instanceof LimitError, '199 MB from 819 bytes is over the ratio limit');
  assert.match(r.error.message, /maxRatio=64/);
  const r2 = openUpx(cut, '/trivy', { maxRatio: 1e9 });
  assert.ok(!r2.ok && r2.error instanceof InputError && !(r2.error instanceof LimitError));
  assert.match(r2.error.message, /b_info of PT_LOAD\[0\]/);
  assert.ok(!isUpxElf(head), 'no PackHeader at the end');
  assert.equal(adler32(Buffer.from('Wikipedia')), 0x11e60398, 'Adler-32 test vector');
});

test('packed layouts (loader between or at the end, ELF64/ELF32, small blocks): reads equal the original', () => {
  for (const [bits, loader, blockSize] of [[64, 'between', 1024], [64, 'end', 0x40000], [32, 'between', 700], [32, 'end', 4096]] as const) {
    const orig = sample(bits);
    const img = open(packUpx(orig, { loader, blockSize }));
    const what = `${bits} ${loader} ${blockSize}`;
    assert.equal(img.bits, bits, what);
    assert.equal(img.complete, true, what);
    assert.equal(img.header.originalSize, orig.length);
    assert.deepEqual(img.programs.map((p) => p.flags), [5, 4, 6], what);
    for (const [off, len] of [[0, 64], [1000, 5000], [orig.length - 30, 30], [orig.length - 5000, 5000]]) {
      const r = img.read(off, len);
      assert.ok(r.ok && r.value?.equals(orig.subarray(off, off + len)), `${what}: read ${off}+${len}`);
    }
    assert.deepEqual(img.read(orig.length - 2, 5), { ok: true, value: undefined }, 'past the end');
    const data = img.readVirtual(0x800200, 14);
    assert.ok(data.ok && data.value?.toString('latin1') === '\xff Go buildinf:', what);
    const u = img.unpack();
    assert.ok(u.ok && u.value.data.equals(orig) && u.value.filtered.length === 0, what);
    const note = readUpxSection(img, '.note.test');
    assert.ok(note.ok && note.value?.toString() === 'after the last segment', what);
    assert.deepEqual(readUpxSection(img, '.dep-v0'), { ok: true, value: undefined });
  }
});

test('NRV2B/2D/2E blocks (real UCL streams) inside a packed file decode through the container', () => {
  for (const [method, name] of [[2, 'data-16k.nrv2b_le32.bin'], [6, 'data-16k.nrv2d_8.bin'], [8, 'data-16k.nrv2e_le32.bin'], [9, 'data-16k.nrv2e_8.bin']] as const) {
    const orig = sample();
    const packed = packUpx(orig, { compress: (p) => (p.equals(plain16k) ? { method, packed: fx(name) } : undefined) });
    assert.ok(packed.length < orig.length, 'the data segment is compressed');
    const img = open(packed);
    assert.ok(img.blocks.some((b) => b.method === method && b.packedSize < b.size), name);
    const u = img.unpack();
    assert.ok(u.ok && u.value.data.equals(orig), name);
  }
});

test('hostile: checksums, headers, limits, unknown methods are typed errors; non-UPX is undefined', () => {
  const orig = sample();
  const good = packUpx(orig, { blockSize: 2048 });
  const ph = good.length - 36;
  const rows: [string, (b: Buffer) => void, RegExp][] = [
    ['u_adler', (b) => b.writeUInt32LE((b.readUInt32LE(ph + 8) ^ 1) >>> 0, ph + 8), /PackHeader|checksum/],
    ['l_info magic', (b) => b.write('UPY!', 64 + 4, 'latin1'), /l_magic/],
    ['format', (b) => void (b[ph + 5] = 9), /format/],
    ['p_filesize', (b) => b.writeUInt32LE(orig.length + 1, 64 + 12 + 4), /p_filesize/],
    ['b_info sz_cpr > sz_unc', (b) => b.writeUInt32LE(5000, 64 + 24 + 4), /sz_cpr/],
  ];
  for (const [what, mutate, msg] of rows) {
    const b = Buffer.from(good);
    mutate(b);
    let sum = 0;
    for (let i = 4; i < 31; i++) sum += b[ph + i];
    b[ph + 31] = sum % 251; // keep the PackHeader's own checksum valid
    const r = openUpx(b, 'h');
    const e = !r.ok ? r.error : r.value?.unpack().ok === false ? (r.value.unpack() as { error: InputError }).error : undefined;
    assert.ok(e instanceof InputError, `${what}: an InputError`);
    assert.match(e.message, msg, what);
  }
  const badSum = Buffer.from(good);
  badSum[ph + 31] ^= 1;
  assert.deepEqual(openUpx(badSum, 'h'), { ok: true, value: undefined }, 'a PackHeader with a bad checksum is not UPX');
  assert.deepEqual(openUpx(orig, 'h'), { ok: true, value: undefined }, 'plain ELF');
  assert.deepEqual(openUpx(Buffer.from('#!/bin/sh\nUPX!'), 'h'), { ok: true, value: undefined });
  const big = openUpx(good, 'h', { maxUnpackedBytes: 1000 });
  assert.ok(!big.ok && big.error instanceof LimitError);
  const method = packUpx(orig, { compress: (p) => (p.equals(plain16k) ? { method: 77, packed: fx('data-16k.nrv2e_le32.bin') } : undefined) });
  const img = open(method);
  const seg = img.programs[2];
  const r = img.read(seg.offset, 10);
  assert.ok(!r.ok && /b_method/.test(r.error.message));
  assert.ok(img.read(0, 10).ok, 'other blocks stay readable');
});

test('fuzz: mutated packed files (stored and NRV2E blocks) never throw, never hang', () => {
  const orig = sample();
  const seeds = [
    packUpx(orig, { blockSize: 4096 }),
    packUpx(orig, { compress: (p) => (p.equals(plain16k) ? { method: 8, packed: fx('data-16k.nrv2e_le32.bin') } : undefined) }),
  ];
  const started = Date.now();
  let opened = 0;
  let errors = 0;
  for (const [i, seed] of seeds.entries()) {
    for (const m of mutations(seed, 500, 70 + i)) {
      const r = openUpx(m, 'f');
      if (!r.ok) {
        assert.ok(r.error instanceof InputError);
        errors++;
        continue;
      }
      if (!r.value) continue;
      opened++;
      for (const p of r.value.programs) r.value.read(p.offset, Math.min(p.filesz, 20000));
      r.value.readVirtual(0x800200, 64);
      readUpxSection(r.value, '.note.test');
      const u = r.value.unpack();
      if (!u.ok) assert.ok(u.error instanceof InputError);
    }
  }
  assert.ok(opened > 50 && errors > 50, `opened=${opened} errors=${errors}`);
  assert.ok(Date.now() - started < 20_000);
});

test('real: the UPX 5.02 Trivy build unpacks lazily and completely, matching the packer\'s Adler-32 sums', (t) => {
  const data = readFileSync(ensureTrivy());
  let started = performance.now();
  const img = open(data);
  const seg = img.programs.find((p) => p.type === 1 && p.flags === 6)!;
  const front = img.read(seg.offset, 64 * 1024);
  const lazyMs = performance.now() - started;
  assert.ok(front.ok && front.value?.toString('latin1', 0, 14) === '\xff Go buildinf:');
  assert.deepEqual({ ...img.header }, { version: 14, format: 22, method: 14, level: 9, uncompressedAdler: 0xc2733048, compressedAdler: 0xa3714a39, originalSize: 199237816, filter: 0 });
  assert.deepEqual(img.blocks.map((b) => b.size), [400, 103973441, 90381352, 4874336, 3119, 984, 4184]);
  assert.equal(img.complete, true);
  assert.equal(img.loaderSize, 4324);

  started = performance.now();
  const rss = process.memoryUsage().rss;
  const u = img.unpack();
  const fullMs = performance.now() - started;
  assert.ok(u.ok, u.ok ? '' : u.error.message);
  assert.equal(u.value.data.length, 199237816);
  assert.equal(u.value.data.readUInt16LE(16), 2, 'ET_EXEC');
  t.diagnostic(`trivy ${data.length} B packed: open + 64 KiB of the data segment ${lazyMs.toFixed(0)} ms; full unpack ${fullMs.toFixed(0)} ms, rss +${((process.memoryUsage().rss - rss) / 1e6).toFixed(0)} MB`);
});
