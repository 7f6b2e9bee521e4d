// Alert evaluation, pure: findings an ingest changed + rules + silences + allow-list + group state + now →
// the alerts to deliver and the new group state. No I/O: the listener loads the inputs and stores the outputs.
import { severityRank, type Severity } from '@bulwark/core';
import type { TenantId } from '../storage/types.js';
import {
  GROUP_FIELDS,
  type AlertFinding,
  type AlertFindingSummary,
  type AlertPayload,
  type AlertRule,
  type AllowlistEntry,
  type FindingChange,
  type GroupField,
  type GroupState,
  type RuleMatch,
  type Silence,
  type SilenceMatch,
} from './types.js';

export interface EngineInput {
  now: Date;
  tenant: TenantId;
  scan: { id: string; target: string; kind: string };
  findings: readonly AlertFinding[];
  rules: readonly AlertRule[];
  silences: readonly Silence[];
  allowlist: readonly AllowlistEntry[];
  /** Current state of the groups of these rules (any superset is fine). */
  groups: readonly GroupState[];
}

export interface EngineOptions {
  /** Findings listed in one alert (the total is always given). Default 50. */
  maxFindingsPerAlert?: number;
  /** Alerts one rule may raise for one ingest; the remaining groups are merged into one "*overflow*" alert. Default 100. */
  maxGroupsPerRule?: number;
}

export interface PlannedAlert {
  ruleId: number;
  groupKey: string;
  destinationIds: number[];
  payload: AlertPayload;
}

export interface EngineStats {
  /** (rule, finding) pairs that matched a rule, before allow-list, silences and rate limits. */
  matched: number;
  allowlisted: number;
  silenced: number;
  /** (rule, finding) pairs held back by a group's rate limit. */
  rateLimited: number;
}

export interface EngineResult {
  alerts: PlannedAlert[];
  /** Group states to store (changed or new). */
  groups: GroupState[];
  stats: EngineStats;
}

export const DEFAULT_CHANGES: readonly FindingChange[] = ['new', 'reopened'];
export const OVERFLOW_GROUP = '*overflow*';

const ts = (s: string | null): number => (s === null ? Number.POSITIVE_INFINITY : Date.parse(s));

/** Whether a finding satisfies a rule's match; new and reopened findings must still be open. */
export function ruleMatches(m: RuleMatch, f: AlertFinding): boolean {
  if (!(m.changes ?? DEFAULT_CHANGES).includes(f.change)) return false;
  if (f.change !== 'fixed' && f.status !== 'open') return false;
  if (m.types && !m.types.includes(f.type)) return false;
  if (m.severities && !m.severities.includes(f.severity)) return false;
  if (m.minSeverity && severityRank(f.severity) < severityRank(m.minSeverity)) return false;
  if (m.minPriority !== undefined && !(f.priority >= m.minPriority)) return false;
  if (m.assetGroupIds && !m.assetGroupIds.some((g) => f.assetGroupIds.includes(g))) return false;
  if (m.kev !== undefined && f.kev !== m.kev) return false;
  if (m.ruleIds && !m.ruleIds.includes(f.ruleId)) return false;
  return true;
}

/** Whether a silence mutes this finding for this alert rule (every given field must match). */
export function silenceMatches(m: SilenceMatch, alertRuleId: number, f: AlertFinding): boolean {
  if (m.alertRuleIds && !m.alertRuleIds.includes(alertRuleId)) return false;
  if (m.ruleIds && !m.ruleIds.includes(f.ruleId)) return false;
  if (m.types && !m.types.includes(f.type)) return false;
  if (m.severities && !m.severities.includes(f.severity)) return false;
  if (m.assetKeys && !m.assetKeys.includes(f.asset.key)) return false;
  if (m.targets && !m.targets.includes(f.target)) return false;
  return true;
}

/** Whether an allow-list entry covers this finding (every given field must match; entries have at least one). */
export function allowlistMatches(e: AllowlistEntry, f: AlertFinding): boolean {
  if (e.ruleId === null && e.fingerprint === null) return false;
  if (e.ruleId !== null && e.ruleId !== f.ruleId) return false;
  if (e.fingerprint !== null && e.fingerprint !== f.fingerprint) return false;
  if (e.assetKey !== null && e.assetKey !== f.asset.key) return false;
  return true;
}

export function groupValue(field: GroupField, f: AlertFinding): string {
  switch (field) {
    case 'ruleId':
      return f.ruleId;
    case 'asset':
      return `${f.asset.kind}:${f.asset.key}`;
    case 'target':
      return f.target;
    case 'type':
      return f.type;
    case 'severity':
      return f.severity;
    case 'change':
      return f.change;
  }
}

/** "ruleId=CVE-2024-1&asset=image%3Aapp" in the fixed GROUP_FIELDS order; "*" when the rule groups by nothing. */
export function groupKeyOf(groupBy: readonly GroupField[], f: AlertFinding): { key: string; values: Partial<Record<GroupField, string>> } {
  const values: Partial<Record<GroupField, string>> = {};
  const parts: string[] = [];
  for (const field of GROUP_FIELDS) {
    if (!groupBy.includes(field)) continue;
    const v = groupValue(field, f);
    values[field] = v;
    parts.push(`${field}=${encodeURIComponent(v)}`);
  }
  return { key: parts.length ? parts.join('&') : '*', values };
}

/** Most severe first, then highest priority, then lowest id. */
function compareFindings(a: AlertFinding, b: AlertFinding): number {
  return severityRank(b.severity) - severityRank(a.severity) || b.priority - a.priority || a.id - b.id;
}

function summary(f: AlertFinding): AlertFindingSummary {
  return {
    id: f.id,
    ruleId: f.ruleId,
    title: f.title,
    severity: f.severity,
    type: f.type,
    priority: f.priority,
    kev: f.kev,
    asset: `${f.asset.kind}:${f.asset.key}`,
    target: f.target,
    change: f.change,
  };
}

function describeCounts(c: Record<FindingChange, number>): string {
  const parts = (['new', 'reopened', 'fixed'] as const).filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`);
  const total = c.new + c.reopened + c.fixed;
  return `${parts.join(', ')} finding${total === 1 ? '' : 's'}`;
}

function buildPayload(
  input: EngineInput,
  rule: AlertRule,
  groupKey: string,
  values: Partial<Record<GroupField, string>>,
  findings: AlertFinding[],
  suppressedSince: number,
  maxFindings: number,
): AlertPayload {
  const sorted = [...findings].sort(compareFindings);
  const counts: Record<FindingChange, number> = { new: 0, reopened: 0, fixed: 0 };
  for (const f of sorted) counts[f.change]++;
  const severity: Severity = sorted[0]?.severity ?? 'unknown';
  const label = groupKey === OVERFLOW_GROUP ? 'further groups' : Object.values(values).join(' · ');
  return {
    version: 1,
    kind: 'alert',
    tenant: input.tenant,
    rule: { id: rule.id, name: rule.name },
    groupKey,
    group: values,
    title: `[${severity.toUpperCase()}] ${rule.name}: ${describeCounts(counts)}${label ? ` — ${label}` : ''}`,
    severity,
    total: sorted.length,
    counts,
    findings: sorted.slice(0, maxFindings).map(summary),
    suppressedSince,
    scan: { ...input.scan },
    createdAt: input.now.toISOString(),
  };
}

interface Bucket {
  key: string;
  values: Partial<Record<GroupField, string>>;
  findings: AlertFinding[];
}

/**
 * Evaluates every enabled rule against the findings. Per rule: drop allow-listed and silenced findings, group the
 * rest by the rule's groupBy fields (one root cause → one alert), and hold back a group that alerted less than
 * rateLimitSeconds ago (counting its findings, reported with the group's next alert).
 */
export function evaluate(input: EngineInput, opts: EngineOptions = {}): EngineResult {
  const maxFindings = opts.maxFindingsPerAlert ?? 50;
  const maxGroups = Math.max(1, opts.maxGroupsPerRule ?? 100);
  const now = input.now.getTime();
  const silences = input.silences.filter((s) => ts(s.expiresAt) > now);
  const allow = input.allowlist.filter((e) => ts(e.expiresAt) > now);
  const allowed = new Set(input.findings.filter((f) => allow.some((e) => allowlistMatches(e, f))).map((f) => f.id));
  const state = new Map(input.groups.map((g) => [`${g.ruleId}\0${g.groupKey}`, g]));
  const stats: EngineStats = { matched: 0, allowlisted: 0, silenced: 0, rateLimited: 0 };
  const alerts: PlannedAlert[] = [];
  const groups: GroupState[] = [];

  for (const rule of [...input.rules].sort((a, b) => a.id - b.id)) {
    if (!rule.enabled || rule.destinationIds.length === 0) continue;
    const buckets = new Map<string, Bucket>();
    for (const f of input.findings) {
      if (!ruleMatches(rule.match, f)) continue;
      stats.matched++;
      if (allowed.has(f.id)) {
        stats.allowlisted++;
        continue;
      }
      if (silences.some((s) => silenceMatches(s.match, rule.id, f))) {
        stats.silenced++;
        continue;
      }
      const { key, values } = groupKeyOf(rule.groupBy, f);
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { key, values, findings: [] }));
      b.findings.push(f);
    }
    // Most severe groups first, so the overflow merge keeps the ones that matter.
    const top = new Map([...buckets.values()].map((b) => [b, b.findings.reduce((x, y) => (compareFindings(x, y) <= 0 ? x : y))]));
    let list = [...buckets.values()].sort((a, b) => compareFindings(top.get(a)!, top.get(b)!) || (a.key < b.key ? -1 : 1));
    if (list.length > maxGroups) {
      const rest = list.slice(maxGroups - 1);
      list = [...list.slice(0, maxGroups - 1), { key: OVERFLOW_GROUP, values: {}, findings: rest.flatMap((b) => b.findings) }];
    }
    for (const b of list) {
      const prev = state.get(`${rule.id}\0${b.key}`);
      const limited = rule.rateLimitSeconds > 0 && prev !== undefined && now - Date.parse(prev.lastAlertAt) < rule.rateLimitSeconds * 1000;
      if (limited) {
        stats.rateLimited += b.findings.length;
        groups.push({ ...prev, suppressed: prev.suppressed + b.findings.length });
        continue;
      }
      alerts.push({
        ruleId: rule.id,
        groupKey: b.key,
        destinationIds: [...rule.destinationIds],
        payload: buildPayload(input, rule, b.key, b.values, b.findings, prev?.suppressed ?? 0, maxFindings),
      });
      groups.push({ ruleId: rule.id, groupKey: b.key, lastAlertAt: input.now.toISOString(), suppressed: 0 });
    }
  }
  return { alerts, groups, stats };
}
