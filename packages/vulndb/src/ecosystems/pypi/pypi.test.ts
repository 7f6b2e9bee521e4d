import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidPypiVersion, normalizePypiVersion, pypi } from './pypi.js';
import { assertOrder, assertRejects } from '../scheme-cases.js';

test('PEP 440 order: dev < pre < release < post, epochs, local versions', () => {
  assertOrder(pypi, [
    ['1.0.dev0', '<', '1.0a0'],
    ['1.0a1', '<', '1.0b1'],
    ['1.0b1', '<', '1.0rc1'],
    ['1.0rc1', '<', '1.0'],
    ['1.0', '<', '1.0.post1'],
    ['1.0.post1.dev1', '<', '1.0.post1'],
    ['1.0', '=', '1.0.0'],
    ['1.0+local', '>', '1.0'],
    ['1.0+abc.5', '<', '1.0+abc.10'],
    ['1.0+abc', '<', '1.0+5'],
    ['1!0.1', '>', '2.0'],
    ['1.0-1', '=', '1.0.post1'],
    ['1.0C1', '=', '1.0rc1'],
    ['v1.0', '=', '1.0'],
  ]);
});

test('non-PEP 440 strings order below every PEP 440 version (setuptools LegacyVersion)', () => {
  assertOrder(pypi, [
    ['-class.-jw.util.version.version-dev', '<', '0.0.1'],
    ['french toast', '<', '0'],
  ]);
  assert.equal(isValidPypiVersion('french toast'), false);
});

test('normalization matches packaging str(Version)', () => {
  const rows: [string, string][] = [
    ['1.0-ALPHA1', '1.0a1'],
    ['1.0.post000', '1.0.post0'],
    ['1.0-r5', '1.0.post5'],
    ['01!1.01-dev', '1!1.1.dev0'],
    ['1.0+Ubuntu-1', '1.0+ubuntu.1'],
  ];
  for (const [raw, want] of rows) assert.equal(normalizePypiVersion(raw), want, raw);
  assert.equal(normalizePypiVersion('1.0+a+'), undefined);
});

test('validity is PEP 440 (ASCII digits only), and empty strings are errors', () => {
  for (const v of ['1.0', '1!2.0rc1.post3.dev4+loc.1', ' 1.0 ']) assert.equal(isValidPypiVersion(v), true, v);
  for (const v of ['1..0', '1.0+İ', '١٢٣', '1.0a 1']) assert.equal(isValidPypiVersion(v), false, v);
  assertRejects(pypi, ['', 'x'.repeat(300)]);
});
