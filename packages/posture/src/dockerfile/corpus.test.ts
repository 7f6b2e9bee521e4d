import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedPath } from '@bulwark/core/testing';
import { areaRows, formatAreaTable, peerParity, scoreMisconfigArea } from '../corpus/areas.js';
import { summarize } from '../corpus/score.js';

test('dockerfile corpus: recall and precision over covered expectations, next to Trivy', () => {
  const score = scoreMisconfigArea('dockerfile', sharedPath('corpus', 'dockerfile', 'cases'));
  const parity = peerParity(score);
  console.log(formatAreaTable(areaRows(score)));
  console.log(`expectations Trivy satisfies: ${parity.peerSatisfied}; Bulwark satisfies ${parity.bothSatisfied} of them`);
  const wrong = score.bulwark.filter((s) => s.outcome === 'fn' || s.outcome === 'fp');
  if (wrong.length) console.log('wrong: ' + wrong.map((w) => `${w.case} ${w.rule} ${w.outcome}`).join('\n  '));
  console.log(`not covered: ${[...new Set(score.bulwark.filter((s) => s.outcome === 'not-covered').map((s) => s.rule))].join(' ')}`);
  assert.deepEqual(score.parseErrors, []);
  const all = summarize(score.bulwark);
  assert.ok(all.recall >= 0.95, `recall ${all.recall}`);
  assert.ok(all.precision >= 0.95, `precision ${all.precision}`);
  assert.ok(all.covered / all.expectations >= 0.95, `coverage ${all.covered / all.expectations}`);
  assert.equal(parity.bothSatisfied, parity.peerSatisfied, `parity with Trivy: ${parity.missed.join(', ')}`);
});
