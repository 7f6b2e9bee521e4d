import type { ConfigFinding } from '@bulwark/core';

/**
 * Scores findings against the corpus `expected.json` schema (shared/corpus/{k8s,dockerfile,iac}/README.md):
 * an expectation is covered when some Bulwark rule lists its `rule` (or one of its `aliases`) among its own id and
 * aliases; `fires: true` is met by >= 1 finding of such a rule, `fires: false` by none, `passes: true` when none of
 * `resources` is reported for it.
 */
export interface Expectation {
  tool: string;
  rule: string;
  aliases?: string[];
  fires?: boolean;
  passes?: boolean;
  count?: number;
  resources?: string[];
}

export interface CaseExpected {
  case: string;
  area: string;
  kind: string;
  inputs: string[];
  expect: Expectation[];
}

export interface RuleIndex {
  /** Peer id or alias (upper-cased) → Bulwark rule ids that carry it. */
  byAlias: Map<string, Set<string>>;
}

export function ruleIndex(rules: readonly { id: string; aliases: readonly string[] }[]): RuleIndex {
  const byAlias = new Map<string, Set<string>>();
  for (const r of rules) {
    for (const a of [r.id, ...r.aliases]) {
      const k = a.toUpperCase();
      if (!byAlias.has(k)) byAlias.set(k, new Set());
      byAlias.get(k)!.add(r.id);
    }
  }
  return { byAlias };
}

export type Outcome = 'tp' | 'fn' | 'tn' | 'fp' | 'not-covered';

export interface ScoredExpectation {
  case: string;
  tool: string;
  rule: string;
  kind: 'fires' | 'clean' | 'passes';
  outcome: Outcome;
  bulwarkRules: string[];
}

function rulesFor(e: Expectation, idx: RuleIndex): Set<string> {
  const out = new Set<string>();
  for (const id of [e.rule, ...(e.aliases ?? [])]) for (const r of idx.byAlias.get(id.toUpperCase()) ?? []) out.add(r);
  return out;
}

export function scoreCase(expected: CaseExpected, findings: readonly ConfigFinding[], idx: RuleIndex): ScoredExpectation[] {
  return expected.expect.map((e) => {
    const rules = rulesFor(e, idx);
    const kind: ScoredExpectation['kind'] = e.passes ? 'passes' : e.fires ? 'fires' : 'clean';
    const base = { case: expected.case, tool: e.tool, rule: e.rule, kind, bulwarkRules: [...rules] };
    if (rules.size === 0) return { ...base, outcome: 'not-covered' as const };
    const hits = findings.filter((f) => rules.has(f.ruleId));
    if (kind === 'fires') return { ...base, outcome: hits.length > 0 ? ('tp' as const) : ('fn' as const) };
    if (kind === 'clean') return { ...base, outcome: hits.length === 0 ? ('tn' as const) : ('fp' as const) };
    const flagged = (e.resources ?? []).some((res) => hits.some((f) => f.resource !== undefined && sameResource(f.resource, res)));
    return { ...base, outcome: flagged ? ('fp' as const) : ('tn' as const) };
  });
}

/** Checkov prints "Kind.namespace.name" / "type.name"; Bulwark "Kind/namespace/name" / "type.name". */
export function sameResource(ours: string, theirs: string): boolean {
  const norm = (s: string): string => s.replace(/\//g, '.').toLowerCase();
  return norm(ours) === norm(theirs) || norm(ours).endsWith('.' + norm(theirs)) || norm(theirs).endsWith('.' + norm(ours));
}

export interface AreaScore {
  expectations: number;
  covered: number;
  tp: number;
  fn: number;
  tn: number;
  fp: number;
  /** tp / (tp + fn) over covered `fires` expectations. */
  recall: number;
  /** tp / (tp + fp): of the covered verdicts where Bulwark reported something, how many were right. */
  precision: number;
  /** tn / (tn + fp) over covered `clean`/`passes` expectations. */
  specificity: number;
}

export function summarize(scored: readonly ScoredExpectation[]): AreaScore {
  const n = (o: Outcome): number => scored.filter((s) => s.outcome === o).length;
  const tp = n('tp');
  const fn = n('fn');
  const tn = n('tn');
  const fp = n('fp');
  const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);
  return {
    expectations: scored.length,
    covered: scored.length - n('not-covered'),
    tp,
    fn,
    tn,
    fp,
    recall: ratio(tp, tp + fn),
    precision: ratio(tp, tp + fp),
    specificity: ratio(tn, tn + fp),
  };
}
