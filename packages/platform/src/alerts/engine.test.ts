import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, groupKeyOf, OVERFLOW_GROUP, type EngineInput } from './engine.js';
import type { AlertFinding, AlertRule, AllowlistEntry, GroupState, Silence } from './types.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function f(id: number, over: Partial<AlertFinding> = {}): AlertFinding {
  return {
    id,
    fingerprint: `fp${id}`,
    type: 'vulnerability',
    ruleId: `CVE-2024-${id}`,
    title: `vuln ${id}`,
    severity: 'high',
    priority: 50,
    kev: false,
    fixAvailable: true,
    cvss: 7.5,
    epss: 0.1,
    asset: { id: 1, kind: 'image', key: 'reg/app@sha256:1' },
    target: 'reg/app:1',
    status: 'open',
    change: 'new',
    assetGroupIds: [],
    ...over,
  };
}

function rule(id: number, over: Partial<AlertRule> = {}): AlertRule {
  return {
    id,
    name: `rule ${id}`,
    enabled: true,
    match: {},
    groupBy: [],
    rateLimitSeconds: 0,
    destinationIds: [1],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

const silence = (match: Silence['match'], expiresAt = '2026-03-02T00:00:00.000Z'): Silence => ({ id: 1, match, reason: 'r', createdBy: 'u', createdAt: '2026-03-01T00:00:00.000Z', expiresAt });
const allow = (over: Partial<AllowlistEntry>): AllowlistEntry => ({ id: 1, ruleId: null, assetKey: null, fingerprint: null, reason: 'fp', createdBy: 'u', createdAt: '2026-01-01T00:00:00.000Z', expiresAt: null, ...over });

function run(over: Partial<EngineInput>) {
  return evaluate({ now: NOW, tenant: 1, scan: { id: 's1', target: 'reg/app:1', kind: 'image' }, findings: [], rules: [rule(1)], silences: [], allowlist: [], groups: [], ...over });
}

/** Which finding ids alert, per (rule, group key). */
function alerted(r: ReturnType<typeof run>): string[] {
  return r.alerts.map((a) => `${a.ruleId}:${a.groupKey}:${a.payload.findings.map((x) => x.id).join(',')}`);
}

describe('alert engine: rule matching', () => {
  const rows: { name: string; match: AlertRule['match']; findings: AlertFinding[]; want: number[] }[] = [
    { name: 'empty match takes new and reopened', match: {}, findings: [f(1), f(2, { change: 'reopened' }), f(3, { change: 'fixed', status: 'fixed' })], want: [1, 2] },
    { name: 'changes: fixed only', match: { changes: ['fixed'] }, findings: [f(1), f(3, { change: 'fixed', status: 'fixed' })], want: [3] },
    { name: 'changes: new vs existing', match: { changes: ['new'] }, findings: [f(1), f(2, { change: 'reopened' })], want: [1] },
    { name: 'changes: existing (reopened) only', match: { changes: ['reopened'] }, findings: [f(1), f(2, { change: 'reopened' })], want: [2] },
    { name: 'a new finding no longer open is skipped', match: {}, findings: [f(1, { status: 'suppressed' }), f(2)], want: [2] },
    { name: 'types', match: { types: ['secret', 'config'] }, findings: [f(1), f(2, { type: 'secret' }), f(3, { type: 'config' })], want: [2, 3] },
    { name: 'severities exact', match: { severities: ['medium'] }, findings: [f(1), f(2, { severity: 'medium' })], want: [2] },
    { name: 'minSeverity high admits critical and high', match: { minSeverity: 'high' }, findings: [f(1, { severity: 'critical' }), f(2), f(3, { severity: 'medium' }), f(4, { severity: 'unknown' })], want: [1, 2] },
    { name: 'minPriority', match: { minPriority: 60 }, findings: [f(1, { priority: 60 }), f(2, { priority: 59.9 })], want: [1] },
    { name: 'asset groups: any of', match: { assetGroupIds: [7, 8] }, findings: [f(1, { assetGroupIds: [8] }), f(2, { assetGroupIds: [9] }), f(3)], want: [1] },
    { name: 'kev true', match: { kev: true }, findings: [f(1, { kev: true }), f(2)], want: [1] },
    { name: 'kev false', match: { kev: false }, findings: [f(1, { kev: true }), f(2)], want: [2] },
    { name: 'finding rule ids', match: { ruleIds: ['CVE-2024-2'] }, findings: [f(1), f(2)], want: [2] },
    { name: 'all fields must hold', match: { types: ['vulnerability'], minSeverity: 'critical', changes: ['new'] }, findings: [f(1, { severity: 'critical' }), f(2, { severity: 'critical', change: 'reopened' }), f(3)], want: [1] },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const r = run({ findings: row.findings, rules: [rule(1, { match: row.match })] });
      const ids = r.alerts.flatMap((a) => a.payload.findings.map((x) => x.id)).sort((a, b) => a - b);
      assert.deepEqual(ids, row.want);
    });
  }

  it('skips disabled rules and rules without destinations', () => {
    const r = run({ findings: [f(1)], rules: [rule(1, { enabled: false }), rule(2, { destinationIds: [] })] });
    assert.deepEqual(r.alerts, []);
  });
});

describe('alert engine: grouping (one root cause → one alert)', () => {
  const findings = [
    f(1, { ruleId: 'CVE-1', asset: { id: 1, kind: 'image', key: 'a' } }),
    f(2, { ruleId: 'CVE-1', asset: { id: 2, kind: 'image', key: 'b' } }),
    f(3, { ruleId: 'CVE-2', asset: { id: 1, kind: 'image', key: 'a' }, severity: 'critical' }),
  ];
  const rows: { groupBy: AlertRule['groupBy']; want: string[] }[] = [
    { groupBy: [], want: ['1:*:3,1,2'] },
    { groupBy: ['ruleId'], want: ['1:ruleId=CVE-2:3', '1:ruleId=CVE-1:1,2'] },
    { groupBy: ['asset'], want: ['1:asset=image%3Aa:3,1', '1:asset=image%3Ab:2'] },
    // Field order in the key is fixed whatever order the rule lists them in.
    { groupBy: ['asset', 'ruleId'], want: ['1:ruleId=CVE-2&asset=image%3Aa:3', '1:ruleId=CVE-1&asset=image%3Aa:1', '1:ruleId=CVE-1&asset=image%3Ab:2'] },
    { groupBy: ['target'], want: ['1:target=reg%2Fapp%3A1:3,1,2'] },
  ];
  for (const row of rows) {
    it(`groupBy [${row.groupBy.join(', ')}]`, () => {
      assert.deepEqual(alerted(run({ findings, rules: [rule(1, { groupBy: row.groupBy })] })), row.want);
    });
  }

  it('builds the payload: title, severity, counts, findings most severe first, capped list', () => {
    const many = Array.from({ length: 5 }, (_, i) => f(i + 1, { severity: i === 3 ? 'critical' : 'medium', change: i === 4 ? 'reopened' : 'new' }));
    const r = evaluate({ now: NOW, tenant: 9, scan: { id: 's1', target: 't', kind: 'image' }, findings: many, rules: [rule(4, { name: 'Prod' })], silences: [], allowlist: [], groups: [] }, { maxFindingsPerAlert: 2 });
    const p = r.alerts[0].payload;
    assert.equal(p.title, '[CRITICAL] Prod: 4 new, 1 reopened findings');
    assert.equal(p.severity, 'critical');
    assert.equal(p.total, 5);
    assert.deepEqual(p.counts, { new: 4, reopened: 1, fixed: 0 });
    assert.deepEqual(p.findings.map((x) => x.id), [4, 1]);
    assert.equal(p.tenant, 9);
    assert.deepEqual(p.rule, { id: 4, name: 'Prod' });
    assert.equal(p.createdAt, NOW.toISOString());
  });

  it('merges groups past maxGroupsPerRule into one overflow alert', () => {
    const many = Array.from({ length: 6 }, (_, i) => f(i + 1, { ruleId: `CVE-${i + 1}`, severity: i < 2 ? 'critical' : 'low' }));
    const r = evaluate({ now: NOW, tenant: 1, scan: { id: 's', target: 't', kind: 'k' }, findings: many, rules: [rule(1, { groupBy: ['ruleId'] })], silences: [], allowlist: [], groups: [] }, { maxGroupsPerRule: 3 });
    assert.deepEqual(alerted(r), ['1:ruleId=CVE-1:1', '1:ruleId=CVE-2:2', `1:${OVERFLOW_GROUP}:3,4,5,6`]);
  });

  it('encodes separators inside values so keys stay unambiguous', () => {
    const a = groupKeyOf(['ruleId', 'asset'], f(1, { ruleId: 'x&asset=y' })).key;
    const b = groupKeyOf(['ruleId', 'asset'], f(1, { ruleId: 'x' })).key;
    assert.notEqual(a, b);
    assert.equal(a, 'ruleId=x%26asset%3Dy&asset=image%3Areg%2Fapp%40sha256%3A1');
  });
});

describe('alert engine: silences and allow-list', () => {
  const findings = [f(1), f(2, { severity: 'critical' }), f(3, { type: 'secret' })];
  const rows: { name: string; silences?: Silence[]; allowlist?: AllowlistEntry[]; want: number[]; silenced?: number; allowlisted?: number }[] = [
    { name: 'no silence', want: [1, 2, 3] },
    { name: 'silence by finding rule id', silences: [silence({ ruleIds: ['CVE-2024-1'] })], want: [2, 3], silenced: 1 },
    { name: 'silence by type and severity (both must hold)', silences: [silence({ types: ['vulnerability'], severities: ['critical'] })], want: [1, 3], silenced: 1 },
    { name: 'silence by asset key', silences: [silence({ assetKeys: ['reg/app@sha256:1'] })], want: [], silenced: 3 },
    { name: 'silence by target', silences: [silence({ targets: ['other'] })], want: [1, 2, 3] },
    { name: 'silence for another alert rule', silences: [silence({ alertRuleIds: [2], types: ['secret'] })], want: [1, 2, 3] },
    { name: 'silence for this alert rule', silences: [silence({ alertRuleIds: [1], types: ['secret'] })], want: [1, 2], silenced: 1 },
    { name: 'expired silence', silences: [silence({ types: ['secret'] }, '2026-03-01T12:00:00.000Z')], want: [1, 2, 3] },
    { name: 'allow-list by finding rule', allowlist: [allow({ ruleId: 'CVE-2024-2' })], want: [1, 3], allowlisted: 1 },
    { name: 'allow-list by fingerprint', allowlist: [allow({ fingerprint: 'fp3' })], want: [1, 2], allowlisted: 1 },
    { name: 'allow-list by rule on another asset', allowlist: [allow({ ruleId: 'CVE-2024-2', assetKey: 'other' })], want: [1, 2, 3] },
    { name: 'allow-list by rule on this asset', allowlist: [allow({ ruleId: 'CVE-2024-2', assetKey: 'reg/app@sha256:1' })], want: [1, 3], allowlisted: 1 },
    { name: 'expired allow-list entry', allowlist: [allow({ ruleId: 'CVE-2024-2', expiresAt: '2026-03-01T11:59:59.000Z' })], want: [1, 2, 3] },
    { name: 'entry with neither rule nor fingerprint allows nothing', allowlist: [allow({ assetKey: 'reg/app@sha256:1' })], want: [1, 2, 3] },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const r = run({ findings, silences: row.silences ?? [], allowlist: row.allowlist ?? [] });
      assert.deepEqual(r.alerts.flatMap((a) => a.payload.findings.map((x) => x.id)).sort(), row.want);
      assert.equal(r.stats.matched, 3);
      assert.equal(r.stats.silenced, row.silenced ?? 0);
      assert.equal(r.stats.allowlisted, row.allowlisted ?? 0);
    });
  }
});

describe('alert engine: rate limit per (rule, group key)', () => {
  const r1 = rule(1, { groupBy: ['ruleId'], rateLimitSeconds: 3600 });
  const state = (groupKey: string, lastAlertAt: string, suppressed = 0): GroupState => ({ ruleId: 1, groupKey, lastAlertAt, suppressed });
  const rows: { name: string; groups: GroupState[]; rule?: AlertRule; wantAlerts: string[]; wantGroups: GroupState[]; rateLimited: number; suppressedSince?: number }[] = [
    {
      name: 'first alert of a group starts its window',
      groups: [],
      wantAlerts: ['1:ruleId=CVE-2024-1:1'],
      wantGroups: [state('ruleId=CVE-2024-1', NOW.toISOString())],
      rateLimited: 0,
    },
    {
      name: 'inside the window: held back and counted',
      groups: [state('ruleId=CVE-2024-1', '2026-03-01T11:30:00.000Z', 2)],
      wantAlerts: [],
      wantGroups: [state('ruleId=CVE-2024-1', '2026-03-01T11:30:00.000Z', 3)],
      rateLimited: 1,
    },
    {
      name: 'window over: alerts again and reports what was held back',
      groups: [state('ruleId=CVE-2024-1', '2026-03-01T11:00:00.000Z', 4)],
      wantAlerts: ['1:ruleId=CVE-2024-1:1'],
      wantGroups: [state('ruleId=CVE-2024-1', NOW.toISOString())],
      rateLimited: 0,
      suppressedSince: 4,
    },
    {
      name: 'another group key is not limited',
      groups: [state('ruleId=CVE-OTHER', '2026-03-01T11:59:00.000Z')],
      wantAlerts: ['1:ruleId=CVE-2024-1:1'],
      wantGroups: [state('ruleId=CVE-2024-1', NOW.toISOString())],
      rateLimited: 0,
    },
    {
      name: 'another rule with the same key is not limited',
      groups: [{ ruleId: 2, groupKey: 'ruleId=CVE-2024-1', lastAlertAt: '2026-03-01T11:59:00.000Z', suppressed: 0 }],
      wantAlerts: ['1:ruleId=CVE-2024-1:1'],
      wantGroups: [state('ruleId=CVE-2024-1', NOW.toISOString())],
      rateLimited: 0,
    },
    {
      name: 'rate limit 0: never limited',
      rule: { ...r1, rateLimitSeconds: 0 },
      groups: [state('ruleId=CVE-2024-1', '2026-03-01T11:59:59.000Z')],
      wantAlerts: ['1:ruleId=CVE-2024-1:1'],
      wantGroups: [state('ruleId=CVE-2024-1', NOW.toISOString())],
      rateLimited: 0,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const r = run({ findings: [f(1)], rules: [row.rule ?? r1], groups: row.groups });
      assert.deepEqual(alerted(r), row.wantAlerts);
      assert.deepEqual(r.groups, row.wantGroups);
      assert.equal(r.stats.rateLimited, row.rateLimited);
      if (row.suppressedSince !== undefined) assert.equal(r.alerts[0].payload.suppressedSince, row.suppressedSince);
    });
  }

  it('a burst of scans for one root cause gives one alert per window', () => {
    let groups: GroupState[] = [];
    let alerts = 0;
    for (let minute = 0; minute < 180; minute += 10) {
      const now = new Date(NOW.getTime() + minute * 60_000);
      const r = evaluate({ now, tenant: 1, scan: { id: `s${minute}`, target: 't', kind: 'k' }, findings: [f(1), f(2, { ruleId: 'CVE-2024-1' })], rules: [r1], silences: [], allowlist: [], groups });
      alerts += r.alerts.length;
      groups = r.groups.length ? r.groups : groups;
    }
    // Minutes 0, 60 and 120 alert; the 15 scans in between are held back.
    assert.equal(alerts, 3);
  });
});
