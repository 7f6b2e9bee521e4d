import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LimitError } from '@bulwark/core';
import { assertGolden, catalogErr, catalogOk, fuzzCataloger } from '../../test-kit.js';
import { goMod } from './go-mod.js';

const fx = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;
const read = (name: string): Buffer => readFileSync(fx(name));

test('fzf go.mod: direct and indirect requires (golden)', () => {
  const { packages } = catalogOk(goMod, '/src/fzf/go.mod', read('fzf.go.mod'), 0o644);
  assert.equal(packages.length, 12);
  assert.equal(packages.filter((p) => p.metadata?.indirect).length, 4);
  assert.equal(packages[0].purl, 'pkg:golang/github.com/gdamore/tcell/v2@v2.5.4');
  assertGolden(packages, fx('fzf.go.mod.expected.json'));
});

test('replace, exclude, quoted and raw strings, comments, single-line and block directives (golden)', () => {
  const { packages } = catalogOk(goMod, 'go.mod', read('replace.go.mod'), 0o644);
  const byName = new Map(packages.map((p) => [p.name, p]));
  assert.deepEqual(
    packages.map((p) => `${p.name}@${p.version}`),
    [
      'github.com/fork/net@v0.23.0',
      'github.com/quoted/mod@v1.2.3',
      'github.com/pkg/errors@v0.9.1',
      'golang.org/x/text@',
      'github.com/old/lib@v1.0.0',
      'github.com/pinned/lib@v1.5.2',
      'github.com/excluded/lib@v0.4.0',
    ],
  );
  assert.deepEqual(byName.get('github.com/fork/net')?.metadata?.replaces, { path: 'golang.org/x/net', version: 'v0.17.0' });
  assert.equal(byName.get('golang.org/x/text')?.metadata?.replacedBy, '../text');
  assert.equal(byName.get('github.com/quoted/mod')?.metadata?.indirect, true);
  assert.equal(byName.get('github.com/excluded/lib')?.metadata?.excluded, true);
  assertGolden(packages, fx('replace.go.mod.expected.json'));
});

test('matches only go.mod', () => {
  const rows: [string, boolean][] = [['go.mod', true], ['/src/app/go.mod', true], ['/src/app/go.sum', false], ['/src/go.mod.bak', false]];
  for (const [p, want] of rows) assert.equal(goMod.matches(p, { size: 100, mode: 0o644 }), want, p);
});

test('hostile siblings: unterminated block, missing version, binary, over maxBytes', () => {
  assert.match(catalogErr(goMod, 'go.mod', read('unterminated.go.mod')).message, /closing/);
  assert.match(catalogErr(goMod, 'go.mod', read('missing-version.go.mod')).message, /line 2/);
  catalogErr(goMod, 'go.mod', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]));
  catalogErr(goMod, 'go.mod', Buffer.from('require "unterminated v1.0.0\n'));
  const big = Buffer.alloc(goMod.maxBytes + 1, 0x20);
  assert.ok(catalogErr(goMod, 'go.mod', big) instanceof LimitError);
});

test('fuzz: mutated go.mod never throws', () => {
  const r = fuzzCataloger(goMod, 'go.mod', read('replace.go.mod'), 600, 3);
  assert.ok(r.ok > 0 && r.errors > 0, JSON.stringify(r));
});
