import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenCases, hostileCases, matchCases } from '../../test-kit.js';
import { packagesLock } from './packages-lock.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

goldenCases(packagesLock, fixtures, [
  { fixture: 'packages.lock.json', path: 'src/App/packages.lock.json' },
  { fixture: 'truncated.json', path: 'packages.lock.json' },
  { fixture: 'wrong-shape.json', path: 'packages.lock.json' },
  { fixture: 'deep.json', path: 'packages.lock.json' },
]);

matchCases(packagesLock, [
  ['packages.lock.json', true],
  ['/src/App/packages.lock.json', true],
  ['package-lock.json', false],
  ['packages.config', false],
]);

hostileCases(packagesLock, fixtures, 'packages.lock.json', 'packages.lock.json');
