// Per-tenant retention settings and the lease of the periodic prune (retention/migrations.ts, version 12).
import { InputError } from '@bulwark/core';
import type { Row, SqlDriver } from '../storage/driver.js';
import type { TenantId } from '../storage/types.js';

/** The kinds of data the pruner deletes, each with its own retention. */
export const RETENTION_KINDS = ['findings', 'scans', 'reports', 'alerts', 'audit'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** Days each kind of data is kept; 0 keeps it forever. */
export interface RetentionSettings {
  /** Fixed findings (by fixed_at) and lapsed suppressions / risk acceptances not seen since; open ones are never deleted. */
  findingsDays: number;
  /** Scan records (by received_at). */
  scansDays: number;
  /** Generated report files (by created_at). */
  reportsDays: number;
  /** Alert deliveries that were sent or died (by created_at) and dead letters (by failed_at). */
  alertsDays: number;
  /** Audit records (by at), pruned behind a checkpoint so that the chain still verifies. */
  auditDays: number;
}

export type RetentionCounts = Record<RetentionKind, number>;

export const DEFAULT_RETENTION: Readonly<RetentionSettings> = Object.freeze({
  findingsDays: 180,
  scansDays: 365,
  reportsDays: 90,
  alertsDays: 90,
  auditDays: 0,
});

/** Field of the settings → its column. */
const COLUMNS: Record<keyof RetentionSettings, string> = {
  findingsDays: 'findings_days',
  scansDays: 'scans_days',
  reportsDays: 'reports_days',
  alertsDays: 'alerts_days',
  auditDays: 'audit_days',
};
export const RETENTION_FIELDS = Object.keys(COLUMNS) as (keyof RetentionSettings)[];

/** Smallest non-zero value per field: the audit log is kept at least a year when it is pruned at all. */
export const MIN_DAYS: Record<keyof RetentionSettings, number> = { findingsDays: 7, scansDays: 7, reportsDays: 7, alertsDays: 7, auditDays: 365 };
export const MAX_DAYS = 3650;

export interface StoredRetention extends RetentionSettings {
  /** Null while the tenant follows the defaults. */
  updatedAt: string | null;
  updatedBy: string | null;
  lastRun: { at: string; counts: RetentionCounts } | null;
}

/** Checks every field: an integer, 0 (forever) or MIN_DAYS..3650; a 400 names the first bad field. */
export function validateSettings(input: unknown): RetentionSettings {
  const file = 'body';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InputError({ file, field: 'body', expected: 'an object' });
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!(k in COLUMNS)) throw new InputError({ file, field: k, message: `unknown field "${k}"` });
  const out = {} as RetentionSettings;
  for (const f of RETENTION_FIELDS) {
    const v = o[f];
    if (!Number.isInteger(v) || ((v as number) !== 0 && ((v as number) < MIN_DAYS[f] || (v as number) > MAX_DAYS))) {
      throw new InputError({ file, field: f, expected: `0 (keep forever) or a whole number of days from ${MIN_DAYS[f]} to ${MAX_DAYS}` });
    }
    out[f] = v as number;
  }
  return out;
}

const PRUNE_RUN = 'prune';

export class RetentionRepository {
  constructor(private readonly db: SqlDriver) {}

  /** The tenant's settings, defaults filled in. */
  async get(tenant: TenantId): Promise<StoredRetention> {
    const rows = await this.db.all<Row>(
      'SELECT findings_days, scans_days, reports_days, alerts_days, audit_days, updated_by, updated_at, last_run_at, last_counts FROM retention_settings WHERE tenant_id = ?',
      [tenant],
    );
    const r = rows[0];
    const out = { ...DEFAULT_RETENTION } as StoredRetention;
    for (const f of RETENTION_FIELDS) {
      const v = r?.[COLUMNS[f]];
      if (v !== null && v !== undefined) out[f] = Number(v);
    }
    out.updatedAt = (r?.updated_at as string | null | undefined) ?? null;
    out.updatedBy = (r?.updated_by as string | null | undefined) ?? null;
    out.lastRun = r?.last_run_at ? { at: r.last_run_at as string, counts: JSON.parse(r.last_counts as string) as RetentionCounts } : null;
    return out;
  }

  async put(tenant: TenantId, settings: RetentionSettings, actor: string, now: Date): Promise<StoredRetention> {
    const s = validateSettings(settings);
    const cols = RETENTION_FIELDS.map((f) => COLUMNS[f]);
    await this.db.run(
      `INSERT INTO retention_settings (tenant_id, ${cols.join(', ')}, updated_by, updated_at) VALUES (?, ${cols.map(() => '?').join(', ')}, ?, ?)
       ON CONFLICT (tenant_id) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [tenant, ...RETENTION_FIELDS.map((f) => s[f]), actor, now.toISOString()],
    );
    return this.get(tenant);
  }

  async recordRun(tenant: TenantId, at: Date, counts: RetentionCounts): Promise<void> {
    await this.db.run(
      `INSERT INTO retention_settings (tenant_id, last_run_at, last_counts) VALUES (?, ?, ?)
       ON CONFLICT (tenant_id) DO UPDATE SET last_run_at = excluded.last_run_at, last_counts = excluded.last_counts`,
      [tenant, at.toISOString(), JSON.stringify(counts)],
    );
  }

  /**
   * Takes the periodic prune for `owner` until `leaseUntil` when it is due at `now` and not leased by a live run:
   * one conditional UPDATE, so of several processes one wins. False when not due or taken.
   */
  async claim(now: Date, leaseUntil: Date, owner: string): Promise<boolean> {
    const at = now.toISOString();
    await this.db.run('INSERT INTO retention_runs (name, next_run_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [PRUNE_RUN, at]);
    const n = await this.db.run(
      'UPDATE retention_runs SET lease_owner = ?, lease_until = ? WHERE name = ? AND next_run_at <= ? AND (lease_until IS NULL OR lease_until <= ?)',
      [owner, leaseUntil.toISOString(), PRUNE_RUN, at, at],
    );
    return n === 1;
  }

  /** Extends a held lease; false when it was lost (expired and taken over). */
  async renew(owner: string, leaseUntil: Date): Promise<boolean> {
    return (await this.db.run('UPDATE retention_runs SET lease_until = ? WHERE name = ? AND lease_owner = ?', [leaseUntil.toISOString(), PRUNE_RUN, owner])) === 1;
  }

  /** Releases the lease and sets the next run; false when the lease was lost. */
  async complete(owner: string, now: Date, next: Date, error: string | null): Promise<boolean> {
    const n = await this.db.run(
      'UPDATE retention_runs SET next_run_at = ?, lease_owner = NULL, lease_until = NULL, last_run_at = ?, last_error = ? WHERE name = ? AND lease_owner = ?',
      [next.toISOString(), now.toISOString(), error, PRUNE_RUN, owner],
    );
    return n === 1;
  }
}
