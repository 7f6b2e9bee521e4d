import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenCases, hostileCases, matchCases } from '../../test-kit.js';
import { cargoLock } from './cargo-lock.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

goldenCases(cargoLock, fixtures, [
  { fixture: 'v4.lock', path: 'Cargo.lock' },
  { fixture: 'v1.lock', path: '/src/old-app/Cargo.lock' },
  { fixture: 'truncated.lock', path: 'Cargo.lock' },
  { fixture: 'wrong-shape.lock', path: 'Cargo.lock' },
  { fixture: 'cargo-toml-as-lock.lock', path: 'Cargo.lock' },
]);

matchCases(cargoLock, [
  ['Cargo.lock', true],
  ['/srv/locks/Cargo.lock', true],
  ['Cargo.toml', false],
  ['cargo.lock', false],
]);

hostileCases(cargoLock, fixtures, 'v4.lock', 'Cargo.lock');
