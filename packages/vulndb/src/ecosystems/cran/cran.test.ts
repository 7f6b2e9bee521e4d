import { test } from 'node:test';
import { cran } from './cran.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('R package_version order: "." and "-" alike, longer wins a tie', () => {
  assertOrder(cran, [
    ['0.1-2', '<', '0.2-2'],
    ['0.1.4', '<', '0.1.18'],
    ['1.5', '<', '1.5.4'],
    ['0.1.0', '<', '0.1.0.0'],
    ['1.2-3', '=', '1.2.3'],
  ]);
  assertRejects(cran, ['', '1.2a', '1..2', 'v1.0']);
});
