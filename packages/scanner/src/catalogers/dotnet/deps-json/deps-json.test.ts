import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenCases, hostileCases, matchCases } from '../../test-kit.js';
import { depsJson } from './deps-json.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

goldenCases(depsJson, fixtures, [
  { fixture: 'Web.deps.json', path: '/app/Web.deps.json' },
  { fixture: 'truncated.deps.json', path: '/app/Web.deps.json' },
  { fixture: 'no-libraries.deps.json', path: 'bin/Release/net6.0/App.deps.json' },
  { fixture: 'not-json.deps.json', path: '/app/Web.deps.json' },
  { fixture: 'wrong-shape.deps.json', path: '/app/Web.deps.json' },
]);

matchCases(depsJson, [
  ['/app/Web.deps.json', true],
  ['Web.deps.json', true],
  ['/app/.deps.json', false],
  ['/app/Web.runtimeconfig.json', false],
  ['/app/deps.json.bak', false],
]);

hostileCases(depsJson, fixtures, 'Web.deps.json', '/app/Web.deps.json');
