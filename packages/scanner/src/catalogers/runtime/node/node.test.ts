import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeElf } from '../../binary/elf-writer.js';
import { assertGolden, catalogOk, fuzzCataloger, localFile } from '../../test-kit.js';
import { nodeRuntime, nodeVersion } from './node.js';

const fx = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;
// 1 KB of .rodata around the version marker of Node v20.20.2's executable.
const excerpt = readFileSync(fx('node-v20.20.2.rodata.bin'));
const elf = writeElf([{ name: '.rodata', data: excerpt, addr: 0x1000, segmentFlags: 4 }]);

test('node executable excerpt: version from "node.js/v…" (golden)', () => {
  const { packages } = catalogOk(nodeRuntime, '/usr/local/bin/node', elf);
  assert.deepEqual([packages[0].name, packages[0].version, packages[0].purl, packages[0].ecosystem], ['node', '20.20.2', 'pkg:generic/node@20.20.2', 'Node.js']);
  assertGolden(packages, fx('node.expected.json'));
});

test('real: this process\'s node binary reports process.version', (t) => {
  const bin = localFile(process.execPath);
  if (!bin) return t.skip('node binary unreadable');
  const started = Date.now();
  const { packages } = catalogOk(nodeRuntime, '/usr/bin/node', bin);
  t.diagnostic(`node ${bin.length} bytes scanned in ${Date.now() - started} ms`);
  assert.deepEqual(packages.map((p) => `v${p.version}`), [process.version]);
});

test('versions: table', () => {
  const rows: [string, string | undefined][] = [
    ['\0node.js/v18.19.0\0', '18.19.0'],
    ['xxnode.js/v22.1.0 (something)', '22.1.0'],
    ['node.js/vX.1.0 then node.js/v16.20.2\0', '16.20.2'],
    ['node.js/v1.2', undefined],
    ['node.js/v1.2.3.4', undefined],
    ['', undefined],
  ];
  for (const [s, want] of rows) assert.equal(nodeVersion(Buffer.from(s, 'latin1')), want, JSON.stringify(s));
});

test('matches node/nodejs executables and libnode', () => {
  const rows: [string, number, boolean][] = [
    ['/usr/bin/node', 0o755, true],
    ['/usr/bin/nodejs', 0o755, true],
    ['/usr/lib/x86_64-linux-gnu/libnode.so.108', 0o644, true],
    ['/srv/web/node', 0o644, false],
    ['/usr/bin/nodemon', 0o755, false],
  ];
  for (const [p, mode, want] of rows) assert.equal(nodeRuntime.matches(p, { mode, size: 90_000_000 }), want, p);
});

test('hostile: scripts named node, empty files, fuzz', () => {
  assert.equal(catalogOk(nodeRuntime, '/usr/bin/node', Buffer.from('#!/bin/sh\nexec /opt/node/bin/node "$@"\n')).packages.length, 0);
  assert.equal(catalogOk(nodeRuntime, '/usr/bin/node', Buffer.alloc(0)).packages.length, 0);
  const r = fuzzCataloger(nodeRuntime, '/usr/bin/node', elf, 300, 9);
  assert.ok(r.ok === 300, 'a scan for a marker has no error path');
});
