import { test } from 'node:test';
import { maven } from './maven.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('POM version order: qualifiers, separators, trailing nulls', () => {
  assertOrder(maven, [
    ['1-alpha-1', '<', '1-beta-1'],
    ['1-beta', '<', '1-milestone'],
    ['1-milestone', '<', '1-rc'],
    ['1-rc', '<', '1-SNAPSHOT'],
    ['1-SNAPSHOT', '<', '1'],
    ['1', '<', '1-sp'],
    ['1-sp', '<', '1-foo'],
    ['1-foo', '<', '1-1'],
    ['1-1', '<', '1.1'],
    ['1.0-RC3', '<', '1.0.1'],
    ['1', '=', '1.0.0'],
    ['1.0.0a', '=', '1-a'],
    ['1cr', '=', '1rc'],
    ['1a1', '=', '1-alpha-1'],
    ['1m3', '=', '1MileStone3'],
    ['1Final', '=', '1'],
    ['2.9.0-1', '<', '2.9.0.RC1'],
    ['12345678901234567890.1', '>', '1234567890.1'],
  ]);
  assertRejects(maven, ['', '1'.repeat(257)]);
});
