import { test } from 'node:test';
import assert from 'node:assert/strict';
import { npm, compareNpmStrings, isValidNpmVersion, satisfiesRange } from './npm.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('npm order follows node-semver, build metadata ignored, loose spellings accepted', () => {
  assertOrder(npm, [
    ['1.2.3-alpha', '<', '1.2.3-alpha.1'],
    ['1.2.3-alpha.beta', '<', '1.2.3-beta'],
    ['1.2.3-beta.2', '<', '1.2.3-beta.11'],
    ['1.2.3-rc.1', '<', '1.2.3'],
    ['1.2.3+build', '=', '1.2.3+other'],
    ['=1.2.3', '=', 'v1.2.3'],
  ]);
  assertRejects(npm, ['', 'latest', '1.2', 'x'.repeat(300)]);
});

test('options decide strictness', () => {
  assert.equal(compareNpmStrings('1.2.3', '=1.2.3', {}).ok, false);
  assert.deepEqual(compareNpmStrings('1.2.3', '=1.2.3', { loose: true }), { ok: true, value: 0 });
  assert.equal(isValidNpmVersion('90071992547409910.0.0'), false);
});

test('ranges: caret, tilde, x-ranges, hyphen ranges, unions, prereleases', () => {
  const rows: [string, string, boolean, object?][] = [
    ['1.8.1', '^1.2.3', true],
    ['2.0.0', '^1.2.3', false],
    ['1.2.3-beta', '^1.2.3', false],
    ['1.2.4', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['2.1.3', '1.2.* || 2.*', true],
    ['1.5.0', '1.0.0 - 2.0.0', true],
    ['1.1.0-pre', '>=1.0.0 <=1.1.0', true, { includePrerelease: true }],
    ['not a version', '*', false],
  ];
  for (const [v, range, want, options] of rows) assert.deepEqual(satisfiesRange(v, range, options), { ok: true, value: want }, `${v} ${range}`);
  assert.equal(satisfiesRange('1.0.0', '>=>=1', {}).ok, false);
});
