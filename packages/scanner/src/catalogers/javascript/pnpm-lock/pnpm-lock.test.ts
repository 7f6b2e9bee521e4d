import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pnpmLock, parsePnpmKey } from './pnpm-lock.js';
import { assertGolden, assertOverMaxBytes, catalogErr, catalogOk, fuzzCataloger } from '../../test-kit.js';

const fx = (name: string): Buffer => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
const golden = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;
const PATH = 'app/pnpm-lock.yaml';

// pnpm{7,8,9}.pnpm-lock.yaml: `pnpm@N install --lockfile-only` of the same package.json, lockfileVersion
// 5.4, 6.0 and 9.0 (ms@2.1.3 is a devDependency; string-width-cjs an npm: alias).
const WANT = ['@sindresorhus/is@4.6.0', 'ansi-regex@5.0.1', 'debug@2.6.9', 'emoji-regex@8.0.0', 'is-fullwidth-code-point@3.0.0', 'ms@2.0.0', 'ms@2.1.3 dev', 'string-width@4.2.3', 'strip-ansi@6.0.1'];

test('lockfile 5.4, 6.0 and 9.0 give the same packages and dev flags (golden)', () => {
  for (const v of [7, 8, 9]) {
    const r = catalogOk(pnpmLock, PATH, fx(`pnpm${v}.pnpm-lock.yaml`));
    assert.deepEqual(r.packages.map((p) => `${p.name}@${p.version}${p.metadata?.dev ? ' dev' : ''}`).sort(), WANT, `pnpm ${v}`);
    assertGolden(r, golden(`pnpm${v}.expected.json`));
  }
});

test('package keys: table', () => {
  const rows: [string, number, string, string][] = [
    ['/lodash/4.17.21', 5.4, 'lodash', '4.17.21'],
    ['/@babel/core/7.22.0_supports-color@8.0.0', 5.4, '@babel/core', '7.22.0'],
    ['/debug@4.3.4(supports-color@8.1.1)', 6.0, 'debug', '4.3.4'],
    ['/@types/node@20.1.0', 6.1, '@types/node', '20.1.0'],
    ['@babel/core@7.22.0', 9.0, '@babel/core', '7.22.0'],
  ];
  for (const [key, v, name, version] of rows) assert.deepEqual(parsePnpmKey(key, v), { name, version }, key);
});

test('tarball entries use their name and version fields; URLs are not versions', () => {
  const text = [
    "lockfileVersion: '6.0'",
    'packages:',
    '  /@scope/tgz@https://example.com/tgz-1.0.0.tgz:',
    '    resolution: {tarball: https://example.com/tgz-1.0.0.tgz}',
    '    name: "@scope/tgz"',
    '    version: 1.0.0',
    '  /weird@https://example.com/x.tgz:',
    '    resolution: {tarball: https://example.com/x.tgz}',
  ].join('\n');
  assert.deepEqual(catalogOk(pnpmLock, PATH, text).packages.map((p) => p.purl), ['pkg:npm/%40scope/tgz@1.0.0']);
  assert.deepEqual(catalogOk(pnpmLock, PATH, "lockfileVersion: '9.0'\n").packages, []);
});

test('hostile siblings: bad YAML, truncated, wrong version, deep nesting, over maxBytes', () => {
  catalogErr(pnpmLock, PATH, fx('not-yaml.pnpm-lock.yaml'));
  catalogOk(pnpmLock, PATH, fx('truncated.pnpm-lock.yaml'));
  catalogErr(pnpmLock, PATH, 'lockfileVersion: 3\npackages: {}\n');
  catalogErr(pnpmLock, PATH, '- just a list\n');
  assert.equal(catalogErr(pnpmLock, PATH, `lockfileVersion: '9.0'\npackages: ${'['.repeat(500)}${']'.repeat(500)}\n`).kind, 'limit');
  assertOverMaxBytes(pnpmLock, PATH);
});

test('fuzz: mutations of real lockfiles never throw', () => {
  fuzzCataloger(pnpmLock, PATH, fx('pnpm7.pnpm-lock.yaml'), 150, 81);
  fuzzCataloger(pnpmLock, PATH, fx('pnpm9.pnpm-lock.yaml'), 150, 82);
});
