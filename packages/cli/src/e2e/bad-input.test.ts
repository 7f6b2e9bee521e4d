// Acceptance: bad input never crashes and never writes outside a temporary directory; each case gives one clear
// error line naming the input and a non-zero exit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { dockerArchive, tarOf } from '../../../scanner/src/artifact/test-support/image-builder.js';
import { runCli } from './run-cli.js';

let work: string;
let goodArchive: Buffer;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulwark-bad-input-'));
  const layer = await tarOf([
    { path: 'etc/' },
    { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
  ]);
  goodArchive = await dockerArchive({ layers: [layer] });
});
after(() => rmSync(work, { recursive: true, force: true }));

function scanFails(file: string, args: string[] = []): { stderr: string } {
  const cwdBefore = readdirSync(work).sort();
  const r = runCli(['scan', 'image', file, '--skip-db', '--no-cache', ...args], { cwd: work });
  assert.notEqual(r.status, 0, `expected a non-zero exit for ${file}; stdout: ${r.stdout.slice(0, 300)}`);
  assert.ok(r.status === 2 || r.status === 3, `exit ${r.status} is a typed error, not a crash: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one error line, got: ${r.stderr}`);
  assert.match(lines[0]!, /^bulwark: error: /);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, 'no stack trace');
  assert.deepEqual(readdirSync(work).sort(), cwdBefore, 'nothing written in the working directory');
  return { stderr: r.stderr };
}

test('a good archive scans (the baseline the hostile cases are cut from)', () => {
  const file = join(work, 'good.tar');
  writeFileSync(file, goodArchive);
  const r = runCli(['scan', 'image', file, '--skip-db', '--no-cache', '--format', 'json'], { cwd: work });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).os.id, 'debian');
});

test('truncated tar', () => {
  const file = join(work, 'truncated.tar');
  writeFileSync(file, goodArchive.subarray(0, Math.floor(goodArchive.length / 2) + 100));
  assert.match(scanFails(file).stderr, /truncated\.tar/);
});

test('corrupt gzip', () => {
  const gz = gzipSync(goodArchive);
  gz[Math.floor(gz.length / 2)] ^= 0xff;
  gz[Math.floor(gz.length / 2) + 1] ^= 0xff;
  const file = join(work, 'corrupt.tar.gz');
  writeFileSync(file, gz);
  assert.match(scanFails(file).stderr, /corrupt\.tar\.gz/);
});

test('tar entries with ../ and absolute paths never escape', async () => {
  const escape = join(tmpdir(), `bulwark-escape-${process.pid}`);
  const layer = await tarOf([
    { path: '../../../../../../..' + escape, content: 'owned' },
    { path: escape + '-abs', content: 'owned' },
    { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
  ]);
  const file = join(work, 'escape.tar');
  writeFileSync(file, await dockerArchive({ layers: [layer] }));
  const r = runCli(['scan', 'image', file, '--skip-db', '--no-cache', '--format', 'json'], { cwd: work });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(existsSync(escape), false);
  assert.equal(existsSync(escape + '-abs'), false);
});

test('symlink loops end with a warning, not a hang', async () => {
  const layer = await tarOf([
    { path: 'etc/' },
    { path: 'etc/os-release', type: 'symlink', target: 'os-release2' },
    { path: 'etc/os-release2', type: 'symlink', target: 'os-release' },
    { path: 'usr/lib/os-release', content: 'ID=alpine\nVERSION_ID=3.19.1\n' },
  ]);
  const file = join(work, 'loop.tar');
  writeFileSync(file, await dockerArchive({ layers: [layer] }));
  const r = runCli(['scan', 'image', file, '--skip-db', '--no-cache', '--format', 'json'], { cwd: work });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).os.id, 'alpine');
});

test('a layer that decompresses past the size limit', async () => {
  const bomb = gzipSync(await tarOf([{ path: 'big', content: Buffer.alloc(64 * 1024 * 1024) }]));
  const file = join(work, 'bomb.tar');
  writeFileSync(file, await dockerArchive({ layers: [bomb], diffTars: [Buffer.from('x')] }));
  const { stderr } = scanFails(file, ['--max-layer-bytes', String(8 * 1024 * 1024)]);
  assert.match(stderr, /bomb\.tar.*decompresses past 8388608 bytes \(maxLayerBytes\)/);
});

test('a manifest naming a missing blob', async () => {
  const layer = await tarOf([{ path: 'etc/os-release', content: 'ID=debian\n' }]);
  const file = join(work, 'missing-blob.tar');
  writeFileSync(file, await dockerArchive({ layers: [layer], omitLayer: 0 }));
  assert.match(scanFails(file).stderr, /missing-blob\.tar.*(missing|not found|no such)/i);
});

test('not an image at all', () => {
  const file = join(work, 'notes.txt');
  writeFileSync(file, 'hello, not a tar\n');
  assert.match(scanFails(file).stderr, /notes\.txt/);
});

test('an unreachable registry names the host', () => {
  const { stderr } = scanFails('127.0.0.1:9/team/app:1', ['--insecure']);
  assert.match(stderr, /127\.0\.0\.1:9/);
});

test('a missing target and a bad flag value are named', () => {
  const r = runCli(['scan', 'fs', join(work, 'nope'), '--skip-db']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /nope: no such file or directory/);
  const f = runCli(['scan', 'fs', work, '--skip-db', '--format', 'xml']);
  assert.equal(f.status, 2);
  assert.match(f.stderr, /--format: expected one of/);
  const s = runCli(['scan', 'fs', work, '--skip-db', '--severity', 'urgent']);
  assert.equal(s.status, 2);
  assert.match(s.stderr, /unknown severity "urgent"/);
});

test('scanning without a database says how to get one', () => {
  const r = runCli(['scan', 'fs', work, '--db', join(work, 'absent.db')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no vulnerability database at .*absent\.db; run `bulwark db import/);
});
