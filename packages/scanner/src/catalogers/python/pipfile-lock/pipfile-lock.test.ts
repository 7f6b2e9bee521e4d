import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenCases, hostileCases, matchCases } from '../../test-kit.js';
import { pipfileLock } from './pipfile-lock.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

goldenCases(pipfileLock, fixtures, [
  { fixture: 'Pipfile.lock', path: 'Pipfile.lock' },
  { fixture: 'truncated.lock', path: 'Pipfile.lock' },
  { fixture: 'wrong-shape.lock', path: 'Pipfile.lock' },
  { fixture: 'deep.lock', path: '/srv/Pipfile.lock' },
]);

matchCases(pipfileLock, [
  ['Pipfile.lock', true],
  ['/srv/app/Pipfile.lock', true],
  ['Pipfile', false],
  ['pipfile.lock', false],
]);

hostileCases(pipfileLock, fixtures, 'Pipfile.lock', 'Pipfile.lock');
