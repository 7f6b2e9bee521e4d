import { isDeepStrictEqual } from 'node:util';
import type { ConfigFinding, Severity } from '@bulwark/core';
import { isDockerfilePath, scanDockerfile } from '../dockerfile/scan.js';
import type { DockerfileFix } from '../dockerfile/scan.js';
import type { DockerfileRule } from '../dockerfile/rule.js';
import { scanKubernetesFiles } from '../kubernetes/scan.js';
import type { KubernetesFix } from '../kubernetes/scan.js';
import type { K8sRule } from '../kubernetes/rule.js';
import { dockerfileRules } from '../rules/dockerfile/all.js';
import { kubernetesRules } from '../rules/kubernetes/registry.js';
import type { DocPath, Fix } from '../rules/types.js';
import { FIX_DEFAULTS } from './defaults.js';
import type { FixDefaults } from './defaults.js';
import { ParsedText } from './yaml-edit.js';

/** One edit made to a file. */
export interface FixChange {
  /** Rules whose findings the edit fixes (several when their fixes coincide). */
  rules: string[];
  /**
   * The fix as applied: for YAML/JSON the path is relative to the document root (a `List` item's path starts with
   * "items", n); for Dockerfiles a `lines` fix in the lines of the text the pass edited.
   */
  fix: Fix;
  /** YAML document index (0-based); absent for Dockerfiles. */
  document?: number;
}

/** What `--fix` does to one file. */
export interface FixPlan {
  path: string;
  before: string;
  after: string;
  /** Findings whose fix was applied (or found already in place through another finding's fix). */
  applied: ConfigFinding[];
  /** Fixable findings left alone, with why: conflicting fixes, edits that cannot be made in place, ... */
  skipped: { finding: ConfigFinding; reason: string }[];
  changes: FixChange[];
}

export interface PlanOptions {
  /** Only fix findings of these rules (Bulwark ids or peer aliases, case-insensitive). */
  rules?: readonly string[];
  /** Values written by the fixes (resource requests/limits, UID); FIX_DEFAULTS otherwise. */
  defaults?: Partial<FixDefaults>;
  kubernetesRules?: readonly K8sRule[];
  dockerfileRules?: readonly DockerfileRule[];
}

/** Fix passes: a later pass fixes what an earlier fix uncovered (a request set, its limit still missing) or what a conflict held back. */
const MAX_PASSES = 4;

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, negligible: 4, unknown: 5 };

function isManifestPath(path: string): boolean {
  return /\.(ya?ml|json)$/i.test(path);
}

function selector(rules: readonly string[] | undefined): (f: ConfigFinding) => boolean {
  if (!rules) return () => true;
  const want = new Set(rules.map((r) => r.toUpperCase()));
  return (f) => want.has(f.ruleId.toUpperCase()) || f.aliases.some((a) => want.has(a.toUpperCase()));
}

function byPriority(a: ConfigFinding, b: ConfigFinding): number {
  return (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

/** The fix with the values of `defaults` where it carries a built-in default. */
function withDefaults(fix: Fix, d: FixDefaults): Fix {
  if (fix.kind === 'set') {
    const n = fix.path.length;
    const [kind, what] = [fix.path[n - 2], fix.path[n - 1]];
    if (n >= 3 && fix.path[n - 3] === 'resources' && (kind === 'requests' || kind === 'limits') && (what === 'cpu' || what === 'memory') && fix.value === FIX_DEFAULTS.resources[kind][what]) {
      return { ...fix, value: d.resources[kind][what] };
    }
    if (what === 'runAsUser' && fix.value === FIX_DEFAULTS.uid) return { ...fix, value: d.uid };
  }
  if (fix.kind === 'lines' && fix.replacement.length === 1 && fix.replacement[0] === `USER ${FIX_DEFAULTS.uid}`) return { ...fix, replacement: [`USER ${d.uid}`] };
  return fix;
}

interface Entry<R> {
  record: R;
  finding: ConfigFinding;
  fix: Fix;
}

interface FileState {
  path: string;
  before: string;
  text: string;
  applied: ConfigFinding[];
  skipped: { finding: ConfigFinding; reason: string }[];
  changes: FixChange[];
}

function keyOf(f: ConfigFinding): string {
  return `${f.file}\u0000${f.ruleId}\u0000${f.resource ?? ''}`;
}

// ---------- Kubernetes ----------

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Path prefix of each resource of document `doc`, the way parseKubernetes enumerates them (List items by position). */
function resourcePrefixes(parsed: ParsedText, doc: number): DocPath[] {
  let value: unknown;
  try {
    value = parsed.value(doc);
  } catch {
    return [];
  }
  if (!isRecord(value)) return [];
  const isList = value.kind === 'List' || (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items));
  const items: [unknown, DocPath][] = isList ? (Array.isArray(value.items) ? value.items.map((x, j) => [x, ['items', j]]) : []) : [[value, []]];
  return items.filter(([o]) => isRecord(o) && typeof o.apiVersion === 'string' && typeof o.kind === 'string').map(([, p]) => p);
}

interface Owned {
  doc: number;
  path: DocPath;
  value: unknown;
  rule: string;
}

function startsWith(a: DocPath, b: DocPath): boolean {
  return b.length <= a.length && b.every((s, i) => String(s) === String(a[i]));
}
function getIn(v: unknown, path: DocPath): unknown {
  let cur = v;
  for (const s of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(s)];
  }
  return cur;
}

/** Why a fix would undo (part of) one applied earlier, or undefined. */
function conflictWith(owned: readonly Owned[], doc: number, path: DocPath, value: unknown): string | undefined {
  for (const o of owned) {
    if (o.doc !== doc) continue;
    let clash = false;
    if (startsWith(path, o.path)) clash = !isDeepStrictEqual(getIn(o.value, path.slice(o.path.length)), value);
    else if (startsWith(o.path, path)) clash = !isDeepStrictEqual(getIn(value, o.path.slice(path.length)), o.value);
    if (clash) return `conflicts with the ${o.rule} fix of ${o.path.join('.')}`;
  }
  return undefined;
}

function applyKubernetes(state: FileState, entries: Entry<KubernetesFix>[], owned: Owned[], onApplied: (e: Entry<KubernetesFix>) => void, onSkipped: (e: Entry<KubernetesFix>, reason: string) => void): void {
  entries.sort(
    (a, b) =>
      byPriority(a.finding, b.finding) || a.record.resource.docIndex - b.record.resource.docIndex || a.record.ordinal - b.record.ordinal ||
      JSON.stringify(a.fix.kind === 'lines' ? [] : a.fix.path).localeCompare(JSON.stringify(b.fix.kind === 'lines' ? [] : b.fix.path)),
  );
  let parsed = ParsedText.parse(state.path, state.text);
  for (const e of entries) {
    const { fix } = e;
    if (fix.kind === 'lines') {
      onSkipped(e, 'a line fix cannot apply to a YAML/JSON file');
      continue;
    }
    const doc = e.record.resource.docIndex;
    const prefix = parsed ? resourcePrefixes(parsed, doc)[e.record.ordinal] : undefined;
    if (!prefix) {
      onSkipped(e, 'the resource is not where the scan found it');
      continue;
    }
    const path = [...prefix, ...fix.path];
    const value = fix.kind === 'set' ? fix.value : undefined;
    const conflict = conflictWith(owned, doc, path, value);
    if (conflict) {
      onSkipped(e, conflict);
      continue;
    }
    const r = parsed!.edit(doc, fix.kind === 'set' ? { kind: 'set', path, value } : { kind: 'delete', path });
    if (!r.ok) {
      onSkipped(e, `cannot edit ${path.join('.')} in place: ${r.error}`);
      continue;
    }
    owned.push({ doc, path, value, rule: e.finding.ruleId });
    const same = state.changes.find((c) => c.document === doc && isDeepStrictEqual(c.fix, { ...fix, path }));
    if (same) {
      if (!same.rules.includes(e.finding.ruleId)) same.rules.push(e.finding.ruleId);
    } else if (r.value !== parsed) state.changes.push({ rules: [e.finding.ruleId], fix: { ...fix, path } as Fix, document: doc });
    parsed = r.value;
    state.text = parsed.text;
    onApplied(e);
  }
}

// ---------- Dockerfile ----------

interface Interval {
  start: number;
  end: number;
}
/** Lines [start, end) a fix replaces; an insertion is the empty interval at its line. */
function intervalOf(fix: Extract<Fix, { kind: 'lines' }>): Interval {
  return { start: fix.range.startLine, end: fix.range.endLine + 1 };
}
function overlaps(a: Interval, b: Interval): boolean {
  if (a.start === a.end) return b.start < a.start && a.start < b.end;
  if (b.start === b.end) return a.start < b.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

function applyDockerfile(state: FileState, entries: Entry<DockerfileFix>[], onApplied: (e: Entry<DockerfileFix>) => void, onSkipped: (e: Entry<DockerfileFix>, reason: string) => void, onConflict: (e: Entry<DockerfileFix>, reason: string) => void): void {
  entries.sort((a, b) => byPriority(a.finding, b.finding) || a.finding.range.startLine - b.finding.range.startLine);
  const crlf = state.text.includes('\r\n');
  const lines = state.text.split('\n');
  const count = state.text.endsWith('\n') ? lines.length - 1 : lines.length;
  const taken: { fix: Extract<Fix, { kind: 'lines' }>; iv: Interval; change: FixChange }[] = [];
  for (const e of entries) {
    const { fix } = e;
    if (fix.kind !== 'lines') {
      onSkipped(e, 'a field fix cannot apply to a Dockerfile');
      continue;
    }
    const iv = intervalOf(fix);
    if (iv.start < 1 || iv.end < iv.start || iv.end > count + 1) {
      onSkipped(e, `lines ${fix.range.startLine}-${fix.range.endLine} are outside the file`);
      continue;
    }
    const same = taken.find((t) => t.iv.start === iv.start && t.iv.end === iv.end && isDeepStrictEqual(t.fix.replacement, fix.replacement));
    if (same) {
      if (!same.change.rules.includes(e.finding.ruleId)) same.change.rules.push(e.finding.ruleId);
      onApplied(e);
      continue;
    }
    const clash = taken.find((t) => overlaps(t.iv, iv) || (t.iv.start === iv.start && t.iv.end === iv.end));
    if (clash) {
      onConflict(e, `conflicts with the ${clash.change.rules[0]} fix of lines ${clash.fix.range.startLine}-${clash.fix.range.endLine}`);
      continue;
    }
    const change: FixChange = { rules: [e.finding.ruleId], fix };
    taken.push({ fix, iv, change });
    state.changes.push(change);
    onApplied(e);
  }
  // bottom-up, so earlier line numbers stay valid; insertions at one point keep their priority order
  const order = taken.map((t, i) => ({ ...t, i })).sort((a, b) => b.iv.start - a.iv.start || b.i - a.i);
  for (const t of order) lines.splice(t.iv.start - 1, t.iv.end - t.iv.start, ...t.fix.replacement.map((l) => (crlf ? `${l}\r` : l)));
  state.text = lines.join('\n');
}

// ---------- planner ----------

/**
 * Plans the mechanical fixes of every fixable finding in `files` (Kubernetes YAML/JSON manifests, Dockerfiles): scans,
 * applies the fixes in place, scans again to pick up what a fix uncovered, and returns one plan per file that had a
 * fixable finding. Pure: nothing is written. Conflicting fixes are resolved by severity, then rule id, then position;
 * the loser is reported in `skipped`.
 */
export function planFixes(files: readonly { path: string; content: Buffer }[], opts: PlanOptions = {}): FixPlan[] {
  const wanted = selector(opts.rules);
  const defaults: FixDefaults = { ...FIX_DEFAULTS, ...opts.defaults, resources: { ...FIX_DEFAULTS.resources, ...opts.defaults?.resources } };
  const k8sRules = opts.kubernetesRules ?? kubernetesRules;
  const dfRules = opts.dockerfileRules ?? dockerfileRules;
  const states = new Map<string, FileState>();
  // findings per key and message before any fix, to tell a finding a fix did not clear from one no fix touched
  const initial = new Map<string, number>();
  const count = (f: ConfigFinding): void => {
    const k = `${keyOf(f)}\u0000${f.message}`;
    initial.set(k, (initial.get(k) ?? 0) + 1);
  };
  const touched = new Set<string>();
  const stateOf = (path: string): FileState => states.get(path)!;
  for (const f of files) {
    const text = f.content.toString('utf8');
    states.set(f.path, { path: f.path, before: text, text, applied: [], skipped: [], changes: [] });
  }
  const manifests = files.filter((f) => !isDockerfilePath(f.path) && isManifestPath(f.path)).map((f) => f.path);
  const dockerfiles = files.filter((f) => isDockerfilePath(f.path)).map((f) => f.path);

  // Kubernetes: all manifests scanned together (cross-object rules), fixed file by file.
  const owned = new Map<string, Owned[]>();
  const appliedKeys = new Map<string, Set<string>>(); // finding key -> messages already fixed
  const fixedRules = new Set<string>();
  for (let pass = 0; pass < MAX_PASSES && manifests.length > 0; pass++) {
    // later passes only look again with the rules that fixed something
    const ruleSet = pass === 0 ? k8sRules : k8sRules.filter((r) => fixedRules.has(r.id));
    const scan = scanKubernetesFiles(manifests.map((p) => ({ path: p, content: Buffer.from(stateOf(p).text) })), ruleSet);
    if (pass === 0) scan.findings.forEach(count);
    const byFile = new Map<string, Entry<KubernetesFix>[]>();
    for (const rec of scan.fixes) {
      if (!wanted(rec.finding)) continue;
      const key = keyOf(rec.finding);
      if (pass > 0 && (!appliedKeys.has(key) || appliedKeys.get(key)!.has(rec.finding.message))) continue;
      const list = byFile.get(rec.resource.file) ?? [];
      list.push({ record: rec, finding: rec.finding, fix: withDefaults(rec.fix, defaults) });
      byFile.set(rec.resource.file, list);
    }
    let progress = false;
    for (const [file, entries] of byFile) {
      const state = stateOf(file);
      touched.add(file);
      const own = owned.get(file) ?? [];
      owned.set(file, own);
      const textBefore = state.text;
      applyKubernetes(
        state,
        entries,
        own,
        (e) => {
          const key = keyOf(e.finding);
          const msgs = appliedKeys.get(key) ?? new Set<string>();
          msgs.add(e.finding.message);
          appliedKeys.set(key, msgs);
          fixedRules.add(e.finding.ruleId);
          if (pass === 0) state.applied.push(e.finding);
        },
        (e, reason) => {
          if (pass === 0) state.skipped.push({ finding: e.finding, reason });
        },
      );
      if (state.text !== textBefore) progress = true;
    }
    if (!progress) break;
  }

  // Dockerfiles: each on its own; a fix held back by a conflict is retried on the rescanned text.
  for (const path of dockerfiles) {
    const state = stateOf(path);
    let pending: { finding: ConfigFinding; reason: string }[] = [];
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const scan = scanDockerfile(path, Buffer.from(state.text), dfRules);
      if (pass === 0) scan.findings.forEach(count);
      const entries: Entry<DockerfileFix>[] = [];
      const waiting = [...pending];
      for (const rec of scan.fixes) {
        if (!wanted(rec.finding)) continue;
        if (pass > 0) {
          const i = waiting.findIndex((p) => p.finding.ruleId === rec.finding.ruleId && p.finding.message === rec.finding.message);
          if (i < 0) continue;
          entries.push({ record: rec, finding: waiting[i]!.finding, fix: withDefaults(rec.fix, defaults) });
          waiting.splice(i, 1);
        } else entries.push({ record: rec, finding: rec.finding, fix: withDefaults(rec.fix, defaults) });
      }
      if (entries.length === 0) break;
      touched.add(path);
      const next: typeof pending = [];
      applyDockerfile(
        state,
        entries,
        (e) => state.applied.push(e.finding),
        (e, reason) => state.skipped.push({ finding: e.finding, reason }),
        (e, reason) => next.push({ finding: e.finding, reason }),
      );
      pending = [...next, ...waiting];
      if (pending.length === 0) break;
    }
    state.skipped.push(...pending);
  }

  // Edits re-parse only their document: the whole file must still read as the same number of documents.
  for (const path of manifests) {
    const state = stateOf(path);
    if (state.text === state.before) continue;
    const full = ParsedText.parse(path, state.text);
    const orig = ParsedText.parse(path, state.before);
    if (full && orig && full.docs.length === orig.docs.length) continue;
    state.skipped.push(...state.applied.map((finding) => ({ finding, reason: 'the fixed file does not parse back into the same documents' })));
    state.applied = [];
    state.changes = [];
    state.text = state.before;
  }

  // A fix that did not clear its finding is reported as skipped.
  const finalK8s = fixedRules.size > 0 ? scanKubernetesFiles(manifests.map((p) => ({ path: p, content: Buffer.from(stateOf(p).text) })), k8sRules.filter((r) => fixedRules.has(r.id))).findings : [];
  const finalDf = dockerfiles.flatMap((p) => scanDockerfile(p, Buffer.from(stateOf(p).text), dfRules).findings);
  const remaining = new Map<string, number>();
  for (const f of [...finalK8s, ...finalDf]) {
    const k = `${keyOf(f)}\u0000${f.message}`;
    remaining.set(k, (remaining.get(k) ?? 0) + 1);
  }
  const appliedCount = new Map<string, number>();
  for (const path of touched) {
    for (const f of stateOf(path).applied) {
      const k = `${keyOf(f)}\u0000${f.message}`;
      appliedCount.set(k, (appliedCount.get(k) ?? 0) + 1);
    }
  }
  // what still fires beyond the findings no fix was applied to
  for (const [k, n] of remaining) remaining.set(k, Math.max(0, n - ((initial.get(k) ?? 0) - (appliedCount.get(k) ?? 0))));
  for (const path of touched) {
    const state = stateOf(path);
    const kept: ConfigFinding[] = [];
    for (const f of [...state.applied].reverse()) {
      const k = `${keyOf(f)}\u0000${f.message}`;
      const n = remaining.get(k) ?? 0;
      if (n > 0) {
        remaining.set(k, n - 1);
        state.skipped.push({ finding: f, reason: 'the fix was applied but the rule still reports this finding' });
      } else kept.push(f);
    }
    state.applied = kept.reverse();
  }

  return files
    .filter((f) => touched.has(f.path))
    .map((f) => {
      const s = stateOf(f.path);
      return { path: s.path, before: s.before, after: s.text, applied: s.applied, skipped: s.skipped, changes: s.changes };
    });
}
