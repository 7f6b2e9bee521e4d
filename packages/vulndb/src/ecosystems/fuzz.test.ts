import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { seededRandom, sharedPath } from '@bulwark/core/testing';
import { schemeFor, schemes } from './registry.js';
import { apkVersionMatch, isValidAlpineVersion } from './alpine/alpine.js';
import { satisfiesRange } from './npm/npm.js';
import { MAX_VERSION_LENGTH } from './shared.js';

const ALPHABET = '0123456789.-_+~^:!abcrvpxzABCRV  \t\u0000\u00e9\u0130\u0660ÿ';

function mutate(s: string, r: () => number): string {
  const pick = Math.floor(r() * 6);
  const at = Math.floor(r() * (s.length + 1));
  const ch = ALPHABET[Math.floor(r() * ALPHABET.length)];
  switch (pick) {
    case 0:
      return s.slice(0, at);
    case 1:
      return s.slice(0, at) + ch + s.slice(at);
    case 2:
      return s.slice(0, at) + s.slice(at + 1);
    case 3:
      return s.slice(0, at) + ch + s.slice(at + 1);
    case 4:
      return s + s.slice(at);
    default:
      return s.slice(at) + s.slice(0, at);
  }
}

/** Real versions per ecosystem, from the shared corpus (excerpts of upstream test data). */
function seeds(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const lines = readFileSync(sharedPath('corpus', 'versions', 'vectors.jsonl'), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i += 37) {
    if (!lines[i]) continue;
    const rec = JSON.parse(lines[i]) as { ecosystem: string; a?: string; b?: string; version?: string };
    const list = out.get(rec.ecosystem) ?? [];
    for (const v of [rec.a, rec.b, rec.version]) if (typeof v === 'string' && list.length < 40) list.push(v);
    out.set(rec.ecosystem, list);
  }
  return out;
}

test('every scheme: mutated and truncated real versions parse to a value or an error, never throw; order is sane', () => {
  const r = seededRandom(20240917);
  const bySeed = seeds();
  const started = Date.now();
  for (const scheme of schemes.list) {
    const base = bySeed.get(scheme.id) ?? bySeed.get('SemVer') ?? ['1.0.0'];
    const parsed: unknown[] = [];
    for (const seed of base) {
      let s = seed;
      for (let k = 0; k < 60; k++) {
        s = k % 15 === 0 ? seed : mutate(s, r);
        const p = scheme.parse(s);
        assert.equal(typeof p.ok, 'boolean');
        if (p.ok) parsed.push(p.value);
        else assert.equal(p.error.ecosystem.length > 0 && typeof p.error.message === 'string', true);
      }
    }
    for (let i = 0; i + 1 < parsed.length; i += 3) {
      const x = parsed[i];
      const y = parsed[i + 1];
      const c = scheme.compare(x, y);
      assert.ok(c === -1 || c === 0 || c === 1, `${scheme.id}: compare returned ${c}`);
      assert.equal(scheme.compare(y, x), -c || 0, `${scheme.id}: antisymmetry`);
      assert.equal(scheme.compare(x, x), 0, `${scheme.id}: reflexive`);
    }
  }
  assert.ok(Date.now() - started < 20_000, 'fuzzing stays fast (no pathological backtracking)');
});

test('oversized and hostile inputs are error values, quickly', () => {
  const huge = `1.${'0.'.repeat(50_000)}1`;
  for (const scheme of schemes.list) {
    const t = Date.now();
    const p = scheme.parse(huge);
    assert.equal(p.ok, false, `${scheme.id} accepted ${huge.length} characters`);
    assert.ok(Date.now() - t < 100);
    assert.equal(scheme.parse('').ok, false, `${scheme.id} accepted an empty version`);
  }
  assert.ok(MAX_VERSION_LENGTH >= 128);
  const nearLimit = `${'9.'.repeat(127)}9`;
  for (const scheme of schemes.list) scheme.parse(nearLimit);
  assert.equal(isValidAlpineVersion(huge), false);
  assert.equal(apkVersionMatch('1.2.3', '~', '1.2'), true);
  assert.equal(satisfiesRange('1.0.0', '>'.repeat(5000), {}).ok, false);
  assert.equal(schemeFor('x'.repeat(10_000)), undefined);
});
