import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath } from '@bulwark/core/testing';
import type { ConfigFinding } from '@bulwark/core';
import { ruleIndex, scoreCase, summarize } from '../../corpus/score.js';
import type { CaseExpected, ScoredExpectation } from '../../corpus/score.js';
import { scanCloudFormation } from '../../cloudformation/cloudformation.js';
import { scanTerraform } from '../../terraform/terraform.js';
import { cloudRules } from '../../terraform/registry.js';

const idx = ruleIndex(cloudRules);

function scanCase(dir: string, c: CaseExpected): ConfigFinding[] {
  const files = c.inputs.map((p) => ({ path: p, content: readFileSync(join(dir, p), 'utf8') }));
  if (c.kind === 'terraform') return scanTerraform(files).findings;
  return files.flatMap((f) => scanCloudFormation(f.path, f.content).findings);
}

test('iac corpus: recall and precision over covered expectations, per source', () => {
  const root = join(sharedPath('corpus', 'iac'), 'cases');
  const scored: ScoredExpectation[] = [];
  let trivyFired = 0;
  let trivyMatched = 0;
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    const c = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as CaseExpected;
    const s = scoreCase(c, scanCase(dir, c), idx);
    scored.push(...s);
    const peer = JSON.parse(readFileSync(join(dir, 'peer.json'), 'utf8')) as { fired_ids: string[] };
    for (const e of c.expect) {
      if (e.tool !== 'trivy' || !e.fires) continue;
      const trivyHit = [e.rule, ...(e.aliases ?? [])].some((id) => peer.fired_ids.includes(id));
      if (!trivyHit) continue;
      trivyFired++;
      if (s.find((x) => x.rule === e.rule && x.kind === 'fires')?.outcome === 'tp') trivyMatched++;
    }
  }
  const rows: Record<string, unknown>[] = [];
  for (const tool of ['trivy', 'checkov', 'all']) {
    const sub = scored.filter((s) => tool === 'all' || s.tool === tool);
    const sum = summarize(sub);
    rows.push({ source: tool, ...sum, coverage: +(sum.covered / sum.expectations).toFixed(3), recall: +sum.recall.toFixed(3), precision: +sum.precision.toFixed(3), specificity: +sum.specificity.toFixed(3) });
  }
  console.table(rows);
  console.log(`trivy (peer.json) true positives on trivy 'fires' expectations: ${trivyFired}; Bulwark also fires on ${trivyMatched} of them`);
  const misses = scored.filter((s) => s.outcome === 'fn' || s.outcome === 'fp');
  for (const m of misses) console.log(`  ${m.outcome} ${m.case} ${m.rule}`);
  const all = summarize(scored);
  assert.ok(all.recall >= 0.95, `recall ${all.recall}`);
  assert.ok(all.precision >= 0.95, `precision ${all.precision}`);
});
