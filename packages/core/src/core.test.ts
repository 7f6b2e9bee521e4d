import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BULWARK_VERSION,
  InputError,
  LimitError,
  baseEcosystem,
  buildPurl,
  compareSeverity,
  isSeverity,
  ecosystemRelease,
  parsePurl,
  parseSeverity,
  severityFromScore,
  withLimits,
} from './index.js';

test('tool version equals the root package.json version', () => {
  const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(BULWARK_VERSION, root.version);
});

test('severity from CVSS score uses the CVSS v3 rating bands', () => {
  const rows: [number, string][] = [[9.8, 'critical'], [9.0, 'critical'], [8.9, 'high'], [7.0, 'high'], [6.9, 'medium'], [4.0, 'medium'], [3.9, 'low'], [0.1, 'low'], [0, 'negligible']];
  for (const [score, want] of rows) assert.equal(severityFromScore(score), want, String(score));
});

test('feed severities map to ours', () => {
  assert.equal(parseSeverity('Moderate'), 'medium');
  assert.equal(parseSeverity('important'), 'high');
  assert.equal(parseSeverity('unimportant'), 'negligible');
  assert.equal(parseSeverity('whatever'), 'unknown');
  assert.equal(parseSeverity(undefined), 'unknown');
  assert.ok(compareSeverity('critical', 'low') < 0);
});

test('ecosystem release is split off distro ecosystems', () => {
  assert.equal(baseEcosystem('Debian:12'), 'Debian');
  assert.equal(baseEcosystem('Ubuntu:22.04:LTS'), 'Ubuntu');
  assert.equal(ecosystemRelease('Ubuntu:22.04:LTS'), '22.04:LTS');
  assert.equal(baseEcosystem('npm'), 'npm');
  assert.equal(ecosystemRelease('npm'), undefined);
});

test('purls round-trip, scoped npm names are escaped', () => {
  const p = buildPurl({ type: 'npm', namespace: '@babel', name: 'core', version: '7.0.0' });
  assert.equal(p, 'pkg:npm/%40babel/core@7.0.0');
  assert.deepEqual(parsePurl(p)?.namespace, '@babel');
  assert.equal(
    buildPurl({ type: 'deb', namespace: 'debian', name: 'libssl3', version: '3.0.11-1~deb12u2', qualifiers: { arch: 'amd64', distro: 'debian-12' } }),
    'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12',
  );
  assert.equal(parsePurl('not a purl'), undefined);
});

test('input errors name the file, the field and what was expected', () => {
  const e = new InputError({ file: 'image.tar', field: 'manifest.json[0].Config', expected: 'a blob path present in the archive' });
  assert.equal(e.message, 'image.tar: manifest.json[0].Config: expected a blob path present in the archive');
  assert.equal(e.exitCode, 2);
  const l = new LimitError({ file: 'layer.tar', limit: 'maxLayerBytes=10' });
  assert.ok(l instanceof InputError);
  assert.match(l.message, /layer\.tar: exceeds limit maxLayerBytes=10/);
  assert.equal(withLimits({ maxDepth: 3 }).maxDepth, 3);
});

test('isSeverity accepts the four levels only, not Object.prototype names', () => {
  for (const s of ['low', 'medium', 'high', 'critical']) assert.equal(isSeverity(s), true, s);
  for (const s of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'HIGH', '']) assert.equal(isSeverity(s), false, s);
});
