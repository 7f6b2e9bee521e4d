import { test } from 'node:test';
import { nuget } from './nuget.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('NuGet order: four parts, case-insensitive prerelease, metadata ignored', () => {
  assertOrder(nuget, [
    ['1.0', '=', '1.0.0.0'],
    ['1.0.0', '<', '1.0.0.1'],
    ['1.0.0-BETA', '<', '1.0.0-beta2'],
    ['1.0.0-beta+AA', '<', '1.0.0+aa'],
    ['1.0.0-BETA.X.y.5.77.0+AA', '=', '1.0.0-beta.x.y.5.77.0+aa'],
    ['1.0.0.1-alpha', '>', '1.0.0'],
    ['999999999999999999999999999991', '<', '999999999999999999999999999999'],
  ]);
  assertRejects(nuget, ['', '1.0.0.0.0', 'abc', '1.0-']);
});
