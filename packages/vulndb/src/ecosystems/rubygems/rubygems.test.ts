import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidRubyGemsVersion, rubygems } from './rubygems.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('Gem::Version order: prerelease letters sort before numbers, trailing zeros ignored', () => {
  assertOrder(rubygems, [
    ['1.2.4.beta', '<', '1.2.4'],
    ['1.0.a.9', '<', '1.0.a10'],
    ['1.0.b1', '>', '1.0.a2'],
    ['3.2', '<', '3.10'],
    ['1.0', '=', '1'],
    ['1.0.0.rc1', '=', '1.0.rc1'],
    ['1.0-1', '=', '1.0.pre.1'],
    ['1.0-1', '<', '1.0'],
    ['7.0.8.1', '>', '7.0.8'],
  ]);
  assert.equal(isValidRubyGemsVersion('1beta'), false);
  assertRejects(rubygems, ['', 'abc', '1..0 x', '#1']);
});
