import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenCases, hostileCases, matchCases } from '../../test-kit.js';
import { composerLock } from './composer-lock.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

goldenCases(composerLock, fixtures, [
  { fixture: 'composer.lock', path: 'composer.lock' },
  { fixture: 'installed-v2.json', path: '/var/www/html/vendor/composer/installed.json' },
  { fixture: 'installed-v1.json', path: 'vendor/composer/installed.json' },
  { fixture: 'truncated.lock', path: 'composer.lock' },
  { fixture: 'wrong-shape.lock', path: 'composer.lock' },
  { fixture: 'not-json.lock', path: 'composer.lock' },
]);

matchCases(composerLock, [
  ['composer.lock', true],
  ['/srv/locks/composer.lock', true],
  ['/var/www/vendor/composer/installed.json', true],
  ['composer.json', false],
  ['/var/www/vendor/other/installed.json', false],
  ['installed.json', false],
]);

hostileCases(composerLock, fixtures, 'composer.lock', 'composer.lock');
