import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenCases, hostileCases, matchCases } from '../../test-kit.js';
import { gemfileLock } from './gemfile-lock.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

goldenCases(gemfileLock, fixtures, [
  { fixture: 'Gemfile.lock', path: 'Gemfile.lock' },
  { fixture: 'bundler2.lock', path: '/srv/app/Gemfile.lock' },
  { fixture: 'truncated.lock', path: 'Gemfile.lock' },
  { fixture: 'gemfile-not-lock.txt', path: 'Gemfile.lock' },
]);

matchCases(gemfileLock, [
  ['Gemfile.lock', true],
  ['/srv/locks/Gemfile.lock', true],
  ['gems.locked', true],
  ['Gemfile', false],
  ['Gemfile.lock.orig', false],
]);

hostileCases(gemfileLock, fixtures, 'Gemfile.lock', 'Gemfile.lock');
