// After a committed ingest: load what it changed, evaluate the rules (engine.ts) and record each alert with its deliveries.
import type { Severity } from '@bulwark/core';
import type { IngestedEvent, IngestListener } from '../server/context.js';
import type { SqlConn } from '../storage/driver.js';
import type { AssetKind, FindingStatus, FindingType, Store, TenantId } from '../storage/types.js';
import { DEFAULT_CHANGES, evaluate, type EngineOptions, type EngineStats } from './engine.js';
import { alertKey, AlertRepository, ensureAlert } from './repository.js';
import type { AlertFinding, FindingChange } from './types.js';

export interface AlertListenerOptions extends EngineOptions {
  /** Clock (tests). */
  now?: () => Date;
  /** Called with what each evaluated event did (logs, metrics, tests). */
  onEvaluated?: (event: IngestedEvent, outcome: ListenerOutcome) => void;
}

export interface ListenerOutcome {
  /** False when this event had been evaluated before (nothing done) or no enabled rule exists. */
  evaluated: boolean;
  alerts: number;
  deliveries: number;
  stats?: EngineStats;
}

const CHUNK = 500;

/** Loads the engine's view of findings by id (tenant-scoped), with the asset groups of their assets. */
export async function loadAlertFindings(store: Store, tenant: TenantId, ids: { id: number; change: FindingChange }[]): Promise<AlertFinding[]> {
  const change = new Map(ids.map((x) => [x.id, x.change]));
  const out: AlertFinding[] = [];
  const all = [...change.keys()];
  for (let i = 0; i < all.length; i += CHUNK) {
    const chunk = all.slice(i, i + CHUNK);
    const marks = chunk.map(() => '?').join(', ');
    const rows = await store.sql.all(
      `SELECT f.id, f.fingerprint, f.type, f.rule_id, f.title, f.severity, f.priority_score, f.kev, f.fix_available, f.cvss, f.epss,
              f.asset_id, a.kind AS asset_kind, a.asset_key, f.target, f.status
         FROM findings f JOIN assets a ON a.id = f.asset_id
        WHERE f.tenant_id = ? AND f.id IN (${marks})`,
      [tenant, ...chunk],
    );
    const assetIds = [...new Set(rows.map((r) => Number(r.asset_id)))];
    const groups = new Map<number, number[]>();
    if (assetIds.length > 0) {
      const gm = await store.sql.all(`SELECT asset_id, group_id FROM asset_group_members WHERE tenant_id = ? AND asset_id IN (${assetIds.map(() => '?').join(', ')})`, [tenant, ...assetIds]);
      for (const g of gm) {
        const a = Number(g.asset_id);
        groups.set(a, [...(groups.get(a) ?? []), Number(g.group_id)]);
      }
    }
    for (const r of rows) {
      const id = Number(r.id);
      out.push({
        id,
        fingerprint: r.fingerprint as string,
        type: r.type as FindingType,
        ruleId: r.rule_id as string,
        title: r.title as string,
        severity: r.severity as Severity,
        priority: Number(r.priority_score),
        kev: r.kev === true || r.kev === 1,
        fixAvailable: r.fix_available === true || r.fix_available === 1,
        cvss: r.cvss === null ? null : Number(r.cvss),
        epss: r.epss === null ? null : Number(r.epss),
        asset: { id: Number(r.asset_id), kind: r.asset_kind as AssetKind, key: r.asset_key as string },
        target: r.target as string,
        status: r.status as FindingStatus,
        change: change.get(id)!,
        assetGroupIds: groups.get(Number(r.asset_id)) ?? [],
      });
    }
  }
  return out.sort((a, b) => a.id - b.id);
}

async function upsertGroup(tx: SqlConn, tenant: TenantId, g: { ruleId: number; groupKey: string; lastAlertAt: string; suppressed: number }): Promise<void> {
  await tx.run(
    `INSERT INTO alert_groups (tenant_id, rule_id, group_key, last_alert_at, suppressed) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (rule_id, group_key) DO UPDATE SET last_alert_at = excluded.last_alert_at, suppressed = excluded.suppressed`,
    [tenant, g.ruleId, g.groupKey, g.lastAlertAt, g.suppressed],
  );
}

/**
 * An IngestListener (register with `ctx.onIngested`): evaluates the tenant's enabled rules on the findings the
 * ingest made new, reopened or fixed, and records one alert per (rule, group) with one delivery per destination.
 * Idempotent: the event's scan is recorded in the same transaction as its alerts, alerts are unique by rule +
 * group + scan and deliveries by that key per destination, so the same event told twice records and enqueues once.
 */
export function createAlertListener(store: Store, opts: AlertListenerOptions = {}): IngestListener {
  const clock = opts.now ?? (() => new Date());
  const repo = new AlertRepository(store, { now: clock });
  return async (event) => {
    const outcome = await evaluateEvent(event);
    opts.onEvaluated?.(event, outcome);
  };

  async function evaluateEvent(event: IngestedEvent): Promise<ListenerOutcome> {
    const { tenant, result } = event;
    const none: ListenerOutcome = { evaluated: false, alerts: 0, deliveries: 0 };
    if (result.duplicate) return none;
    const rules = await repo.listRules(tenant, { enabledOnly: true });
    if (rules.length === 0) return none;
    const wanted = new Set<FindingChange>(rules.flatMap((r) => r.match.changes ?? DEFAULT_CHANGES));
    const ids: { id: number; change: FindingChange }[] = [
      ...(wanted.has('new') ? result.newIds.map((id) => ({ id, change: 'new' as const })) : []),
      ...(wanted.has('reopened') ? result.reopenedIds.map((id) => ({ id, change: 'reopened' as const })) : []),
      ...(wanted.has('fixed') ? result.fixedIds.map((id) => ({ id, change: 'fixed' as const })) : []),
    ];
    const findings = await loadAlertFindings(store, tenant, ids);
    const [silences, allowlist] = await Promise.all([repo.listSilences(tenant, { active: true }), repo.listAllowlist(tenant, { active: true })]);
    const now = clock();
    const nowIso = now.toISOString();

    return store.sql.transaction(async (tx): Promise<ListenerOutcome> => {
      const first = await tx.run('INSERT INTO alert_scan_events (tenant_id, scan_id, processed_at, alerts) VALUES (?, ?, ?, 0) ON CONFLICT (tenant_id, scan_id) DO NOTHING', [
        tenant,
        event.scan.id,
        nowIso,
      ]);
      if (first === 0) return none;
      // Group state is read inside the transaction so the rate limit sees the alerts of ingests committed before.
      const groups = await repo.groupStates(tenant, rules.map((r) => r.id), tx);
      const res = evaluate({ now, tenant, scan: event.scan, findings, rules, silences, allowlist, groups }, opts);
      const existing = new Set((await tx.all<{ id: number }>('SELECT id FROM alert_destinations WHERE tenant_id = ?', [tenant])).map((r) => Number(r.id)));
      let deliveries = 0;
      for (const a of res.alerts) {
        const targets = a.destinationIds.filter((d) => existing.has(d));
        if (targets.length === 0) continue;
        const payload = JSON.stringify(a.payload);
        const key = alertKey(a.ruleId, a.groupKey, event.scan.id);
        // One alert per rule + group + scan, then one delivery per destination, both unique by that key.
        const alertId = await ensureAlert(tx, tenant, { ruleId: a.ruleId, groupKey: a.groupKey, key, payload, createdAt: nowIso });
        for (const d of targets) {
          deliveries += await tx.run(
            `INSERT INTO alert_deliveries (tenant_id, alert_id, rule_id, destination_id, group_key, payload, status, attempts, next_attempt_at, created_at, dedup_key)
             VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (tenant_id, destination_id, dedup_key) DO NOTHING`,
            [tenant, alertId, a.ruleId, d, a.groupKey, payload, nowIso, nowIso, key],
          );
        }
      }
      for (const g of res.groups) await upsertGroup(tx, tenant, g);
      await tx.run('UPDATE alert_scan_events SET alerts = ? WHERE tenant_id = ? AND scan_id = ?', [res.alerts.length, tenant, event.scan.id]);
      return { evaluated: true, alerts: res.alerts.length, deliveries, stats: res.stats };
    });
  }
}
