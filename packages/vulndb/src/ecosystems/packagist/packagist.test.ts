import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalizePackagistVersion, packagist } from './packagist.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('Packagist order (PHP version_compare forms as OSV uses them)', () => {
  assertOrder(packagist, [
    ['1.0-dev', '<', '1.0a1'],
    ['1.0a1', '<', '1.0b1'],
    ['1.0b1', '<', '1.0RC1'],
    ['1.0RC1', '<', '1.0'],
    ['1.0', '<', '1.0pl1'],
    ['v1.0pl1', '=', '1.0pl1'],
    ['V1.0.0', '=', 'v1.0.0'],
    ['1.0.0', '>', '1.0'],
    ['1.25.0-beta2.1', '=', '1.25.0-b.2.1'],
    ['10', '>', '2'],
    ['dev-foo', '<', '1.26.0'],
  ]);
  assert.equal(canonicalizePackagistVersion('v1.0.0-beta2+x'), '1.0.0.beta.2.x');
  assertRejects(packagist, ['']);
});
