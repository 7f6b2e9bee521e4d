import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenCases, hostileCases, matchCases } from '../../test-kit.js';
import { uvLock } from './uv-lock.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

goldenCases(uvLock, fixtures, [
  { fixture: 'uv.lock', path: 'uv.lock' },
  { fixture: 'truncated.lock', path: 'uv.lock' },
  { fixture: 'wrong-shape.lock', path: 'uv.lock' },
  { fixture: 'not-toml.lock', path: '/srv/uv.lock' },
]);

matchCases(uvLock, [
  ['uv.lock', true],
  ['/srv/app/uv.lock', true],
  ['Cargo.lock', false],
]);

hostileCases(uvLock, fixtures, 'uv.lock', 'uv.lock');
