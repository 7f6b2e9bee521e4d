import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedDir } from '@bulwark/core/testing';
import { ruleIndex, scoreCase, summarize } from '../corpus/score.js';
import type { CaseExpected, ScoredExpectation } from '../corpus/score.js';
import { kubernetesRules } from '../rules/kubernetes/registry.js';
import { scanKubernetesFiles } from './scan.js';

const CASES = join(sharedDir(), 'corpus', 'k8s', 'cases');
const VERBOSE = process.env.K8S_CORPUS_VERBOSE === '1';

interface Peer {
  fired_ids?: string[];
}

/** "KSV017", "AVD-KSV-0017", "KSV-0017", "KCV0001" → "KSV:17" / "KCV:1". */
function trivyKey(id: string): string | undefined {
  const m = /^(?:AVD-)?(KSV|KCV)-?0*(\d+)$/i.exec(id);
  return m ? `${m[1]!.toUpperCase()}:${Number(m[2])}` : undefined;
}

function pct(x: number): string {
  return (100 * x).toFixed(1).padStart(6);
}

test('k8s corpus: recall and precision over covered expectations', { skip: !existsSync(CASES) }, () => {
  const idx = ruleIndex(kubernetesRules);
  const aliasesById = new Map(kubernetesRules.map((r) => [r.id, r.aliases]));
  const scored: (ScoredExpectation & { source: string })[] = [];
  const peerScored: ScoredExpectation[] = [];
  for (const name of readdirSync(CASES).sort()) {
    const dir = join(CASES, name);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as CaseExpected;
    const files = expected.inputs.map((p) => ({ path: p, content: readFileSync(join(dir, p)) }));
    const { findings } = scanKubernetesFiles(files);
    const source = name.split('__')[0]!;
    for (const s of scoreCase(expected, findings, idx)) scored.push({ ...s, source });
    const peerPath = join(dir, 'peer.json');
    if (existsSync(peerPath)) {
      const peer = JSON.parse(readFileSync(peerPath, 'utf8')) as Peer;
      const fired = new Set((peer.fired_ids ?? []).map(trivyKey).filter((k): k is string => k !== undefined));
      for (const e of expected.expect) {
        // Trivy's equivalent ids: those the expectation names, else those our covering rules carry as aliases
        const ids = new Set([e.rule, ...(e.aliases ?? [])].map(trivyKey).filter((k): k is string => k !== undefined));
        if (ids.size === 0) for (const id of [e.rule, ...(e.aliases ?? [])]) for (const r of idx.byAlias.get(id.toUpperCase()) ?? []) for (const a of aliasesById.get(r) ?? []) { const k = trivyKey(a); if (k) ids.add(k); }
        const kind: ScoredExpectation['kind'] = e.passes ? 'passes' : e.fires ? 'fires' : 'clean';
        const base = { case: name, tool: e.tool, rule: e.rule, kind, bulwarkRules: [] };
        if (ids.size === 0) {
          peerScored.push({ ...base, outcome: 'not-covered' });
          continue;
        }
        const hit = [...ids].some((k) => fired.has(k));
        // Trivy reports no resource names comparable to checkov's, so `passes` is judged like `clean`
        peerScored.push({ ...base, outcome: kind === 'fires' ? (hit ? 'tp' : 'fn') : hit ? 'fp' : 'tn' });
      }
    }
  }
  const sources = [...new Set(scored.map((s) => s.source))].sort();
  const lines = ['source       expect covered  cover%    tp   fn   tn   fp  recall  precis  specif'];
  for (const src of [...sources, 'ALL']) {
    const s = summarize(src === 'ALL' ? scored : scored.filter((x) => x.source === src));
    lines.push(
      `${src.padEnd(12)} ${String(s.expectations).padStart(6)} ${String(s.covered).padStart(7)} ${pct(s.covered / s.expectations)} ${String(s.tp).padStart(5)}${String(s.fn).padStart(5)}${String(s.tn).padStart(5)}${String(s.fp).padStart(5)} ${pct(s.recall)}  ${pct(s.precision)}  ${pct(s.specificity)}`,
    );
  }
  const t = summarize(peerScored);
  const all0 = summarize(scored);
  lines.push(`trivy (peer.json fired ids): covered ${t.covered}/${t.expectations}, tp ${t.tp} fn ${t.fn} tn ${t.tn} fp ${t.fp}, satisfied ${t.tp + t.tn}`);
  const trivyCovered = new Set(peerScored.filter((p) => p.outcome !== 'not-covered').map((p) => `${p.case}|${p.rule}`));
  const ours = scored.filter((s) => trivyCovered.has(`${s.case}|${s.rule}`));
  const o = summarize(ours);
  lines.push(`bulwark on those same expectations: covered ${o.covered}, tp ${o.tp} fn ${o.fn} tn ${o.tn} fp ${o.fp}, satisfied ${o.tp + o.tn}`);
  lines.push(`satisfied overall: bulwark ${all0.tp + all0.tn}/${all0.expectations}, trivy ${t.tp + t.tn}/${t.expectations}`);
  console.log(lines.join('\n'));
  if (VERBOSE) {
    for (const s of scored.filter((x) => x.outcome === 'fn' || x.outcome === 'fp')) console.log(`${s.outcome} ${s.case} ${s.rule} -> ${s.bulwarkRules.join(',')}`);
    const missing = new Map<string, number>();
    for (const s of scored.filter((x) => x.outcome === 'not-covered')) missing.set(`${s.tool} ${s.rule}`, (missing.get(`${s.tool} ${s.rule}`) ?? 0) + 1);
    console.log([...missing].sort((a, b) => b[1] - a[1]).map(([k, n]) => `not covered ${n} ${k}`).join('\n'));
  }
  const all = summarize(scored);
  assert.ok(all.recall >= 0.95, `recall ${all.recall}`);
  assert.ok(all.precision >= 0.95, `precision ${all.precision}`);
  // floor of the coverage reached when the suite was written (73.6%); raise it as rules are added
  assert.ok(all.covered / all.expectations >= 0.73, `coverage ${all.covered}/${all.expectations}`);
});
