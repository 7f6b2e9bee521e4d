import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath } from '@bulwark/core/testing';
import { scoreNetpolCase } from './corpus.js';
import type { NetpolCaseResult } from './corpus.js';

const casesDir = sharedPath('corpus', 'netpol', 'cases');
const cases = readdirSync(casesDir).sort();
const results: NetpolCaseResult[] = [];

for (const name of cases) {
  test(`corpus ${name}`, () => {
    const r = scoreNetpolCase(join(casesDir, name), name);
    results.push(r);
    assert.equal(r.wrongCells, 0);
    assert.deepEqual({ missing: r.missing.slice(0, 5), extra: r.extra.slice(0, 5) }, { missing: [], extra: [] });
    assert.notEqual(r.textMatches, false, 'text output equals netpol-analyzer output');
    assert.ok(r.ok, r.detail);
  });
}

test('corpus summary', () => {
  const pass = results.filter((r) => r.ok).length;
  console.log(`netpol corpus: ${pass}/${results.length} cases exact`);
  for (const r of results) if (!r.ok) console.log(`  FAIL ${r.name}: ${r.detail}`);
  assert.equal(results.length, cases.length);
  assert.equal(pass, cases.length);
});
