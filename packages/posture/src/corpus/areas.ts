import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigFinding } from '@bulwark/core';
import { scanCloudFormation } from '../cloudformation/cloudformation.js';
import { scanDockerfile } from '../dockerfile/scan.js';
import { scanKubernetesFiles } from '../kubernetes/scan.js';
import { dockerfileRules } from '../rules/dockerfile/all.js';
import { kubernetesRules } from '../rules/kubernetes/registry.js';
import { cloudRules } from '../terraform/registry.js';
import { scanTerraform } from '../terraform/terraform.js';
import { ruleIndex, scoreCase, summarize } from './score.js';
import type { AreaScore as Summary, CaseExpected, ScoredExpectation } from './score.js';

/**
 * Scores a misconfiguration corpus area (shared/corpus/{k8s,dockerfile,iac}) for Bulwark and, from the stored
 * `peer.json`, for Trivy on the same expectations. Used by the corpus tests and by the posture report; reads the
 * corpus, so it lives beside the tests rather than in the product's scan path.
 */
export type MisconfigArea = 'k8s' | 'dockerfile' | 'iac';

export interface CorpusAreaScore {
  area: MisconfigArea;
  cases: number;
  /** Bulwark's outcome per expectation, with the corpus source (case-name prefix: checkov, kubescape, trivy...). */
  bulwark: (ScoredExpectation & { source: string })[];
  /** Trivy's outcome per expectation, judged from the ids it fired (peer.json); not-covered when no Trivy id maps. */
  trivy: (ScoredExpectation & { source: string })[];
  /** Files Bulwark could not parse, "case: message". */
  parseErrors: string[];
}

interface Peer {
  fired_ids?: string[];
}

const ALL_RULES = [...kubernetesRules, ...dockerfileRules, ...cloudRules];

/** Trivy spells one check several ways: "KSV017", "AVD-KSV-0017", "KSV-0017", "DS002", "AVD-AWS-0086". */
export function trivyKey(id: string): string | undefined {
  const m = /^(?:AVD-)?(KSV|KCV|DS|AWS|AZU|GCP|GIT|DIG|CLDSTK|NIF|OCI|OPNSTK)-?0*(\d+)$/i.exec(id.trim());
  return m ? `${m[1]!.toUpperCase()}:${Number(m[2])}` : undefined;
}

function scanCase(area: MisconfigArea, dir: string, c: CaseExpected, errors: string[]): ConfigFinding[] {
  if (area === 'k8s') {
    const r = scanKubernetesFiles(c.inputs.map((p) => ({ path: p, content: readFileSync(join(dir, p)) })));
    errors.push(...r.errors.map((e) => `${c.case}: ${e.message}`));
    return r.findings;
  }
  if (area === 'dockerfile') {
    return c.inputs.flatMap((p) => {
      const r = scanDockerfile(p, readFileSync(join(dir, p)));
      errors.push(...r.errors.map((e) => `${c.case}: ${e.message}`));
      return r.findings;
    });
  }
  const files = c.inputs.map((p) => ({ path: p, content: readFileSync(join(dir, p), 'utf8') }));
  // upstream cases include deliberately broken inputs; their parse errors are not Bulwark's, so they are not kept
  if (c.kind === 'terraform') return scanTerraform(files).findings;
  return files.flatMap((f) => scanCloudFormation(f.path, f.content).findings);
}

export function scoreMisconfigArea(area: MisconfigArea, casesDir: string): CorpusAreaScore {
  const rules = area === 'k8s' ? kubernetesRules : area === 'dockerfile' ? dockerfileRules : cloudRules;
  const idx = ruleIndex(rules);
  const allIdx = ruleIndex(ALL_RULES);
  const aliasesById = new Map(ALL_RULES.map((r) => [r.id, r.aliases]));
  const out: CorpusAreaScore = { area, cases: 0, bulwark: [], trivy: [], parseErrors: [] };
  for (const name of readdirSync(casesDir).sort()) {
    const dir = join(casesDir, name);
    if (!existsSync(join(dir, 'expected.json'))) continue;
    out.cases++;
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as CaseExpected;
    const source = name.split('__')[0]!;
    const findings = scanCase(area, dir, expected, out.parseErrors);
    for (const s of scoreCase(expected, findings, idx)) out.bulwark.push({ ...s, source });
    const peerPath = join(dir, 'peer.json');
    if (!existsSync(peerPath)) continue;
    const fired = new Set(((JSON.parse(readFileSync(peerPath, 'utf8')) as Peer).fired_ids ?? []).map(trivyKey).filter((k): k is string => k !== undefined));
    for (const e of expected.expect) {
      // Trivy's equivalent ids: those the expectation names, else those Bulwark's covering rules carry as aliases
      const named = [e.rule, ...(e.aliases ?? [])];
      const ids = new Set(named.map(trivyKey).filter((k): k is string => k !== undefined));
      if (ids.size === 0) {
        for (const id of named) for (const r of allIdx.byAlias.get(id.toUpperCase()) ?? []) for (const a of aliasesById.get(r) ?? []) { const k = trivyKey(a); if (k) ids.add(k); }
      }
      const kind: ScoredExpectation['kind'] = e.passes ? 'passes' : e.fires ? 'fires' : 'clean';
      const base = { case: name, tool: e.tool, rule: e.rule, kind, bulwarkRules: [], source };
      // `passes` names resources that must not be flagged while others in the same file are: peer.json keeps only
      // the ids Trivy fired per case, so such an expectation cannot be judged for Trivy and is left out
      if (ids.size === 0 || kind === 'passes') {
        out.trivy.push({ ...base, outcome: 'not-covered' });
        continue;
      }
      const hit = [...ids].some((k) => fired.has(k));
      out.trivy.push({ ...base, outcome: kind === 'fires' ? (hit ? 'tp' : 'fn') : hit ? 'fp' : 'tn' });
    }
  }
  return out;
}

/** Recall counting every expectation, uncovered `fires` ones as misses: what a user of the whole corpus sees. */
export function recallOverAll(scored: readonly ScoredExpectation[]): number {
  const fires = scored.filter((s) => s.kind === 'fires');
  return fires.length === 0 ? 1 : fires.filter((s) => s.outcome === 'tp').length / fires.length;
}

export interface AreaRow {
  source: string;
  tool: 'bulwark' | 'trivy';
  summary: Summary;
  recallAll: number;
}

/** One row per corpus source and tool, plus "all". */
export function areaRows(score: CorpusAreaScore): AreaRow[] {
  const sources = [...new Set(score.bulwark.map((s) => s.source)), 'all'];
  const rows: AreaRow[] = [];
  for (const source of sources) {
    for (const tool of ['bulwark', 'trivy'] as const) {
      const scored = score[tool].filter((s) => source === 'all' || s.source === source);
      if (scored.length === 0) continue;
      rows.push({ source, tool, summary: summarize(scored), recallAll: recallOverAll(scored) });
    }
  }
  return rows;
}

function pct(x: number): string {
  return (100 * x).toFixed(1);
}

/** A Markdown table of `areaRows`. */
export function formatAreaTable(rows: readonly AreaRow[]): string {
  const lines = ['| source | tool | expectations | covered | tp | fn | tn | fp | recall (covered) | precision | recall (all) |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    const s = r.summary;
    const bold = (x: string): string => (r.source === 'all' ? `**${x}**` : x);
    lines.push(`| ${bold(r.source)} | ${r.tool} | ${s.expectations} | ${s.covered} (${pct(s.covered / s.expectations)}%) | ${s.tp} | ${s.fn} | ${s.tn} | ${s.fp} | ${bold(pct(s.recall))} | ${bold(pct(s.precision))} | ${pct(r.recallAll)} |`);
  }
  return lines.join('\n');
}

/** Of the expectations Trivy satisfies (tp or tn), how many Bulwark satisfies too: "never worse than the peer". */
export function peerParity(score: CorpusAreaScore): { peerSatisfied: number; bothSatisfied: number; missed: string[] } {
  const ok = (o: string): boolean => o === 'tp' || o === 'tn';
  const ours = new Map(score.bulwark.map((s) => [`${s.case}|${s.tool}|${s.rule}|${s.kind}`, s.outcome]));
  let peerSatisfied = 0;
  let bothSatisfied = 0;
  const missed: string[] = [];
  for (const t of score.trivy) {
    if (!ok(t.outcome)) continue;
    peerSatisfied++;
    const key = `${t.case}|${t.tool}|${t.rule}|${t.kind}`;
    if (ok(ours.get(key) ?? 'not-covered')) bothSatisfied++;
    else missed.push(key);
  }
  return { peerSatisfied, bothSatisfied, missed };
}
