import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalGoSemver, go, isValidGoSemver } from './go.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('Go module order: semver precedence, pseudo-versions, +incompatible ignored, v optional in OSV', () => {
  assertOrder(go, [
    ['1.21.3', '<', '1.21.10'],
    ['v1.21.3', '=', '1.21.3'],
    ['1.22.0-rc.1', '<', '1.22.0'],
    ['0.0.0-20230101120000-abcdef123456', '<', '0.0.0-20240101120000-abcdef123456'],
    ['1.2.4-0.20230101120000-abcdef123456', '>', '1.2.3'],
    ['1.2.4-0.20230101120000-abcdef123456', '<', '1.2.4'],
    ['2.0.0+incompatible', '=', '2.0.0'],
  ]);
  assertRejects(go, ['', 'bad', '1.2.3-01', '01.2.3', 'v1.2-pre']);
});

test('golang.org/x/mod/semver validity needs the v; canonical fills zeros and drops build', () => {
  assert.equal(isValidGoSemver('1.2.3'), false);
  assert.equal(isValidGoSemver('v1'), true);
  assert.equal(canonicalGoSemver('v1.2'), 'v1.2.0');
  assert.equal(canonicalGoSemver('v1.2.3+meta'), 'v1.2.3');
  assert.equal(canonicalGoSemver('v1.2-pre'), undefined);
});
