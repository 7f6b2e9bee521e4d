import { test } from 'node:test';
import { hackage } from './hackage.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('Cabal version order: integer lists, a prefix sorts first', () => {
  assertOrder(hackage, [
    ['0.1.26.0', '>', '0'],
    ['1.1', '>', '1.0.0'],
    ['1.0', '<', '1.0.0'],
    ['2.0', '>', '1'],
    ['1.10', '>', '1.9'],
  ]);
  assertRejects(hackage, ['', '1.0-beta', '1..0', 'v1']);
});
