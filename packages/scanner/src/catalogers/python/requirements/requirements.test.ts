import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { catalogOk, goldenCases, hostileCases, matchCases } from '../../test-kit.js';
import { requirements } from './requirements.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

goldenCases(requirements, fixtures, [
  { fixture: 'requirements-hashes.txt', path: 'requirements.txt' },
  { fixture: 'requirements-mixed.txt', path: 'app/requirements-dev.txt' },
  { fixture: 'requirements-utf16.txt', path: 'requirements.txt' },
  { fixture: 'not-text.txt', path: 'requirements.txt' },
  { fixture: 'truncated.txt', path: '/srv/app/requirements.txt' },
]);

matchCases(requirements, [
  ['requirements.txt', true],
  ['/srv/locks/requirements.txt', true],
  ['requirements-dev.txt', true],
  ['dev-requirements.txt', true],
  ['requirements.in', false],
  ['requirements/base.txt', false],
  ['/usr/share/doc/requirements.txt.gz', false],
]);

hostileCases(requirements, fixtures, 'requirements-hashes.txt', 'requirements.txt');

test('python/requirements: pins, and what is not a pin', () => {
  const rows: [string, string[]][] = [
    ['Django==3.2.0', ['Django@3.2.0']],
    ['django == 3.2.0   # comment', ['django@3.2.0']],
    ['foo[bar, baz]==1.0 ; sys_platform == "linux"', ['foo@1.0']],
    ['foo>=1.0', []],
    ['foo==1.*', []],
    ['foo~=1.0', []],
    ['foo!=1.0', []],
    ['foo>=1.0,==1.2', []],
    ['foo', []],
    ['-e .', []],
    ['./local/pkg', []],
    ['foo==1.0 \\\n  --hash=sha256:abc', ['foo@1.0']],
    ['#foo==1.0', []],
    ['foo==1.0+local.1', ['foo@1.0+local.1']],
  ];
  for (const [text, want] of rows) {
    const got = catalogOk(requirements, 'requirements.txt', text).packages.map((p) => `${p.name}@${p.version}`);
    assert.deepEqual(got, want, text);
  }
});
