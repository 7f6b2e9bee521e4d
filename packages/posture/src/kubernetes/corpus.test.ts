import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedDir } from '@bulwark/core/testing';
import { areaRows, formatAreaTable, peerParity, scoreMisconfigArea } from '../corpus/areas.js';
import { summarize } from '../corpus/score.js';

const CASES = join(sharedDir(), 'corpus', 'k8s', 'cases');
const VERBOSE = process.env.K8S_CORPUS_VERBOSE === '1';

test('k8s corpus: recall and precision over covered expectations, next to Trivy', { skip: !existsSync(CASES) }, () => {
  const score = scoreMisconfigArea('k8s', CASES);
  const parity = peerParity(score);
  console.log(formatAreaTable(areaRows(score)));
  console.log(`expectations Trivy satisfies: ${parity.peerSatisfied}; Bulwark satisfies ${parity.bothSatisfied} of them`);
  if (VERBOSE) {
    for (const s of score.bulwark.filter((x) => x.outcome === 'fn' || x.outcome === 'fp')) console.log(`${s.outcome} ${s.case} ${s.rule} -> ${s.bulwarkRules.join(',')}`);
    for (const m of parity.missed) console.log(`trivy-only ${m}`);
    const missing = new Map<string, number>();
    for (const s of score.bulwark.filter((x) => x.outcome === 'not-covered')) missing.set(`${s.tool} ${s.rule}`, (missing.get(`${s.tool} ${s.rule}`) ?? 0) + 1);
    console.log([...missing].sort((a, b) => b[1] - a[1]).map(([k, n]) => `not covered ${n} ${k}`).join('\n'));
  }
  const all = summarize(score.bulwark);
  assert.ok(all.recall >= 0.95, `recall ${all.recall}`);
  assert.ok(all.precision >= 0.95, `precision ${all.precision}`);
  // floor of the coverage reached so far; raise it as rules are added
  assert.ok(all.covered / all.expectations >= 0.96, `coverage ${all.covered}/${all.expectations}`);
  assert.ok(parity.bothSatisfied / parity.peerSatisfied >= 0.95, `parity with Trivy ${parity.bothSatisfied}/${parity.peerSatisfied}`);
});
