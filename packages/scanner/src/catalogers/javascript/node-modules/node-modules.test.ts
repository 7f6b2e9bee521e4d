import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodeModules, npmLicenses } from './node-modules.js';
import { assertGolden, assertOverMaxBytes, catalogErr, catalogOk, fuzzCataloger } from '../../test-kit.js';

const fx = (name: string): Buffer => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
const golden = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;
const info = { size: 1, mode: 0o644 };

const happy: [path: string, fixture: string][] = [
  ['/srv/web/node_modules/utils-merge/package.json', 'utils-merge.package.json'],
  ['/srv/web/node_modules/node-forge/package.json', 'node-forge.package.json'],
  ['app/node_modules/@types/semver/package.json', 'types-semver.package.json'],
  ['/srv/web/package.json', 'app.package.json'],
  ['/srv/web/node_modules/x/dist/esm/package.json', 'esm-marker.package.json'],
];

test('installed package.json files (golden)', () => {
  const got = Object.fromEntries(happy.map(([path, f]) => [f, catalogOk(nodeModules, path, fx(f)).packages]));
  assert.equal(got['types-semver.package.json'][0].purl, 'pkg:npm/%40types/semver@7.8.0');
  assert.deepEqual(got['utils-merge.package.json'][0].licenses, ['MIT'], 'license and licenses[] merged');
  assert.deepEqual(got['node-forge.package.json'][0].licenses, ['(BSD-3-Clause OR GPL-2.0)']);
  assert.deepEqual(got['app.package.json'][0].metadata, { private: true, application: true });
  assert.deepEqual(got['esm-marker.package.json'], [], 'a "type": "module" marker is not a package');
  assertGolden(got, golden('packages.expected.json'));
});

test('license shapes: table', () => {
  const rows: [Record<string, unknown>, string[]][] = [
    [{ license: 'MIT' }, ['MIT']],
    [{ license: { type: 'ISC', url: 'x' } }, ['ISC']],
    [{ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] }, ['MIT', 'Apache-2.0']],
    [{ licenses: 'BSD' }, ['BSD']],
    [{ license: 42 }, []],
    [{}, []],
  ];
  for (const [pkg, want] of rows) assert.deepEqual(npmLicenses(pkg), want, JSON.stringify(pkg));
});

test('matches package.json in node_modules, and app manifests only in images', () => {
  const yes = ['/srv/web/node_modules/a/package.json', 'node_modules/@s/a/package.json', 'app/node_modules/a/package.json', '/srv/web/package.json'];
  const no = ['package.json', 'app/package.json', '/srv/web/node_modules/a/package-lock.json', '/srv/web/node_modules/a/package.json.bak'];
  for (const p of yes) assert.ok(nodeModules.matches(p, info), p);
  for (const p of no) assert.ok(!nodeModules.matches(p, info), p);
});

test('names and versions are validated', () => {
  const rows = ['{"name":"a b","version":"1.0.0"}', '{"name":"a","version":""}', '{"name":"@scope","version":"1.0.0"}', '{"version":"1.0.0"}', '{"name":"a","version":{"x":1}}'];
  for (const text of rows) assert.deepEqual(catalogOk(nodeModules, '/n/node_modules/a/package.json', text).packages, [], text);
});

test('hostile siblings: not JSON, truncated, not an object, too deep, over maxBytes', () => {
  const p = '/srv/web/node_modules/a/package.json';
  catalogErr(nodeModules, p, fx('not-json.package.json'));
  catalogErr(nodeModules, p, fx('truncated.package.json'));
  catalogErr(nodeModules, p, '["name"]');
  assert.equal(catalogErr(nodeModules, p, '['.repeat(100_000)).kind, 'limit');
  assertOverMaxBytes(nodeModules, p);
});

test('fuzz: mutations of real package.json files never throw', () => {
  fuzzCataloger(nodeModules, '/srv/web/node_modules/node-forge/package.json', fx('node-forge.package.json'), 300, 51);
  fuzzCataloger(nodeModules, '/srv/web/node_modules/utils-merge/package.json', fx('utils-merge.package.json'), 100, 52);
});
