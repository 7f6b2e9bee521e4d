import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LimitError } from '@bulwark/core';
import { assertGolden, catalogErr, catalogOk, fuzzCataloger } from '../../test-kit.js';
import { javaRuntime, parseRelease } from './java.js';

const fx = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;
const read = (name: string): Buffer => readFileSync(fx(name));

test('real release files: Temurin 25 and Debian OpenJDK 17 (golden)', () => {
  const a = catalogOk(javaRuntime, '/opt/java/openjdk/release', read('temurin-25.release'), 0o644).packages;
  const b = catalogOk(javaRuntime, '/usr/lib/jvm/java-17-openjdk-amd64/release', read('debian-openjdk-17.release'), 0o644).packages;
  assert.deepEqual([a[0].version, a[0].metadata?.implementor, a[0].purl], ['25.0.3', 'Eclipse Adoptium', 'pkg:generic/openjdk@25.0.3']);
  assert.deepEqual([b[0].version, b[0].metadata?.runtimeVersion], ['17.0.15', '17.0.15+6-Debian-1deb12u1']);
  assertGolden([...a, ...b], fx('release.expected.json'));
});

test('release syntax: quoted, single-quoted, bare values', () => {
  const m = parseRelease('JAVA_VERSION="1.8.0_392"\nOS_NAME=Linux\nX=\'a b\'\nnot a line\n');
  assert.deepEqual([...m], [['JAVA_VERSION', '1.8.0_392'], ['OS_NAME', 'Linux'], ['X', 'a b']]);
});

test('matches release files under JDK/JRE folders only', () => {
  const rows: [string, boolean][] = [
    ['/usr/lib/jvm/java-17-openjdk-amd64/release', true],
    ['/opt/java/openjdk/release', true],
    ['/usr/local/jdk-21/release', true],
    ['/etc/release', false],
    ['/usr/lib/jvm/java-17-openjdk-amd64/lib/release.txt', false],
  ];
  for (const [p, want] of rows) assert.equal(javaRuntime.matches(p, { size: 1000, mode: 0o644 }), want, p);
});

test('hostile siblings: other "release" files, bad versions, binary, too big; fuzz', () => {
  assert.equal(catalogOk(javaRuntime, '/opt/java/release', Buffer.from('VERSION=1\n'), 0o644).packages.length, 0);
  catalogErr(javaRuntime, '/opt/java/release', Buffer.from('JAVA_VERSION="$(rm -rf /)"\n'), 0o644);
  catalogErr(javaRuntime, '/opt/java/release', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), 0o644);
  assert.ok(catalogErr(javaRuntime, '/opt/java/release', Buffer.alloc(70 * 1024, 0x41), 0o644) instanceof LimitError);
  const r = fuzzCataloger(javaRuntime, '/opt/java/release', read('temurin-25.release'), 400, 6);
  assert.ok(r.ok > 0 && r.errors > 0, JSON.stringify(r));
});
