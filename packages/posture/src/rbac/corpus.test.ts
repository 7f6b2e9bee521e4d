import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedDir } from '@bulwark/core/testing';
import { ruleIndex, scoreCase, summarize } from '../corpus/score.js';
import type { CaseExpected, ScoredExpectation } from '../corpus/score.js';
import { rbacRules, scanRbacFiles } from './scan.js';

const CASES = join(sharedDir(), 'corpus', 'k8s', 'cases');
const RBAC_KINDS = /\b(Cluster)?Role(Binding)?\b/;

function pct(x: number): string {
  return (100 * x).toFixed(1).padStart(6);
}

test('k8s corpus, RBAC cases: recall and precision over covered expectations', { skip: !existsSync(CASES) }, () => {
  const idx = ruleIndex(rbacRules);
  const scored: (ScoredExpectation & { source: string })[] = [];
  let rbacCases = 0;
  let trivyFired = 0;
  let trivyOurs = 0;
  for (const name of readdirSync(CASES).sort()) {
    const dir = join(CASES, name);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as CaseExpected;
    const files = expected.inputs.map((p) => ({ path: p, content: readFileSync(join(dir, p)) }));
    // an RBAC case is one whose inputs hold RBAC objects; the others only count when they hit one of our aliases
    const isRbac = files.some((f) => /kind"?\s*:\s*"?(Cluster)?Role(Binding)?"?\s*$/m.test(f.content.toString('utf8')) || RBAC_KINDS.test(f.content.toString('utf8')) && /roleRef|rules/.test(f.content.toString('utf8')));
    if (!isRbac) continue;
    rbacCases++;
    const { findings } = scanRbacFiles(files);
    const source = name.split('__')[0]!;
    for (const s of scoreCase(expected, findings, idx)) scored.push({ ...s, source });
    const peerPath = join(dir, 'peer.json');
    if (existsSync(peerPath)) {
      // Trivy's RBAC ids on the same inputs: how many of them do we map and also fire?
      const fired = ((JSON.parse(readFileSync(peerPath, 'utf8')) as { fired_ids?: string[] }).fired_ids ?? []).filter((id) => idx.byAlias.has(id.toUpperCase()));
      trivyFired += fired.length;
      const ours = fired.filter((id) => findings.some((f) => idx.byAlias.get(id.toUpperCase())!.has(f.ruleId)));
      trivyOurs += ours.length;
      if (ours.length < fired.length) console.log(`trivy-only ${name}: ${fired.filter((x) => !ours.includes(x)).join(",")}`);
    }
  }
  const sources = [...new Set(scored.map((s) => s.source))].sort();
  const lines = [`RBAC cases: ${rbacCases}`, 'source       expect covered  cover%    tp   fn   tn   fp  recall  precis  specif'];
  for (const src of [...sources, 'ALL']) {
    const s = summarize(src === 'ALL' ? scored : scored.filter((x) => x.source === src));
    lines.push(
      `${src.padEnd(12)} ${String(s.expectations).padStart(6)} ${String(s.covered).padStart(7)} ${pct(s.covered / s.expectations)} ${String(s.tp).padStart(5)}${String(s.fn).padStart(5)}${String(s.tn).padStart(5)}${String(s.fp).padStart(5)} ${pct(s.recall)}  ${pct(s.precision)}  ${pct(s.specificity)}`,
    );
  }
  lines.push(`trivy RBAC ids fired on these cases (KSV04x/05x/11x we alias): ${trivyFired}; bulwark fires the same rule on ${trivyOurs}`);
  console.log(lines.join('\n'));
  for (const s of scored.filter((x) => x.outcome === 'fn' || x.outcome === 'fp')) console.log(`${s.outcome} ${s.case} ${s.rule} -> ${s.bulwarkRules.join(',')}`);
  const all = summarize(scored);
  assert.ok(all.recall >= 0.95, `recall ${all.recall}`);
  assert.ok(all.precision >= 0.95, `precision ${all.precision}`);
  assert.ok(all.specificity >= 0.95, `specificity ${all.specificity}`);
  assert.ok(trivyOurs === trivyFired, `Trivy fired ${trivyFired} RBAC ids we map, we fired ${trivyOurs}`);
});
