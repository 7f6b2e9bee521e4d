import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { packageLock } from './package-lock.js';
import { assertGolden, assertOverMaxBytes, catalogErr, catalogOk, fuzzCataloger } from '../../test-kit.js';

const fx = (name: string): Buffer => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
const golden = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;
const PATH = 'app/package-lock.json';
const ids = (text: Buffer | string): string[] => catalogOk(packageLock, PATH, text).packages.map((p) => `${p.name}@${p.version}${p.metadata?.dev ? ' dev' : ''}`);

// aliases.v{1,2,3}.json: npm 10 `install --package-lock-only --lockfile-version N` of one package.json
// (a dev dependency, a nested duplicate, a scoped name and an npm: alias); lab-web.v3.json from the lab image.
const WANT = ['@sindresorhus/is@4.6.0', 'ansi-regex@5.0.1', 'debug@2.6.9', 'emoji-regex@8.0.0', 'is-fullwidth-code-point@3.0.0', 'ms@2.0.0', 'ms@2.1.3 dev', 'string-width@4.2.3', 'strip-ansi@6.0.1'];

test('v1, v2 and v3 of the same project give the same packages (golden)', () => {
  for (const v of [1, 2, 3]) {
    assert.deepEqual(ids(fx(`aliases.v${v}.json`)).sort(), WANT, `v${v}`);
    assertGolden(catalogOk(packageLock, PATH, fx(`aliases.v${v}.json`)), golden(`aliases.v${v}.expected.json`));
  }
});

test('lab image lockfile: every installed copy, nested ones included (golden)', () => {
  const r = catalogOk(packageLock, '/srv/web/package-lock.json', fx('lab-web.v3.json'));
  assert.equal(r.packages.length, 62, '67 installed copies, 62 distinct name@version');
  const debug = r.packages.find((p) => p.name === 'debug' && p.version === '2.6.9');
  assert.deepEqual(debug?.metadata?.paths, [
    'node_modules/body-parser/node_modules/debug',
    'node_modules/express/node_modules/debug',
    'node_modules/finalhandler/node_modules/debug',
    'node_modules/send/node_modules/debug',
  ]);
  assert.deepEqual(r.packages.find((p) => p.name === 'node-forge')?.licenses, ['(BSD-3-Clause OR GPL-2.0)']);
  assertGolden(r, golden('lab-web.v3.expected.json'));
});

test('links, workspaces, bundled and non-registry versions: table', () => {
  const lock = {
    lockfileVersion: 3,
    packages: {
      '': { name: 'root', version: '1.0.0' },
      'packages/lib': { name: 'lib', version: '0.1.0' },
      'node_modules/lib': { resolved: 'packages/lib', link: true },
      'node_modules/a': { version: '1.0.0', devOptional: true },
      'node_modules/a/node_modules/b': { version: '2.0.0', inBundle: true },
      'node_modules/git-dep': { version: 'git+ssh://git@github.com/x/y.git#abc' },
      'node_modules/local': { version: 'file:../local' },
    },
  };
  const pkgs = catalogOk(packageLock, PATH, JSON.stringify(lock)).packages;
  assert.deepEqual(pkgs.map((p) => [p.name, p.version, p.metadata?.dev ?? false, p.metadata?.bundled ?? false]), [
    ['a', '1.0.0', true, false],
    ['b', '2.0.0', false, true],
  ]);
  assert.deepEqual(catalogOk(packageLock, PATH, '{"lockfileVersion":1}').packages, [], 'v1 without dependencies');
});

test('matches lockfiles and shrinkwraps outside node_modules', () => {
  const info = { size: 1, mode: 0o644 };
  for (const p of ['package-lock.json', 'app/npm-shrinkwrap.json', '/srv/web/package-lock.json']) assert.ok(packageLock.matches(p, info), p);
  for (const p of ['node_modules/.package-lock.json', 'app/node_modules/x/package-lock.json', 'package.json']) assert.ok(!packageLock.matches(p, info), p);
});

test('hostile siblings: not JSON, truncated, wrong version, wrong shape, too deep, over maxBytes', () => {
  catalogErr(packageLock, PATH, fx('not-json.txt'));
  catalogErr(packageLock, PATH, fx('truncated.v3.json'));
  catalogErr(packageLock, PATH, '{"lockfileVersion":4,"packages":{}}');
  catalogErr(packageLock, PATH, '{"lockfileVersion":3,"packages":[]}');
  assert.equal(catalogErr(packageLock, PATH, `{"lockfileVersion":1,"dependencies":${'{"a":{"version":"1","dependencies":'.repeat(100)}{}${'}}'.repeat(100)}}`).kind, 'limit');
  assertOverMaxBytes(packageLock, PATH);
});

test('fuzz: mutations of real lockfiles never throw', () => {
  fuzzCataloger(packageLock, PATH, fx('aliases.v1.json'), 200, 61);
  fuzzCataloger(packageLock, PATH, fx('aliases.v3.json'), 200, 62);
});
