import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenCases, hostileCases, matchCases } from '../../test-kit.js';
import { poetryLock } from './poetry-lock.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

goldenCases(poetryLock, fixtures, [
  { fixture: 'poetry-v2.lock', path: 'poetry.lock' },
  { fixture: 'poetry-v1.lock', path: '/app/poetry.lock' },
  { fixture: 'truncated.lock', path: 'poetry.lock' },
  { fixture: 'not-toml.lock', path: 'poetry.lock' },
]);

matchCases(poetryLock, [
  ['poetry.lock', true],
  ['/srv/app/poetry.lock', true],
  ['poetry.lock.bak', false],
  ['pyproject.toml', false],
]);

hostileCases(poetryLock, fixtures, 'poetry-v2.lock', 'poetry.lock');
