import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debian, parseDebianVersion } from './debian.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('dpkg ordering: epochs, ~ before everything, letters before other symbols, digits numerically', () => {
  assertOrder(debian, [
    ['1.0~rc1-1', '<', '1.0-1'],
    ['1.0~~', '<', '1.0~'],
    ['1.0~', '<', '1.0'],
    ['1.0', '<', '1.0a'],
    ['1.0a', '<', '1.0+'],
    ['1.0+dfsg', '<', '1.0.1'],
    ['1:0.9', '>', '2.0'],
    ['0:1.0', '=', '1.0'],
    ['1.09', '=', '1.9'],
    ['1.0-0', '=', '1.0'],
    ['1.0-1', '<', '1.0-1+deb12u1'],
    ['3.0.11-1~deb12u2', '<', '3.0.11-1'],
    ['2.36-9+deb12u4', '<', '2.36-9+deb12u10'],
    ['1:2.3-1', '>', '2.3-5'],
    ['1.2-3-4', '>', '1.2-3'],
  ]);
});

test('parse splits epoch, upstream and revision like dpkg (last hyphen, first colon)', () => {
  const r = parseDebianVersion(' 2:1.2-3-4ubuntu1 ');
  assert.deepEqual(r.ok && r.value, { epoch: '2', upstream: '1.2-3', revision: '4ubuntu1' });
});

test('dpkg hard errors are error values', () => {
  assertRejects(debian, ['', '   ', '0:', '-0', '0:-0', 'a:0-0', '-1:0-1', '999999999999999999999999:0-1', '0:0 0-1', 'x'.repeat(300)]);
});
