import { test } from 'node:test';
import { semver } from './semver.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('SemVer 2.0 precedence (spec §11), leading v tolerated, short forms padded', () => {
  assertOrder(semver, [
    ['1.0.0-alpha', '<', '1.0.0-alpha.1'],
    ['1.0.0-alpha.1', '<', '1.0.0-alpha.beta'],
    ['1.0.0-alpha.beta', '<', '1.0.0-beta'],
    ['1.0.0-beta.2', '<', '1.0.0-beta.11'],
    ['1.0.0-rc.1', '<', '1.0.0'],
    ['1.2.3-r100', '<', '1.2.3-r2'],
    ['1.2.3-R2', '<', '1.2.3-r100'],
    ['v1.2.3+build', '=', '1.2.3+otherbuild'],
    ['0', '<', '0.0.1'],
    ['1.2', '=', '1.2.0'],
    ['99999999999999999999.0.0', '>', '9.0.0'],
  ]);
  assertRejects(semver, ['', 'abc', '1.2.3-', '1.2.3+', '1..2', 'v', '1.2.3-a..b']);
});
