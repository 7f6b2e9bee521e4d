import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeElf } from '../../binary/elf-writer.js';
import { assertGolden, catalogOk, fuzzCataloger, labImageFiles, localFile } from '../../test-kit.js';
import { pythonRuntime, pythonVersion } from './python.js';

const fx = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;
// 1 KB of .rodata around PY_VERSION in Debian 12's /usr/bin/python3.11 (3.11.2-6+deb12u6).
const excerpt = readFileSync(fx('python3.11.2.rodata.bin'));
const elf = writeElf([{ name: '.rodata', data: excerpt, addr: 0x1000, segmentFlags: 4 }]);

test('interpreter excerpt: PY_VERSION matching the file name series (golden)', () => {
  const { packages } = catalogOk(pythonRuntime, '/usr/bin/python3.11', elf);
  assert.deepEqual([packages[0].name, packages[0].version, packages[0].purl], ['python', '3.11.2', 'pkg:generic/python@3.11.2']);
  assertGolden(packages, fx('python.expected.json'));
});

test('versions: the series filters out bundled libraries\' version strings', () => {
  const blob = (s: string): Buffer => Buffer.from(s, 'latin1');
  const rows: [string, string, string | undefined][] = [
    ['\x002.5.0\x00\x003.12.1\x00', 'python3.12', '3.12.1'],
    ['\x003.2.0\x00\x003.11.2\x00', 'python3', undefined],
    ['\x003.2.0\x00\x003.11.2\x00.cpython-311-x86_64-linux-gnu.so\x00', 'python3', '3.11.2'],
    ['\x003.2.0\x00\x003.9.2\x00cpython-39\x00', 'python3', '3.9.2'],
    ['\x003.13.0rc2\x00', 'libpython3.13.so.1.0', '3.13.0rc2'],
    ['\x002.7.18\x00', 'python2.7', '2.7.18'],
    ['\x003.10.12+\x00', 'python3.10', '3.10.12'],
    ['3.11.2', 'python3.11', undefined],
  ];
  for (const [s, name, want] of rows) assert.equal(pythonVersion(blob(s), name), want, `${name} ${JSON.stringify(s)}`);
});

test('real: this machine\'s /usr/bin/python3.11 and the lab image\'s python3.11', async (t) => {
  const local = localFile('/usr/bin/python3.11');
  if (local) assert.deepEqual(catalogOk(pythonRuntime, '/usr/bin/python3.11', local).packages.map((p) => p.version), ['3.11.2']);
  else t.diagnostic('no /usr/bin/python3.11 here');
  const lab = (await labImageFiles(['/usr/bin/python3.11'])).get('/usr/bin/python3.11')!;
  assert.deepEqual(catalogOk(pythonRuntime, '/usr/bin/python3.11', lab).packages.map((p) => p.version), ['3.11.2']);
  assert.deepEqual(catalogOk(pythonRuntime, '/usr/bin/python3', lab).packages.map((p) => p.version), ['3.11.2'], 'series from the cpython ABI tag inside');
});

test('matches interpreters and libpython, not python scripts or configs', () => {
  const rows: [string, number, boolean][] = [
    ['/usr/bin/python3.11', 0o755, true],
    ['/usr/bin/python3', 0o755, true],
    ['/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0', 0o644, true],
    ['/usr/bin/python3.11-config', 0o755, false],
    ['/usr/bin/python3.11', 0o644, false],
    ['/usr/lib/python3.11/os.py', 0o644, false],
  ];
  for (const [p, mode, want] of rows) assert.equal(pythonRuntime.matches(p, { mode, size: 6_000_000 }), want, p);
});

test('hostile: scripts, venv shims, fuzz', () => {
  assert.equal(catalogOk(pythonRuntime, '/venv/bin/python3', Buffer.from('#!/bin/sh\n\x003.11.2\x00\n')).packages.length, 0);
  const r = fuzzCataloger(pythonRuntime, '/usr/bin/python3.11', elf, 300, 4);
  assert.ok(r.ok === 300);
});
