import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, LimitError } from '@bulwark/core';
import { findSection, parseElf, readVirtual, sectionData } from './elf.js';
import { writeElf } from './elf-writer.js';
import { localFile, mutations } from '../test-kit.js';

const sample = (bits: 32 | 64, littleEndian: boolean): Buffer =>
  writeElf(
    [
      { name: '.text', data: Buffer.from('code-bytes'), addr: 0x401000, segmentFlags: 5 },
      { name: '.go.buildinfo', data: Buffer.from('hello, buildinfo'), addr: 0x402000 },
      { name: '.comment', data: Buffer.from('GCC: (Debian 12.2.0-14) 12.2.0\0') },
    ],
    { bits, littleEndian },
  );

test('ELF32/ELF64, LE/BE: header, sections by name, segments, virtual reads', () => {
  for (const [bits, le] of [[64, true], [64, false], [32, true], [32, false]] as const) {
    const r = parseElf(sample(bits, le), 'x');
    assert.ok(r.ok, `${bits} ${le}`);
    const elf = r.value;
    assert.equal(elf.bits, bits);
    assert.equal(elf.littleEndian, le);
    assert.deepEqual(elf.sections.map((s) => s.name), ['', '.text', '.go.buildinfo', '.comment', '.shstrtab']);
    assert.equal(elf.programs.length, 2);
    const bi = findSection(elf, '.go.buildinfo')!;
    const data = sectionData(elf, bi);
    assert.ok(data.ok);
    assert.equal(data.value.toString(), 'hello, buildinfo');
    assert.equal(readVirtual(elf, 0x402007, 9)?.toString(), 'buildinfo');
    assert.equal(readVirtual(elf, 0x402007, 100), undefined, 'reads past a segment are refused');
    assert.equal(readVirtual(elf, 0x10, 4), undefined, 'unmapped address');
  }
});

test('hostile headers are InputErrors: magic, class, truncation, tables past the end, huge counts', () => {
  const good = sample(64, true);
  const rows: [string, Buffer, RegExp][] = [
    ['not elf', Buffer.from('#!/bin/sh\n'), /ELF magic/],
    ['bad class', Buffer.concat([good.subarray(0, 4), Buffer.from([9]), good.subarray(5)]), /EI_CLASS/],
    ['truncated header', good.subarray(0, 30), /e_/],
    ['section table cut', good.subarray(0, good.length - 10), /e_shoff/],
  ];
  for (const [name, bytes, msg] of rows) {
    const r = parseElf(bytes, 'h');
    assert.ok(!r.ok, name);
    assert.ok(r.error instanceof InputError, name);
    assert.match(r.error.message, msg, name);
  }
  const many = Buffer.from(good);
  many.writeUInt16LE(0xfff0, 60); // e_shnum
  const r = parseElf(many, 'h', { maxSections: 1000 });
  assert.ok(!r.ok && r.error instanceof LimitError);
  const over = Buffer.from(good);
  over.writeBigUInt64LE(0xffffffffffffffffn, 40); // e_shoff
  const r2 = parseElf(over, 'h');
  assert.ok(!r2.ok && /2\^53/.test(r2.error.message));
});

test('fuzz: seeded mutations of ELF32/64 files never throw, never hang', () => {
  const started = Date.now();
  let okCount = 0;
  let errors = 0;
  for (const [i, seed] of [sample(64, true), sample(32, false)].entries()) {
    for (const m of mutations(seed, 1500, 100 + i)) {
      const r = parseElf(m, 'f');
      if (!r.ok) {
        assert.ok(r.error instanceof InputError);
        errors++;
        continue;
      }
      okCount++;
      for (const s of r.value.sections) sectionData(r.value, s);
      readVirtual(r.value, 0x402000, 16);
    }
  }
  assert.ok(okCount > 100 && errors > 100, `ok=${okCount} errors=${errors}`);
  assert.ok(Date.now() - started < 10_000);
});

test('real: this machine\'s node binary parses with its sections', (t) => {
  const node = localFile(process.execPath);
  if (!node) return t.skip('node binary unreadable');
  const r = parseElf(node, process.execPath);
  assert.ok(r.ok);
  for (const name of ['.text', '.rodata', '.data', '.dynsym']) assert.ok(findSection(r.value, name), name);
  assert.ok(r.value.programs.some((p) => p.type === 1));
});
