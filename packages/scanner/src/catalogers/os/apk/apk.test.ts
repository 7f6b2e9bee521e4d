import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { apk } from './apk.js';
import { assertGolden, assertOverMaxBytes, catalogErr, catalogOk, fuzzCataloger } from '../../test-kit.js';

const fx = (name: string): Buffer => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
const golden = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;
const PATH = '/lib/apk/db/installed';

test('installed database (golden)', () => {
  const r = catalogOk(apk, PATH, fx('installed'));
  assert.deepEqual(
    r.packages.map((p) => `${p.name}@${p.version}`),
    ['alpine-baselayout-data@3.4.3-r1', 'libssl3@3.1.2-r0', 'musl@1.2.4-r1', 'musl-utils@1.2.4-r1', 'ssl_client@1.36.1-r2', 'zlib@1.2.13-r1'],
  );
  assertGolden(r, golden('installed.expected.json'));
});

test('fields: origin, arch, licenses, purl', () => {
  const pkgs = catalogOk(apk, PATH, fx('installed')).packages;
  const libssl = pkgs.find((p) => p.name === 'libssl3');
  assert.deepEqual(libssl?.source, { name: 'openssl', version: '3.1.2-r0' });
  assert.equal(libssl?.purl, 'pkg:apk/alpine/libssl3@3.1.2-r0?arch=aarch64');
  assert.equal(libssl?.ecosystem, 'Alpine');
  assert.deepEqual(pkgs.find((p) => p.name === 'musl-utils')?.licenses, ['MIT AND BSD-2-Clause AND GPL-2.0-or-later']);
  // Before Alpine 3.17 licenses were space-separated names.
  assert.deepEqual(catalogOk(apk, PATH, 'P:musl-utils\nV:1.1.24-r0\nL:MIT BSD GPL2+\n').packages[0].licenses, ['MIT', 'BSD', 'GPL2+']);
  assert.deepEqual(catalogOk(apk, PATH, 'P:a\nV:1-r0\n').packages[0].source, { name: 'a', version: '1-r0' }, 'no origin: own name');
});

test('matches the installed database only', () => {
  const info = { size: 1, mode: 0o644 };
  assert.ok(apk.matches('/lib/apk/db/installed', info));
  assert.ok(!apk.matches('/lib/apk/db/installed.old', info));
  assert.ok(!apk.matches('/lib/apk/db/scripts.tar', info));
});

test('hostile siblings: truncated keeps whole records, binary and foreign files fail, over maxBytes', () => {
  const t = catalogOk(apk, PATH, fx('truncated.installed'));
  assert.ok(t.packages.length >= 1 && t.packages.length < 6);
  catalogErr(apk, PATH, fx('not-text.bin'));
  catalogErr(apk, PATH, fx('not-apk.status'));
  assertOverMaxBytes(apk, PATH);
});

test('fuzz: mutations of the real database never throw', () => {
  fuzzCataloger(apk, PATH, fx('installed'), 300, 31);
});
