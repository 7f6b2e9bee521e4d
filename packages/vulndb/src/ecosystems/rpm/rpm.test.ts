import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rpm, parseRpmVersion, rpmvercmp } from './rpm.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('rpmvercmp: separators ignored, digits beat letters, ~ and ^', () => {
  const rows: [string, number, string][] = [
    ['1.0', -1, '2.0'],
    ['2.0.1', 0, '2.0.1'],
    ['5.5p1', -1, '5.5p10'],
    ['10xyz', -1, '10.1xyz'],
    ['xyz.4', -1, '8'],
    ['6.0.rc1', 1, '6.0'],
    ['a+', 0, 'a_'],
    ['1.0~rc1', -1, '1.0'],
    ['1.0~rc1~git123', -1, '1.0~rc1'],
    ['1.0^git1', 1, '1.0'],
    ['1.0^git1', -1, '1.01'],
    ['1.0^20160101^git1', -1, '1.0^20160102'],
    ['10.0001', 0, '10.1'],
  ];
  for (const [a, want, b] of rows) assert.equal(rpmvercmp(a, b), want, `${a} vs ${b}`);
});

test('epoch:version-release ordering', () => {
  assertOrder(rpm, [
    ['0:3.10.0-229.el7', '<', '0:3.10.0-229.1.2.el7'],
    ['1:1.0-1', '>', '2.0-1'],
    ['3.0.7-27.el9', '<', '3.0.7-28.el9'],
    ['1.0', '<', '1.0-1'],
    ['a:1~1', '<', 'a:2'],
  ]);
  const r = parseRpmVersion('2:1.2.3-4.el9');
  assert.deepEqual(r.ok && r.value, { epoch: '2', version: '1.2.3', release: '-4.el9' });
  assertRejects(rpm, ['']);
});
