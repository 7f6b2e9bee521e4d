import { test } from 'node:test';
import { pub } from './pub.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('pub_semver order: prerelease below release, build after release and ordered', () => {
  assertOrder(pub, [
    ['1.0.0-alpha', '<', '1.0.0-alpha.1'],
    ['1.0.0-pre+build', '<', '1.0.0'],
    ['1.0.0', '<', '1.0.0+build'],
    ['1.2.3+1', '<', '1.2.3+2'],
    ['1.2.3+1', '<', '1.2.3+a'],
    ['1.2.3+9', '<', '1.2.3+10'],
    ['v1.2.3', '=', '1.2.3'],
  ]);
  assertRejects(pub, ['', 'abc', '1.2.3-', '1.2.3+']);
});
