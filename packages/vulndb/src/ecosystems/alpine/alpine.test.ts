import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alpine, apkVersionMatch, isValidAlpineVersion } from './alpine.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('apk ordering: suffixes, letters, leading zeros, commit hashes, revisions', () => {
  assertOrder(alpine, [
    ['1.2_alpha1', '<', '1.2_beta'],
    ['1.2_beta', '<', '1.2_pre1'],
    ['1.2_pre1', '<', '1.2_rc1'],
    ['1.2_rc1', '<', '1.2'],
    ['1.2', '<', '1.2_cvs'],
    ['1.2_git20240101', '<', '1.2_hg1'],
    ['1.2_hg1', '<', '1.2_p1'],
    ['1.2', '<', '1.2a'],
    ['1.2a', '<', '1.2b'],
    ['1.2.9', '<', '1.2.10'],
    ['8.2.0015', '<', '8.2.002'],
    ['3.0.11-r0', '<', '3.0.11-r1'],
    ['3.0.11-r9', '<', '3.0.11-r10'],
    ['1.0~1234', '<', '1.0~2345'],
    ['1.0~1234-r1', '>', '1.0~1234-r0'],
    ['1-r1', '=', '1-r01'],
    ['1.2.0D', '<', '1.2.0d'],
  ]);
});

test('apk validity, as apk-tools checks it', () => {
  for (const v of ['1.2.3-r0', '0.1_p1_pre2', '1.0~abc123-r2', '2.4.3b']) assert.equal(isValidAlpineVersion(v), true, v);
  for (const v of ['', '0.1_foobar', '0.1-r', '0.1-r2-r3', '0.1_', '1.2.0D', '.1']) assert.equal(isValidAlpineVersion(v), false, v);
});

test('apk fuzzy operators match on a version prefix', () => {
  assert.equal(apkVersionMatch('3.6.0_pre1', '~', '3.6'), true);
  assert.equal(apkVersionMatch('3.8.0', '~', '3.8.1'), false);
  assert.equal(apkVersionMatch('3.5', '<~', '3.6'), true);
  assert.equal(apkVersionMatch('3.6.4', '<~', '3.6'), true);
  assert.equal(apkVersionMatch('3.7', '<~', '3.6'), false);
  assert.equal(apkVersionMatch('3.7', '>~', '3.6'), true);
});

test('empty and oversized versions are errors', () => {
  assertRejects(alpine, ['', '1'.repeat(257)]);
});
