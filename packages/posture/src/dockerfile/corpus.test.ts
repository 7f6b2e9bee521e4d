import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedPath } from '@bulwark/core/testing';
import { ruleIndex, scoreCase, summarize } from '../corpus/score.js';
import type { CaseExpected, ScoredExpectation } from '../corpus/score.js';
import { dockerfileRules } from '../rules/dockerfile/all.js';
import { scanDockerfile } from './scan.js';

const TRIVY_EXPECTED_RECALL = 0.95;

test('dockerfile corpus: recall and precision over covered expectations, per source', () => {
  const root = sharedPath('corpus', 'dockerfile', 'cases');
  const idx = ruleIndex(dockerfileRules);
  const scored: ScoredExpectation[] = [];
  const ours = new Set(dockerfileRules.flatMap((r) => r.aliases.map((a) => a.toUpperCase())));
  let trivyFired = 0;
  let trivyMatched = 0;
  const trivyMissed = new Map<string, number>();
  const parseErrors: string[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as CaseExpected;
    const findings = expected.inputs.flatMap((input) => {
      const r = scanDockerfile(input, readFileSync(join(dir, input)));
      parseErrors.push(...r.errors.map((e) => `${name}: ${e.message}`));
      return r.findings;
    });
    scored.push(...scoreCase(expected, findings, idx));
    const peer = JSON.parse(readFileSync(join(dir, 'peer.json'), 'utf8')) as { fired_ids?: string[] };
    const firedAliases = new Set(findings.flatMap((f) => f.aliases.map((a) => a.toUpperCase())));
    for (const id of peer.fired_ids ?? []) {
      trivyFired++;
      if (firedAliases.has(id.toUpperCase())) trivyMatched++;
      else trivyMissed.set(id, (trivyMissed.get(id) ?? 0) + 1);
    }
  }
  const rows = ['source     expect covered   tp   fn   tn   fp  recall precision'];
  for (const tool of [...new Set(scored.map((s) => s.tool))].sort()) {
    const s = summarize(scored.filter((x) => x.tool === tool));
    rows.push(`${tool.padEnd(10)} ${String(s.expectations).padStart(6)} ${String(s.covered).padStart(7)} ${[s.tp, s.fn, s.tn, s.fp].map((n) => String(n).padStart(4)).join(' ')}  ${s.recall.toFixed(3)}     ${s.precision.toFixed(3)}`);
  }
  const all = summarize(scored);
  rows.push(`${'all'.padEnd(10)} ${String(all.expectations).padStart(6)} ${String(all.covered).padStart(7)} ${[all.tp, all.fn, all.tn, all.fp].map((n) => String(n).padStart(4)).join(' ')}  ${all.recall.toFixed(3)}     ${all.precision.toFixed(3)}`);
  rows.push(`coverage ${(all.covered / all.expectations).toFixed(3)}; Trivy fired ids matched by a Bulwark finding: ${trivyMatched}/${trivyFired}; missed: ${JSON.stringify(Object.fromEntries(trivyMissed))}`);
  const wrong = scored.filter((s) => s.outcome === 'fn' || s.outcome === 'fp');
  if (wrong.length) rows.push('wrong: ' + wrong.map((w) => `${w.case} ${w.rule} ${w.outcome}`).join('\n  '));
  const uncovered = [...new Set(scored.filter((s) => s.outcome === 'not-covered').map((s) => s.rule))];
  rows.push(`not covered: ${uncovered.join(' ')}`);
  console.log(rows.join('\n'));
  assert.deepEqual(parseErrors, []);
  assert.ok(all.recall >= 0.95, `recall ${all.recall}`);
  assert.ok(all.precision >= 0.95, `precision ${all.precision}`);
  assert.ok(all.covered / all.expectations >= 0.95, `coverage ${all.covered / all.expectations}`);
  assert.ok(trivyMatched / trivyFired >= TRIVY_EXPECTED_RECALL, `Trivy parity ${trivyMatched}/${trivyFired}`);
  for (const id of ['DS001', 'DS002', 'DS026']) assert.ok(ours.has(id));
});
