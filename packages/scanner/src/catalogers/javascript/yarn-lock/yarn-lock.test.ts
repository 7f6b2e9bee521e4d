import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { yarnLock } from './yarn-lock.js';
import { assertGolden, assertOverMaxBytes, catalogErr, catalogOk, fuzzCataloger } from '../../test-kit.js';

const fx = (name: string): Buffer => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
const golden = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;
const PATH = 'app/yarn.lock';
const ids = (text: Buffer | string): string[] => catalogOk(yarnLock, PATH, text).packages.map((p) => `${p.name}@${p.version}`).sort();

// v1.yarn.lock: yarn 1.22.22 install; berry.yarn.lock: yarn 4.5.0 --mode=update-lockfile (same package.json
// plus resolve, which yarn patches: a "resolve@patch:" entry).
const COMMON = ['@sindresorhus/is@4.6.0', 'ansi-regex@5.0.1', 'debug@2.6.9', 'emoji-regex@8.0.0', 'is-fullwidth-code-point@3.0.0', 'ms@2.0.0', 'ms@2.1.3', 'string-width@4.2.3', 'strip-ansi@6.0.1'];

test('yarn v1 (golden)', () => {
  assert.deepEqual(ids(fx('v1.yarn.lock')), COMMON);
  assertGolden(catalogOk(yarnLock, PATH, fx('v1.yarn.lock')), golden('v1.yarn.lock.expected.json'));
});

test('yarn berry: workspace and patch entries excluded (golden)', () => {
  const got = ids(fx('berry.yarn.lock'));
  for (const id of COMMON) assert.ok(got.includes(id), id);
  assert.ok(got.includes('resolve@1.22.8'));
  assert.equal(got.filter((id) => id.startsWith('resolve@')).length, 1, 'the patched copy is not a second package');
  assert.ok(!got.some((id) => id.startsWith('fixture-app@')), 'workspace excluded');
  assertGolden(catalogOk(yarnLock, PATH, fx('berry.yarn.lock')), golden('berry.yarn.lock.expected.json'));
});

test('v1 headers: table', () => {
  const text = [
    '# yarn lockfile v1',
    '',
    '"@babel/core@^7.0.0", "@babel/core@^7.1.0":',
    '  version "7.1.2"',
    '',
    'wrap-ansi-cjs@npm:wrap-ansi@^7.0.0:',
    '  version "7.0.0"',
    '',
    '"local@file:../local":',
    '  version "0.0.1"',
    '',
    'unquoted@^1:',
    '  version 1.0.0',
    '',
  ].join('\n');
  assert.deepEqual(ids(text), ['@babel/core@7.1.2', 'unquoted@1.0.0', 'wrap-ansi@7.0.0']);
});

test('matches yarn.lock outside node_modules', () => {
  const info = { size: 1, mode: 0o644 };
  assert.ok(yarnLock.matches('yarn.lock', info));
  assert.ok(yarnLock.matches('/srv/app/yarn.lock', info));
  assert.ok(!yarnLock.matches('app/node_modules/x/yarn.lock', info));
});

test('hostile siblings: not a lockfile, truncated berry, bad YAML, alias bomb, over maxBytes', () => {
  catalogErr(yarnLock, PATH, fx('not-yarn.yarn.lock'));
  const t = catalogOk(yarnLock, PATH, fx('truncated-berry.yarn.lock'));
  assert.ok(t.packages.length < 9);
  catalogErr(yarnLock, PATH, '__metadata:\n  version: 8\n"a@npm:1": [unclosed\n');
  const bomb = ['__metadata: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
  assert.equal(catalogErr(yarnLock, PATH, bomb).kind, 'limit');
  assertOverMaxBytes(yarnLock, PATH);
});

test('fuzz: mutations of real lockfiles never throw', () => {
  fuzzCataloger(yarnLock, PATH, fx('v1.yarn.lock'), 200, 71);
  fuzzCataloger(yarnLock, PATH, fx('berry.yarn.lock'), 200, 72);
});
