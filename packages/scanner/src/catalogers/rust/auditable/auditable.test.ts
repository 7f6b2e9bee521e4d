import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { LimitError } from '@bulwark/core';
import { writeElf } from '../../binary/elf-writer.js';
import { assertGolden, catalogErr, catalogOk, fuzzCataloger, labImageFiles } from '../../test-kit.js';
import { originalElf, packUpx } from '../../binary/upx/upx-writer.js';
import { rustAuditable } from './auditable.js';

const fx = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;

/** An executable as `cargo auditable build` leaves it: the zlib stream of the JSON in a `.dep-v0` section. */
function auditableElf(json: Buffer | string, opts: { bits?: 32 | 64; littleEndian?: boolean } = {}): Buffer {
  return writeElf(
    [
      { name: '.text', data: Buffer.alloc(32, 0xc3), addr: 0x1000, segmentFlags: 5 },
      { name: '.dep-v0', data: deflateSync(json, { level: 9 }), addr: 0x3000, segmentFlags: 4 },
    ],
    opts,
  );
}

const hello = readFileSync(fx('hello.dep-v0.json'));

test('dep-v0 JSON per the cargo-auditable schema: every crate, kind, source, root, dependency names (golden)', () => {
  const { packages } = catalogOk(rustAuditable, '/usr/local/bin/hello', auditableElf(hello));
  assert.equal(packages.length, 8);
  const regex = packages.find((p) => p.name === 'regex')!;
  assert.deepEqual([regex.version, regex.type, regex.ecosystem, regex.purl], ['1.10.2', 'cargo', 'crates.io', 'pkg:cargo/regex@1.10.2']);
  assert.deepEqual(regex.metadata?.dependencies, ['aho-corasick@1.1.2', 'memchr@2.6.4', 'regex-syntax@0.8.2']);
  assert.equal(packages.find((p) => p.name === 'cc')?.metadata?.kind, 'build');
  assert.equal(packages.find((p) => p.name === 'hello-auditable')?.metadata?.root, true);
  assert.equal(packages.find((p) => p.name === 'smallvec')?.metadata?.source, 'git');
  assertGolden(packages, fx('hello.expected.json'));
});

test('ELF32 big-endian carries the same data', () => {
  const a = catalogOk(rustAuditable, '/b', auditableElf(hello, { bits: 32, littleEndian: false })).packages;
  const b = catalogOk(rustAuditable, '/b', auditableElf(hello)).packages;
  assert.deepEqual(a, b);
});

test('binaries without the section give nothing (real C binary from the lab image, scripts)', async () => {
  const files = await labImageFiles(['/usr/bin/python3.11']);
  assert.equal(catalogOk(rustAuditable, '/usr/bin/python3.11', files.get('/usr/bin/python3.11')!).packages.length, 0);
  assert.equal(catalogOk(rustAuditable, '/x.sh', Buffer.from('#!/bin/sh\necho hi\n')).packages.length, 0);
});

test('hostile siblings: not zlib, truncated JSON, missing version, zlib bomb, deep nesting', () => {
  const notZlib = writeElf([{ name: '.dep-v0', data: Buffer.from('{"packages":[]}'), addr: 0x1000 }]);
  assert.match(catalogErr(rustAuditable, '/a', notZlib).message, /zlib/);
  assert.match(catalogErr(rustAuditable, '/a', auditableElf(readFileSync(fx('truncated.dep-v0.json')))).message, /JSON/);
  assert.match(catalogErr(rustAuditable, '/a', auditableElf(readFileSync(fx('no-version.dep-v0.json')))).message, /packages\[0\]/);
  const bomb = auditableElf(Buffer.concat([Buffer.from('{"packages":[],"pad":"'), Buffer.alloc(9 * 1024 * 1024, 0x61), Buffer.from('"}')]));
  assert.ok(bomb.length < 64 * 1024, 'bomb is small compressed');
  assert.ok(catalogErr(rustAuditable, '/a', bomb) instanceof LimitError);
  const deep = auditableElf('{"packages":' + '['.repeat(5000) + ']'.repeat(5000) + '}');
  assert.ok(catalogErr(rustAuditable, '/a', deep) instanceof LimitError);
});

test('matches executables and shared objects of plausible size', () => {
  assert.equal(rustAuditable.matches('/usr/bin/rg', { mode: 0o755, size: 5_000_000 }), true);
  assert.equal(rustAuditable.matches('/usr/lib/libfoo.so', { mode: 0o644, size: 5_000_000 }), true);
  assert.equal(rustAuditable.matches('/etc/passwd', { mode: 0o644, size: 900 }), false);
});

test('fuzz: mutated auditable ELF never throws', () => {
  const r = fuzzCataloger(rustAuditable, '/f', auditableElf(hello), 600, 5);
  assert.ok(r.ok > 0 && r.errors > 0, JSON.stringify(r));
});

/** A packed auditable program: `.dep-v0` is a non-allocated section, kept by UPX in the gap after the segments. */
function packedAuditable(json: Buffer | string, bits: 32 | 64 = 64): Buffer {
  return packUpx(
    originalElf({
      bits,
      segments: [
        { flags: 5, vaddr: 0x401000, data: Buffer.alloc(700, 0xc3) },
        { flags: 6, vaddr: 0x600000, data: Buffer.alloc(100, 1) },
      ],
      sections: [{ name: '.dep-v0', data: deflateSync(json, { level: 9 }) }],
    }),
    { blockSize: 512 },
  );
}

test('UPX-packed: .dep-v0 read from the unpacked gap after the segments, packages marked packer "upx"', () => {
  const plain = catalogOk(rustAuditable, '/usr/local/bin/hello', auditableElf(hello)).packages;
  for (const bits of [64, 32] as const) {
    const packed = catalogOk(rustAuditable, '/usr/local/bin/hello', packedAuditable(hello, bits)).packages;
    assert.deepEqual(packed, plain.map((p) => ({ ...p, metadata: { ...p.metadata, packer: 'upx' } })));
  }
  assert.equal(rustAuditable.version, 2);
  const noSection = packUpx(originalElf({ segments: [{ flags: 5, vaddr: 0x401000, data: Buffer.alloc(300, 0xc3) }] }));
  assert.equal(catalogOk(rustAuditable, '/bin/x', noSection).packages.length, 0, 'packed without .dep-v0: nothing');
  const f = fuzzCataloger(rustAuditable, '/bin/h', packedAuditable(hello), 300, 31, 0o755);
  assert.ok(f.ok > 0 && f.errors > 0, JSON.stringify(f));
});
