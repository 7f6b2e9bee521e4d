import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedPath } from '@bulwark/core/testing';
import { areaRows, formatAreaTable, peerParity, scoreMisconfigArea } from '../../corpus/areas.js';
import { summarize } from '../../corpus/score.js';

test('iac corpus: recall and precision over covered expectations, next to Trivy', () => {
  const score = scoreMisconfigArea('iac', sharedPath('corpus', 'iac', 'cases'));
  const parity = peerParity(score);
  console.log(formatAreaTable(areaRows(score)));
  console.log(`expectations Trivy satisfies: ${parity.peerSatisfied}; Bulwark satisfies ${parity.bothSatisfied} of them`);
  for (const m of score.bulwark.filter((s) => s.outcome === 'fn' || s.outcome === 'fp')) console.log(`  ${m.outcome} ${m.case} ${m.rule}`);
  const all = summarize(score.bulwark);
  assert.ok(all.recall >= 0.95, `recall ${all.recall}`);
  assert.ok(all.precision >= 0.95, `precision ${all.precision}`);
  assert.ok(parity.bothSatisfied / parity.peerSatisfied >= 0.95, `parity with Trivy ${parity.bothSatisfied}/${parity.peerSatisfied}`);
});
