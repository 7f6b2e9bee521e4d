import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SqlDriver, SqlValue } from '../storage/driver.js';
import type { Store, TenantId } from '../storage/types.js';
import { RetentionRepository, type RetentionCounts, type RetentionSettings } from './repository.js';
import { PeriodicJob } from '../server/periodic.js';

/** The audit actor of periodic prunes. */
export const RETENTION_ACTOR = 'system:retention';

/** Rows per DELETE: each statement is short, so ingest and appends wait at most one batch. */
export const DEFAULT_BATCH = 5000;

const DAY_MS = 86_400_000;

export interface PruneOptions {
  /** Rows per statement (audit records per transaction); default 5,000. */
  batch?: number;
  /** Named in the audit.prune records of the audit chain; default system:retention. */
  actor?: string;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * `DELETE … WHERE <where> AND key IN (SELECT key … WHERE <where> LIMIT batch)` until a batch deletes less than
 * `batch` rows; the outer repeat of the condition makes PostgreSQL recheck a row changed meanwhile (a fixed finding
 * reopened by a concurrent ingest is not deleted).
 */
async function deleteBatched(sql: SqlDriver, table: string, key: string, where: string, params: SqlValue[], batch: number): Promise<number> {
  let total = 0;
  while (true) {
    const n = await sql.run(`DELETE FROM ${table} WHERE ${where} AND ${key} IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ?)`, [...params, ...params, batch]);
    total += n;
    if (n < batch) return total;
    await tick();
  }
}

/** Deletes one tenant's data older than its settings (a kind at 0 days is kept); returns the rows deleted per kind. */
export async function pruneTenant(store: Store, tenant: TenantId, settings: RetentionSettings, now: Date, opts: PruneOptions = {}): Promise<RetentionCounts> {
  const batch = opts.batch ?? DEFAULT_BATCH;
  const sql = store.sql;
  const counts: RetentionCounts = { findings: 0, scans: 0, reports: 0, alerts: 0, audit: 0 };
  const cutoff = (days: number): string | undefined => (days > 0 ? new Date(now.getTime() - days * DAY_MS).toISOString() : undefined);

  const findings = cutoff(settings.findingsDays);
  if (findings) {
    // Fixed long ago, or a suppression / risk acceptance that lapsed long ago and was not seen since. Open findings
    // and live (or permanent) decisions stay. Two statements, each led by (tenant, status) so they read only those
    // findings through the status index (one OR made SQLite read the whole table: seconds at 1M, on the thread
    // that also answers the API).
    counts.findings = await deleteBatched(sql, 'findings', 'id', `tenant_id = ? AND status = 'fixed' AND fixed_at < ?`, [tenant, findings], batch);
    counts.findings += await deleteBatched(
      sql,
      'findings',
      'id',
      `tenant_id = ? AND status IN ('suppressed', 'risk-accepted') AND status_expires_at IS NOT NULL AND status_expires_at < ? AND last_seen < ?`,
      [tenant, findings, findings],
      batch,
    );
  }

  const scans = cutoff(settings.scansDays);
  if (scans) {
    counts.scans = await deleteBatched(sql, 'scans', 'id', 'tenant_id = ? AND received_at < ?', [tenant, scans], batch);
    // The alert listener's record of evaluated scans goes with them.
    await deleteBatched(sql, 'alert_scan_events', 'scan_id', 'tenant_id = ? AND processed_at < ?', [tenant, scans], batch);
  }

  const reports = cutoff(settings.reportsDays);
  if (reports) counts.reports = await deleteBatched(sql, 'reports', 'id', 'tenant_id = ? AND created_at < ?', [tenant, reports], batch);

  const alerts = cutoff(settings.alertsDays);
  if (alerts) {
    counts.alerts = await deleteBatched(sql, 'alert_dead_letters', 'id', 'tenant_id = ? AND failed_at < ?', [tenant, alerts], batch);
    // A newer dead letter of an old delivery keeps its payload; a retry then makes a new delivery.
    const old = `SELECT d.id FROM alert_deliveries d WHERE d.tenant_id = ? AND d.status IN ('sent', 'dead') AND d.created_at < ?`;
    while (true) {
      const n = await sql.run(
        `UPDATE alert_dead_letters SET delivery_id = NULL WHERE tenant_id = ? AND id IN (SELECT x.id FROM alert_dead_letters x WHERE x.tenant_id = ? AND x.delivery_id IN (${old}) LIMIT ?)`,
        [tenant, tenant, tenant, alerts, batch],
      );
      if (n < batch) break;
      await tick();
    }
    // Pending and failed deliveries are still in flight: only sent and dead ones are history. One that gained a
    // dead letter meanwhile stays until the next run.
    counts.alerts += await deleteBatched(
      sql,
      'alert_deliveries',
      'id',
      `tenant_id = ? AND status IN ('sent', 'dead') AND created_at < ?
        AND NOT EXISTS (SELECT 1 FROM alert_dead_letters x WHERE x.tenant_id = alert_deliveries.tenant_id AND x.delivery_id = alert_deliveries.id)`,
      [tenant, alerts],
      batch,
    );
    // An old alert (alerts migration 17) whose deliveries are all gone goes too, with its workflow timeline; one
    // that gained a timeline event between the two deletes stays until the next run.
    const gone = `SELECT a.id FROM alerts a WHERE a.tenant_id = ? AND a.created_at < ?
        AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.tenant_id = a.tenant_id AND d.alert_id = a.id)`;
    await deleteBatched(sql, 'alert_state_events', 'id', `tenant_id = ? AND alert_id IN (${gone})`, [tenant, tenant, alerts], batch);
    await deleteBatched(
      sql,
      'alerts',
      'id',
      `tenant_id = ? AND created_at < ?
        AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.tenant_id = alerts.tenant_id AND d.alert_id = alerts.id)
        AND NOT EXISTS (SELECT 1 FROM alert_state_events e WHERE e.tenant_id = alerts.tenant_id AND e.alert_id = alerts.id)`,
      [tenant, alerts],
      batch,
    );
  }

  const audit = cutoff(settings.auditDays);
  if (audit) counts.audit = await store.pruneAudit(tenant, audit, { batch, actor: opts.actor ?? RETENTION_ACTOR });
  return counts;
}

export interface PrunerOptions {
  store: Store;
  /** Time between prunes of all tenants; default one hour. */
  intervalMs?: number;
  /** How often this process looks whether the prune is due; default 5 minutes. */
  checkMs?: number;
  /** First look after start; default 2 minutes, so a starting server answers its first requests unhindered. */
  firstCheckMs?: number;
  /** How long a claimed prune may run before another process may take it over (renewed after each tenant); default 30 minutes. */
  leaseMs?: number;
  batch?: number;
  /** Names this process in the lease; default "<hostname>:<pid>". */
  owner?: string;
  clock?: () => Date;
  /** Told about a failed tenant or look (the pruner carries on). */
  onError?: (err: unknown, tenant?: TenantId) => void;
}

export interface PruneOutcome {
  tenant: TenantId;
  counts?: RetentionCounts;
  error?: string;
}

/**
 * Prunes every tenant once per `intervalMs`. Several server processes may run one each: the prune is claimed with
 * a lease on one row (as report schedules are), so it runs once per interval; a prune whose process died is taken
 * over when its lease expires.
 */
export class RetentionPruner {
  private readonly repo: RetentionRepository;
  private readonly intervalMs: number;
  private readonly checkMs: number;
  private readonly leaseMs: number;
  private readonly owner: string;
  private readonly clock: () => Date;
  private readonly job: PeriodicJob;

  constructor(private readonly opts: PrunerOptions) {
    this.repo = new RetentionRepository(opts.store.sql);
    this.intervalMs = opts.intervalMs ?? 3_600_000;
    this.checkMs = opts.checkMs ?? Math.min(this.intervalMs, 5 * 60_000);
    this.leaseMs = opts.leaseMs ?? 30 * 60_000;
    this.owner = opts.owner ?? `${hostname()}:${process.pid}`;
    this.clock = opts.clock ?? (() => new Date());
    this.job = new PeriodicJob(() => this.runDue(this.clock()), this.checkMs, (e) => this.opts.onError?.(e));
  }

  /** Looks now and then every `checkMs` until `stop()`. */
  start(): void {
    this.job.start(this.opts.firstCheckMs ?? Math.min(this.checkMs, 2 * 60_000));
  }

  /** Stops looking and waits for a run in progress. */
  async stop(): Promise<void> {
    await this.job.stop();
  }

  /** Prunes every tenant when the prune is due at `now` and this process wins its lease; undefined otherwise. */
  async runDue(now: Date): Promise<PruneOutcome[] | undefined> {
    const lease = `${this.owner}#${randomUUID()}`;
    if (!(await this.repo.claim(now, new Date(now.getTime() + this.leaseMs), lease))) return undefined;
    const out: PruneOutcome[] = [];
    let error: string | null = null;
    try {
      for (const t of await this.opts.store.listTenants()) {
        try {
          const settings = await this.repo.get(t.id);
          const counts = await pruneTenant(this.opts.store, t.id, settings, now, { batch: this.opts.batch });
          await this.repo.recordRun(t.id, now, counts);
          if (Object.values(counts).some((n) => n > 0)) {
            await this.opts.store.appendAudit(t.id, { actor: RETENTION_ACTOR, action: 'retention.prune', target: `tenant:${t.id}`, details: { counts, settings: pick(settings) } });
          }
          out.push({ tenant: t.id, counts });
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          error = `tenant ${t.id}: ${message}`;
          this.opts.onError?.(e, t.id);
          out.push({ tenant: t.id, error: message });
        }
        if (!(await this.repo.renew(lease, new Date(this.clock().getTime() + this.leaseMs)))) return out; // taken over
      }
    } finally {
      await this.repo.complete(lease, now, new Date(now.getTime() + this.intervalMs), error).catch((e: unknown) => this.opts.onError?.(e));
    }
    return out;
  }
}

/** The five day counts of stored settings (without their metadata). */
export function pick(s: RetentionSettings): RetentionSettings {
  return { findingsDays: s.findingsDays, scansDays: s.scansDays, reportsDays: s.reportsDays, alertsDays: s.alertsDays, auditDays: s.auditDays };
}
