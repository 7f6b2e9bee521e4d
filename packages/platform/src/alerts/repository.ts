// Tenant-scoped CRUD over the alert tables (storage/schema.ts v1 + alerts/migrations.ts v3, v11, v17), through store.sql.
// Every read and write takes the tenant first; another tenant's id behaves exactly as a missing one.
import { InputError } from '@bulwark/core';
import type { Row, SqlConn } from '../storage/driver.js';
import type { Page, Store, TenantId } from '../storage/types.js';
import { checkSchema } from './check.js';
import { destinationKind } from './destinations/registry.js';
import { S } from './schemas.js';
import { openFields, sealFields, SecretBox } from './secrets.js';
import {
  ALERT_TRANSITIONS,
  overallDeliveryStatus,
  type Alert,
  type AlertDelivery,
  type AlertPayload,
  type AlertState,
  type AlertStateEvent,
  type AlertWorkflowPatch,
  type AlertRule,
  type AlertRuleInput,
  type AllowlistEntry,
  type AllowlistInput,
  type DeadLetter,
  type Delivery,
  type DeliveryStatus,
  type Destination,
  type DestinationInput,
  type GroupState,
  type Silence,
  type SilenceInput,
} from './types.js';

export interface AlertRepositoryOptions {
  /** Seals destination secrets at rest (AES-256-GCM); at least 32 characters. Without it secrets are stored as given. */
  secretKey?: string;
  /** Clock for created/updated instants and "active" checks (tests). */
  now?: () => Date;
}

export interface DeliveryFilter {
  status?: DeliveryStatus[];
  ruleId?: number;
  alertId?: number;
}

export interface AlertFilter {
  /** Alerts having a delivery in one of these statuses. */
  status?: DeliveryStatus[];
  ruleId?: number;
  /** Workflow states: ['open', 'acknowledged']. */
  state?: AlertState[];
  /** A user id, or 'none' for unassigned alerts. */
  assignee?: number | 'none';
}

export interface PageOptions {
  /** 1–1000, default 100. */
  limit?: number;
  /** The previous page's nextCursor (ids descend). */
  cursor?: string;
}

export type RetryResult = { ok: true; delivery: Delivery } | { ok: false; reason: 'missing' | 'already-retried' };
export type WorkflowResult =
  | { ok: true; alert: Alert; event?: AlertStateEvent }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'transition'; from: AlertState; to: AlertState }
  | { ok: false; reason: 'conflict' };
export type DeleteDestinationResult = { ok: true } | { ok: false; reason: 'missing' } | { ok: false; reason: 'in-use'; rules: string[] };

const FILES = { rule: 'alert rule', destination: 'alert destination', silence: 'alert silence', allow: 'alert allow-list entry', alert: 'alert' } as const;

const RULE_COLS = 'id, name, enabled, match, group_by, rate_limit_seconds, destination_ids, created_at, updated_at';
const DEST_COLS = 'id, kind, name, config, created_at';
const SILENCE_COLS = 'id, match, reason, created_by, created_at, expires_at';
const ALLOW_COLS = 'id, rule_id, asset_key, fingerprint, reason, created_by, created_at, expires_at';
/** The columns of a delivery (`toDelivery`); the dispatcher claims with them too. */
export const DELIVERY_COLS = 'id, alert_id, rule_id, destination_id, group_key, payload, status, attempts, next_attempt_at, last_error, created_at, sent_at';
/** The columns of `alerts a` with the assignee's name (API reads). */
const ALERT_READ = 'a.id, a.rule_id, a.group_key, a.payload, a.created_at, a.state, a.assignee_id, a.note, a.changed_by, a.changed_at, u.name AS assignee_name';
const ALERT_FROM = 'alerts a LEFT JOIN users u ON u.id = a.assignee_id AND u.tenant_id = a.tenant_id';
const EVENT_COLS = 'id, actor, at, from_state, state, from_assignee_id, assignee_id, note';
const DEAD_COLS = 'id, delivery_id, destination_id, payload, error, attempts, failed_at, retried_at';

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string };
  return err.code === '23505' || err.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Ensures an ISO instant with a zone; returns it normalized (`toISOString`). */
export function instant(v: string, file: string, field: string): string {
  const t = Date.parse(v);
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(t)) throw new InputError({ file, field, expected: 'an ISO 8601 instant with zone: 2026-01-01T00:00:00Z' });
  return new Date(t).toISOString();
}

function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InputError({ file: 'query', field: 'limit', expected: 'an integer 1–1000' });
  return limit;
}

function optId(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/** An alert's key: the listener's dedup key, alert rule + group + scan (one alert, however many destinations). */
export function alertKey(ruleId: number, groupKey: string, scanId: string): string {
  return `${ruleId}|${groupKey}|${scanId}`;
}

/**
 * Finds the tenant's alert of `key`, or creates it (open, unassigned); its id. Idempotent under concurrency: the
 * unique key makes a second insert a no-op (PostgreSQL waits for the first transaction and then sees its row).
 */
export async function ensureAlert(
  tx: SqlConn,
  tenant: TenantId,
  a: { ruleId: number | null; groupKey: string; key: string; payload: string; createdAt: string },
): Promise<number> {
  await tx.run('INSERT INTO alerts (tenant_id, rule_id, group_key, alert_key, payload, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, alert_key) DO NOTHING', [
    tenant,
    a.ruleId,
    a.groupKey,
    a.key,
    a.payload,
    a.createdAt,
  ]);
  const rows = await tx.all<{ id: number }>('SELECT id FROM alerts WHERE tenant_id = ? AND alert_key = ?', [tenant, a.key]);
  return Number(rows[0].id);
}

function cursorId(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  if (!/^[1-9][0-9]{0,14}$/.test(cursor)) throw new InputError({ file: 'query', field: 'cursor', expected: 'the nextCursor of the previous page' });
  return Number(cursor);
}

export class AlertRepository {
  private readonly box: SecretBox | undefined;
  private readonly clock: () => Date;

  constructor(
    readonly store: Store,
    opts: AlertRepositoryOptions = {},
  ) {
    this.box = opts.secretKey === undefined ? undefined : new SecretBox(opts.secretKey);
    this.clock = opts.now ?? (() => new Date());
  }

  /**
   * One newest-first page by id of `from` under `where` (extended with the cursor's bound): a row past the page
   * says another follows, and the page's last id is the next cursor.
   */
  private async newestFirst(select: string, from: string, idCol: string, where: string[], params: (string | number)[], page: { limit?: number; cursor?: string }): Promise<{ rows: Row[]; nextCursor?: string }> {
    const limit = pageLimit(page.limit);
    const after = cursorId(page.cursor);
    if (after !== undefined) {
      where.push(`${idCol} < ?`);
      params.push(after);
    }
    const rows = await this.sql.all(`SELECT ${select} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${idCol} DESC LIMIT ?`, [...params, limit + 1]);
    return rows.length > limit ? { rows: rows.slice(0, limit), nextCursor: String(rows[limit - 1].id) } : { rows };
  }

  private get sql() {
    return this.store.sql;
  }

  /** JSON columns: text on SQLite, decoded by the driver for PostgreSQL's JSONB. */
  private json<T>(v: unknown): T {
    return (this.store.dialect === 'sqlite' ? JSON.parse(v as string) : v) as T;
  }

  // ---- rules -------------------------------------------------------------------------------------------------------

  private toRule(r: Row): AlertRule {
    return {
      id: Number(r.id),
      name: r.name as string,
      enabled: r.enabled === true || r.enabled === 1,
      match: this.json(r.match),
      groupBy: this.json(r.group_by),
      rateLimitSeconds: Number(r.rate_limit_seconds),
      destinationIds: this.json(r.destination_ids),
      createdAt: r.created_at as string,
      updatedAt: r.updated_at as string,
    };
  }

  async listRules(tenant: TenantId, opts: { enabledOnly?: boolean } = {}): Promise<AlertRule[]> {
    const rows = await this.sql.all(`SELECT ${RULE_COLS} FROM alert_rules WHERE tenant_id = ?${opts.enabledOnly ? ' AND enabled = ?' : ''} ORDER BY id`, opts.enabledOnly ? [tenant, true] : [tenant]);
    return rows.map((r) => this.toRule(r));
  }

  async getRule(tenant: TenantId, id: number): Promise<AlertRule | undefined> {
    const rows = await this.sql.all(`SELECT ${RULE_COLS} FROM alert_rules WHERE tenant_id = ? AND id = ?`, [tenant, id]);
    return rows[0] && this.toRule(rows[0]);
  }

  /** Checks references: destinations and asset groups of this tenant. */
  private async checkRuleRefs(tenant: TenantId, input: Partial<AlertRuleInput>): Promise<void> {
    if (input.destinationIds) {
      const have = new Set((await this.sql.all<{ id: number }>('SELECT id FROM alert_destinations WHERE tenant_id = ?', [tenant])).map((r) => Number(r.id)));
      input.destinationIds.forEach((d, i) => {
        if (!have.has(d)) throw new InputError({ file: FILES.rule, field: `destinationIds[${i}]`, expected: `an alert destination id of this tenant (${d} is none)` });
      });
    }
    if (input.match?.assetGroupIds) {
      const have = new Set((await this.store.listAssetGroups(tenant)).map((g) => g.id));
      input.match.assetGroupIds.forEach((g, i) => {
        if (!have.has(g)) throw new InputError({ file: FILES.rule, field: `match.assetGroupIds[${i}]`, expected: `an asset group id of this tenant (${g} is none)` });
      });
    }
  }

  async createRule(tenant: TenantId, input: AlertRuleInput): Promise<AlertRule> {
    checkSchema(input, S.ruleCreate, FILES.rule, '');
    await this.checkRuleRefs(tenant, input);
    const now = this.clock().toISOString();
    try {
      const rows = await this.sql.all(
        `INSERT INTO alert_rules (tenant_id, name, enabled, match, group_by, rate_limit_seconds, destination_ids, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${RULE_COLS}`,
        [tenant, input.name, input.enabled ?? true, JSON.stringify(input.match ?? {}), JSON.stringify(input.groupBy ?? []), input.rateLimitSeconds ?? 0, JSON.stringify(input.destinationIds), now, now],
      );
      return this.toRule(rows[0]);
    } catch (e) {
      if (isUniqueViolation(e)) throw new InputError({ file: FILES.rule, field: 'name', expected: `a name no other rule has ("${input.name}" is taken)` });
      throw e;
    }
  }

  /** Replaces the given fields; undefined when the rule is not this tenant's. */
  async updateRule(tenant: TenantId, id: number, patch: Partial<AlertRuleInput>): Promise<AlertRule | undefined> {
    checkSchema(patch, S.rulePatch, FILES.rule, '');
    const cur = await this.getRule(tenant, id);
    if (!cur) return undefined;
    await this.checkRuleRefs(tenant, patch);
    const next = { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as AlertRule;
    try {
      const rows = await this.sql.all(
        `UPDATE alert_rules SET name = ?, enabled = ?, match = ?, group_by = ?, rate_limit_seconds = ?, destination_ids = ?, updated_at = ?
         WHERE tenant_id = ? AND id = ? RETURNING ${RULE_COLS}`,
        [next.name, next.enabled, JSON.stringify(next.match), JSON.stringify(next.groupBy), next.rateLimitSeconds, JSON.stringify(next.destinationIds), this.clock().toISOString(), tenant, id],
      );
      return rows[0] && this.toRule(rows[0]);
    } catch (e) {
      if (isUniqueViolation(e)) throw new InputError({ file: FILES.rule, field: 'name', expected: `a name no other rule has ("${next.name}" is taken)` });
      throw e;
    }
  }

  /** Deletes the rule and its group state; its past alerts and deliveries stay, detached (rule_id NULL). */
  async deleteRule(tenant: TenantId, id: number): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const found = await tx.all('SELECT id FROM alert_rules WHERE tenant_id = ? AND id = ?', [tenant, id]);
      if (found.length === 0) return false;
      await tx.run('UPDATE alert_deliveries SET rule_id = NULL WHERE tenant_id = ? AND rule_id = ?', [tenant, id]);
      await tx.run('UPDATE alerts SET rule_id = NULL WHERE tenant_id = ? AND rule_id = ?', [tenant, id]);
      await tx.run('DELETE FROM alert_groups WHERE tenant_id = ? AND rule_id = ?', [tenant, id]);
      await tx.run('DELETE FROM alert_rules WHERE tenant_id = ? AND id = ?', [tenant, id]);
      return true;
    });
  }

  // ---- destinations ------------------------------------------------------------------------------------------------

  private toDestination(r: Row): Destination {
    return {
      id: Number(r.id),
      kind: r.kind as string,
      name: r.name as string,
      config: openFields(this.json(r.config), this.box, `alert destination ${String(r.id)}`),
      createdAt: r.created_at as string,
    };
  }

  /** Checks a whole config against its kind; returns it sealed for storage. */
  private prepareConfig(kind: string, config: Record<string, unknown>): Record<string, unknown> {
    const k = destinationKind(kind);
    if (!k) throw new InputError({ file: FILES.destination, field: 'kind', expected: 'a known destination kind' });
    checkSchema(config, k.configSchema, FILES.destination, 'config');
    k.check?.(config);
    return sealFields(config, k.secretFields, this.box);
  }

  async listDestinations(tenant: TenantId): Promise<Destination[]> {
    const rows = await this.sql.all(`SELECT ${DEST_COLS} FROM alert_destinations WHERE tenant_id = ? ORDER BY id`, [tenant]);
    return rows.map((r) => this.toDestination(r));
  }

  async getDestination(tenant: TenantId, id: number): Promise<Destination | undefined> {
    const rows = await this.sql.all(`SELECT ${DEST_COLS} FROM alert_destinations WHERE tenant_id = ? AND id = ?`, [tenant, id]);
    return rows[0] && this.toDestination(rows[0]);
  }

  async createDestination(tenant: TenantId, input: DestinationInput): Promise<Destination> {
    checkSchema(input, S.destinationBase, FILES.destination, '');
    const config = this.prepareConfig(input.kind, input.config);
    try {
      const rows = await this.sql.all(`INSERT INTO alert_destinations (tenant_id, kind, name, config, created_at) VALUES (?, ?, ?, ?, ?) RETURNING ${DEST_COLS}`, [
        tenant,
        input.kind,
        input.name,
        JSON.stringify(config),
        this.clock().toISOString(),
      ]);
      return this.toDestination(rows[0]);
    } catch (e) {
      if (isUniqueViolation(e)) throw new InputError({ file: FILES.destination, field: 'name', expected: `a name no other destination has ("${input.name}" is taken)` });
      throw e;
    }
  }

  /**
   * Renames and/or changes config fields: given fields replace the stored ones (a secret left out is kept),
   * null removes an optional field; the merged config is checked whole. Undefined when not this tenant's.
   */
  async updateDestination(tenant: TenantId, id: number, patch: { name?: string; config?: Record<string, unknown> }): Promise<Destination | undefined> {
    checkSchema(patch, S.destinationPatch, FILES.destination, '');
    const cur = await this.getDestination(tenant, id);
    if (!cur) return undefined;
    const merged: Record<string, unknown> = { ...cur.config };
    for (const [k, v] of Object.entries(patch.config ?? {})) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    const config = this.prepareConfig(cur.kind, merged);
    const name = patch.name ?? cur.name;
    try {
      const rows = await this.sql.all(`UPDATE alert_destinations SET name = ?, config = ? WHERE tenant_id = ? AND id = ? RETURNING ${DEST_COLS}`, [name, JSON.stringify(config), tenant, id]);
      return rows[0] && this.toDestination(rows[0]);
    } catch (e) {
      if (isUniqueViolation(e)) throw new InputError({ file: FILES.destination, field: 'name', expected: `a name no other destination has ("${name}" is taken)` });
      throw e;
    }
  }

  /** Refused while a rule sends to it; deletes its deliveries and dead letters with it, and the alerts sent only to it. */
  async deleteDestination(tenant: TenantId, id: number): Promise<DeleteDestinationResult> {
    return this.sql.transaction(async (tx): Promise<DeleteDestinationResult> => {
      const found = await tx.all('SELECT id FROM alert_destinations WHERE tenant_id = ? AND id = ?', [tenant, id]);
      if (found.length === 0) return { ok: false, reason: 'missing' };
      const users = (await tx.all(`SELECT ${RULE_COLS} FROM alert_rules WHERE tenant_id = ?`, [tenant])).map((r) => this.toRule(r)).filter((r) => r.destinationIds.includes(id));
      if (users.length > 0) return { ok: false, reason: 'in-use', rules: users.map((r) => r.name) };
      // Alerts delivered only here go too, with their history; alerts also sent elsewhere keep theirs.
      const only = (
        await tx.all<{ alert_id: number }>(
          `SELECT DISTINCT d.alert_id FROM alert_deliveries d WHERE d.tenant_id = ? AND d.destination_id = ? AND d.alert_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM alert_deliveries o WHERE o.alert_id = d.alert_id AND o.destination_id <> ?)`,
          [tenant, id, id],
        )
      ).map((r) => Number(r.alert_id));
      await tx.run('DELETE FROM alert_dead_letters WHERE tenant_id = ? AND destination_id = ?', [tenant, id]);
      await tx.run('DELETE FROM alert_deliveries WHERE tenant_id = ? AND destination_id = ?', [tenant, id]);
      for (let i = 0; i < only.length; i += 500) {
        const chunk = only.slice(i, i + 500);
        const marks = chunk.map(() => '?').join(', ');
        await tx.run(`DELETE FROM alert_state_events WHERE tenant_id = ? AND alert_id IN (${marks})`, [tenant, ...chunk]);
        await tx.run(`DELETE FROM alerts WHERE tenant_id = ? AND id IN (${marks})`, [tenant, ...chunk]);
      }
      await tx.run('DELETE FROM alert_destinations WHERE tenant_id = ? AND id = ?', [tenant, id]);
      return { ok: true };
    });
  }

  // ---- silences ----------------------------------------------------------------------------------------------------

  private toSilence(r: Row): Silence {
    return {
      id: Number(r.id),
      match: this.json(r.match),
      reason: r.reason as string,
      createdBy: r.created_by as string,
      createdAt: r.created_at as string,
      expiresAt: r.expires_at as string,
    };
  }

  /** All silences, or only those still in force (`active: true`) or expired (`active: false`). */
  async listSilences(tenant: TenantId, opts: { active?: boolean } = {}): Promise<Silence[]> {
    const now = this.clock().toISOString();
    const where = opts.active === undefined ? '' : opts.active ? ' AND expires_at > ?' : ' AND expires_at <= ?';
    const rows = await this.sql.all(`SELECT ${SILENCE_COLS} FROM alert_silences WHERE tenant_id = ?${where} ORDER BY id`, opts.active === undefined ? [tenant] : [tenant, now]);
    return rows.map((r) => this.toSilence(r));
  }

  async getSilence(tenant: TenantId, id: number): Promise<Silence | undefined> {
    const rows = await this.sql.all(`SELECT ${SILENCE_COLS} FROM alert_silences WHERE tenant_id = ? AND id = ?`, [tenant, id]);
    return rows[0] && this.toSilence(rows[0]);
  }

  async createSilence(tenant: TenantId, input: SilenceInput, actor: string): Promise<Silence> {
    checkSchema(input, S.silenceCreate, FILES.silence, '');
    const expiresAt = instant(input.expiresAt, FILES.silence, 'expiresAt');
    const now = this.clock();
    if (Date.parse(expiresAt) <= now.getTime()) throw new InputError({ file: FILES.silence, field: 'expiresAt', expected: 'an instant in the future' });
    if (input.match.alertRuleIds) {
      const have = new Set((await this.listRules(tenant)).map((r) => r.id));
      input.match.alertRuleIds.forEach((id, i) => {
        if (!have.has(id)) throw new InputError({ file: FILES.silence, field: `match.alertRuleIds[${i}]`, expected: `an alert rule id of this tenant (${id} is none)` });
      });
    }
    const rows = await this.sql.all(`INSERT INTO alert_silences (tenant_id, match, reason, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${SILENCE_COLS}`, [
      tenant,
      JSON.stringify(input.match),
      input.reason,
      actor,
      now.toISOString(),
      expiresAt,
    ]);
    return this.toSilence(rows[0]);
  }

  async deleteSilence(tenant: TenantId, id: number): Promise<boolean> {
    return (await this.sql.run('DELETE FROM alert_silences WHERE tenant_id = ? AND id = ?', [tenant, id])) > 0;
  }

  // ---- allow-list --------------------------------------------------------------------------------------------------

  private toAllow(r: Row): AllowlistEntry {
    return {
      id: Number(r.id),
      ruleId: (r.rule_id as string | null) ?? null,
      assetKey: (r.asset_key as string | null) ?? null,
      fingerprint: (r.fingerprint as string | null) ?? null,
      reason: r.reason as string,
      createdBy: r.created_by as string,
      createdAt: r.created_at as string,
      expiresAt: (r.expires_at as string | null) ?? null,
    };
  }

  /** All entries, or only those in force. */
  async listAllowlist(tenant: TenantId, opts: { active?: boolean } = {}): Promise<AllowlistEntry[]> {
    const rows = opts.active
      ? await this.sql.all(`SELECT ${ALLOW_COLS} FROM alert_allowlist WHERE tenant_id = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY id`, [tenant, this.clock().toISOString()])
      : await this.sql.all(`SELECT ${ALLOW_COLS} FROM alert_allowlist WHERE tenant_id = ? ORDER BY id`, [tenant]);
    return rows.map((r) => this.toAllow(r));
  }

  async getAllowlistEntry(tenant: TenantId, id: number): Promise<AllowlistEntry | undefined> {
    const rows = await this.sql.all(`SELECT ${ALLOW_COLS} FROM alert_allowlist WHERE tenant_id = ? AND id = ?`, [tenant, id]);
    return rows[0] && this.toAllow(rows[0]);
  }

  async createAllowlistEntry(tenant: TenantId, input: AllowlistInput, actor: string): Promise<AllowlistEntry> {
    checkSchema(input, S.allowlistCreate, FILES.allow, '');
    if (input.ruleId === undefined && input.fingerprint === undefined) {
      throw new InputError({ file: FILES.allow, field: 'ruleId', expected: 'a finding rule id, or a fingerprint naming one finding' });
    }
    let expiresAt: string | null = null;
    if (input.expiresAt !== undefined) {
      expiresAt = instant(input.expiresAt, FILES.allow, 'expiresAt');
      if (Date.parse(expiresAt) <= this.clock().getTime()) throw new InputError({ file: FILES.allow, field: 'expiresAt', expected: 'an instant in the future' });
    }
    const rows = await this.sql.all(
      `INSERT INTO alert_allowlist (tenant_id, rule_id, asset_key, fingerprint, reason, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${ALLOW_COLS}`,
      [tenant, input.ruleId ?? null, input.assetKey ?? null, input.fingerprint ?? null, input.reason, actor, this.clock().toISOString(), expiresAt],
    );
    return this.toAllow(rows[0]);
  }

  async deleteAllowlistEntry(tenant: TenantId, id: number): Promise<boolean> {
    return (await this.sql.run('DELETE FROM alert_allowlist WHERE tenant_id = ? AND id = ?', [tenant, id])) > 0;
  }

  // ---- group state (listener) --------------------------------------------------------------------------------------

  async groupStates(tenant: TenantId, ruleIds: readonly number[], conn: SqlConn = this.sql): Promise<GroupState[]> {
    if (ruleIds.length === 0) return [];
    const rows = await conn.all(`SELECT rule_id, group_key, last_alert_at, suppressed FROM alert_groups WHERE tenant_id = ? AND rule_id IN (${ruleIds.map(() => '?').join(', ')})`, [
      tenant,
      ...ruleIds,
    ]);
    return rows.map((r) => ({ ruleId: Number(r.rule_id), groupKey: r.group_key as string, lastAlertAt: r.last_alert_at as string, suppressed: Number(r.suppressed) }));
  }

  // ---- deliveries and dead letters ---------------------------------------------------------------------------------

  toDelivery(r: Row): Delivery {
    return {
      id: Number(r.id),
      alertId: optId(r.alert_id),
      ruleId: optId(r.rule_id),
      destinationId: Number(r.destination_id),
      groupKey: r.group_key as string,
      payload: this.json<AlertPayload>(r.payload),
      status: r.status as DeliveryStatus,
      attempts: Number(r.attempts),
      nextAttemptAt: (r.next_attempt_at as string | null) ?? null,
      lastError: (r.last_error as string | null) ?? null,
      createdAt: r.created_at as string,
      sentAt: (r.sent_at as string | null) ?? null,
    };
  }

  private toEvent(r: Row): AlertStateEvent {
    return {
      id: Number(r.id),
      actor: r.actor as string,
      at: r.at as string,
      fromState: r.from_state as AlertState,
      state: r.state as AlertState,
      fromAssigneeId: optId(r.from_assignee_id),
      assigneeId: optId(r.assignee_id),
      note: (r.note as string | null) ?? null,
    };
  }

  private toDeadLetter(r: Row): DeadLetter {
    return {
      id: Number(r.id),
      deliveryId: optId(r.delivery_id),
      destinationId: Number(r.destination_id),
      payload: this.json<AlertPayload>(r.payload),
      error: r.error as string,
      attempts: Number(r.attempts),
      failedAt: r.failed_at as string,
      retriedAt: (r.retried_at as string | null) ?? null,
    };
  }

  /** The queue's deliveries, newest first (the API lists alerts: `listAlerts`). */
  async listDeliveries(tenant: TenantId, filter: DeliveryFilter = {}, page: PageOptions = {}): Promise<Page<Delivery>> {
    const where = ['tenant_id = ?'];
    const params: (string | number)[] = [tenant];
    if (filter.status?.length) {
      where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
      params.push(...filter.status);
    }
    if (filter.ruleId !== undefined) {
      where.push('rule_id = ?');
      params.push(filter.ruleId);
    }
    if (filter.alertId !== undefined) {
      where.push('alert_id = ?');
      params.push(filter.alertId);
    }
    const { rows, nextCursor } = await this.newestFirst(DELIVERY_COLS, 'alert_deliveries', 'id', where, params, page);
    const items = rows.map((r) => this.toDelivery(r));
    return nextCursor ? { items, nextCursor } : { items };
  }

  async getDelivery(tenant: TenantId, id: number, conn: SqlConn = this.sql): Promise<Delivery | undefined> {
    const rows = await conn.all(`SELECT ${DELIVERY_COLS} FROM alert_deliveries WHERE tenant_id = ? AND id = ?`, [tenant, id]);
    return rows[0] && this.toDelivery(rows[0]);
  }

  // ---- fired alerts and their workflow (state, assignee, note) -----------------------------------------------------

  /** Alert rows (ALERT_READ) with their deliveries, read in one query. */
  private async toAlerts(tenant: TenantId, rows: Row[], conn: SqlConn): Promise<Alert[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => Number(r.id));
    const byAlert = new Map<number, AlertDelivery[]>(ids.map((i) => [i, []]));
    const ds = await conn.all(
      `SELECT d.id, d.alert_id, d.destination_id, x.name AS destination_name, x.kind AS destination_kind, d.status, d.attempts, d.last_error, d.next_attempt_at, d.sent_at
         FROM alert_deliveries d LEFT JOIN alert_destinations x ON x.id = d.destination_id AND x.tenant_id = d.tenant_id
        WHERE d.tenant_id = ? AND d.alert_id IN (${ids.map(() => '?').join(', ')}) ORDER BY d.id`,
      [tenant, ...ids],
    );
    for (const d of ds) {
      byAlert.get(Number(d.alert_id))?.push({
        id: Number(d.id),
        destinationId: Number(d.destination_id),
        destinationName: (d.destination_name as string | null) ?? null,
        destinationKind: (d.destination_kind as string | null) ?? null,
        status: d.status as DeliveryStatus,
        attempts: Number(d.attempts),
        lastError: (d.last_error as string | null) ?? null,
        nextAttemptAt: (d.next_attempt_at as string | null) ?? null,
        sentAt: (d.sent_at as string | null) ?? null,
      });
    }
    return rows.map((r) => {
      const deliveries = byAlert.get(Number(r.id)) ?? [];
      return {
        id: Number(r.id),
        ruleId: optId(r.rule_id),
        groupKey: r.group_key as string,
        payload: this.json<AlertPayload>(r.payload),
        createdAt: r.created_at as string,
        state: r.state as AlertState,
        assigneeId: optId(r.assignee_id),
        assigneeName: (r.assignee_name as string | null) ?? null,
        note: (r.note as string | null) ?? null,
        changedBy: (r.changed_by as string | null) ?? null,
        changedAt: (r.changed_at as string | null) ?? null,
        deliveryStatus: overallDeliveryStatus(deliveries.map((d) => d.status)),
        deliveries,
      };
    });
  }

  /** Fired alerts, newest first, each with its deliveries; `status` keeps alerts having a delivery in one of them. */
  async listAlerts(tenant: TenantId, filter: AlertFilter = {}, page: PageOptions = {}): Promise<Page<Alert>> {
    const where = ['a.tenant_id = ?'];
    const params: (string | number)[] = [tenant];
    if (filter.status?.length) {
      where.push(`EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.tenant_id = a.tenant_id AND d.alert_id = a.id AND d.status IN (${filter.status.map(() => '?').join(', ')}))`);
      params.push(...filter.status);
    }
    if (filter.ruleId !== undefined) {
      where.push('a.rule_id = ?');
      params.push(filter.ruleId);
    }
    if (filter.state?.length) {
      where.push(`a.state IN (${filter.state.map(() => '?').join(', ')})`);
      params.push(...filter.state);
    }
    if (filter.assignee === 'none') where.push('a.assignee_id IS NULL');
    else if (filter.assignee !== undefined) {
      where.push('a.assignee_id = ?');
      params.push(filter.assignee);
    }
    const { rows, nextCursor } = await this.newestFirst(ALERT_READ, ALERT_FROM, 'a.id', where, params, page);
    const items = await this.toAlerts(tenant, rows, this.sql);
    return nextCursor ? { items, nextCursor } : { items };
  }

  async getAlert(tenant: TenantId, id: number, conn: SqlConn = this.sql): Promise<Alert | undefined> {
    const rows = await conn.all(`SELECT ${ALERT_READ} FROM ${ALERT_FROM} WHERE a.tenant_id = ? AND a.id = ?`, [tenant, id]);
    return (await this.toAlerts(tenant, rows, conn))[0];
  }

  /** The alert's workflow changes, oldest first; [] for an alert never changed (or not this tenant's). */
  async alertHistory(tenant: TenantId, id: number): Promise<AlertStateEvent[]> {
    const rows = await this.sql.all(`SELECT ${EVENT_COLS} FROM alert_state_events WHERE tenant_id = ? AND alert_id = ? ORDER BY id`, [tenant, id]);
    const events = rows.map((r) => this.toEvent(r));
    const actorId = (e: AlertStateEvent) => (/^user:[1-9][0-9]{0,14}$/.test(e.actor) ? Number(e.actor.slice(5)) : null);
    const ids = [...new Set(events.flatMap((e) => [actorId(e), e.fromAssigneeId, e.assigneeId]).filter((x): x is number => x !== null))];
    if (ids.length === 0) return events;
    const names = new Map(
      (await this.sql.all(`SELECT id, name FROM users WHERE tenant_id = ? AND id IN (${ids.map(() => '?').join(', ')})`, [tenant, ...ids])).map((r) => [Number(r.id), r.name as string]),
    );
    const name = (x: number | null) => (x === null ? undefined : names.get(x));
    return events.map((e) => {
      const n = { actor: name(actorId(e)), fromAssignee: name(e.fromAssigneeId), assignee: name(e.assigneeId) };
      const given = Object.fromEntries(Object.entries(n).filter(([, v]) => v !== undefined));
      return Object.keys(given).length ? { ...e, names: given } : e;
    });
  }

  /** Refuses (InputError on `assigneeId`) a user who is not an active, unscoped user of this tenant. */
  private async checkAssignee(tenant: TenantId, userId: number, conn: SqlConn): Promise<void> {
    const rows = await conn.all('SELECT id, disabled_at FROM users WHERE tenant_id = ? AND id = ?', [tenant, userId]);
    if (rows.length === 0) throw new InputError({ file: FILES.alert, field: 'assigneeId', expected: `a user id of this tenant (${userId} is none)` });
    if (rows[0].disabled_at !== null && rows[0].disabled_at !== undefined) {
      throw new InputError({ file: FILES.alert, field: 'assigneeId', expected: `an active user (user ${userId} is disabled)` });
    }
    // Alert payloads list findings of any asset: a user scoped to asset groups may not read alerts, so cannot take one.
    const scoped = await conn.all('SELECT group_id FROM user_asset_groups WHERE user_id = ? LIMIT 1', [userId]);
    if (scoped.length > 0) throw new InputError({ file: FILES.alert, field: 'assigneeId', expected: `a user who may read alerts (user ${userId} is limited to asset groups)` });
  }

  /**
   * Changes a fired alert's state (along ALERT_TRANSITIONS), assignee and/or note, and records the change in its
   * history. A patch that changes nothing answers the alert as it is, without a history entry. The update is
   * guarded by the state and assignee read, so of two concurrent changes one wins and the other gets `conflict`.
   */
  async updateWorkflow(tenant: TenantId, id: number, patch: AlertWorkflowPatch, actor: string): Promise<WorkflowResult> {
    checkSchema(patch, S.alertWorkflowPatch, FILES.alert, '');
    return this.sql.transaction(async (tx): Promise<WorkflowResult> => {
      const cur = await this.getAlert(tenant, id, tx);
      if (!cur) return { ok: false, reason: 'missing' };
      const state = patch.state ?? cur.state;
      if (state !== cur.state && !ALERT_TRANSITIONS[cur.state].includes(state)) return { ok: false, reason: 'transition', from: cur.state, to: state };
      const assigneeId = patch.assigneeId === undefined ? cur.assigneeId : patch.assigneeId;
      if (assigneeId !== null && assigneeId !== cur.assigneeId) await this.checkAssignee(tenant, assigneeId, tx);
      const note = patch.note ?? null;
      if (state === cur.state && assigneeId === cur.assigneeId && note === null) return { ok: true, alert: cur };
      const at = this.clock().toISOString();
      const n = await tx.run(
        `UPDATE alerts SET state = ?, assignee_id = ?, note = COALESCE(?, note), changed_by = ?, changed_at = ?
         WHERE tenant_id = ? AND id = ? AND state = ? AND COALESCE(assignee_id, 0) = ?`,
        [state, assigneeId, note, actor, at, tenant, id, cur.state, cur.assigneeId ?? 0],
      );
      if (n === 0) return { ok: false, reason: 'conflict' };
      const ev = await tx.all(
        `INSERT INTO alert_state_events (tenant_id, alert_id, actor, at, from_state, state, from_assignee_id, assignee_id, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${EVENT_COLS}`,
        [tenant, id, actor, at, cur.state, state, cur.assigneeId, assigneeId, note],
      );
      const alert = await this.getAlert(tenant, id, tx);
      return { ok: true, alert: alert!, event: this.toEvent(ev[0]) };
    });
  }

  /** Newest first; `retried: false` lists those still waiting for a decision. */
  async listDeadLetters(tenant: TenantId, filter: { retried?: boolean } = {}, page: PageOptions = {}): Promise<Page<DeadLetter>> {
    const where = ['tenant_id = ?'];
    const params: (string | number)[] = [tenant];
    if (filter.retried !== undefined) where.push(filter.retried ? 'retried_at IS NOT NULL' : 'retried_at IS NULL');
    const { rows, nextCursor } = await this.newestFirst(DEAD_COLS, 'alert_dead_letters', 'id', where, params, page);
    const items = rows.map((r) => this.toDeadLetter(r));
    return nextCursor ? { items, nextCursor } : { items };
  }

  async getDeadLetter(tenant: TenantId, id: number): Promise<DeadLetter | undefined> {
    const rows = await this.sql.all(`SELECT ${DEAD_COLS} FROM alert_dead_letters WHERE tenant_id = ? AND id = ?`, [tenant, id]);
    return rows[0] && this.toDeadLetter(rows[0]);
  }

  /**
   * Puts a dead letter's delivery back in the queue (attempts reset, due now) and marks the dead letter retried.
   * A dead letter is retried once; if it dies again a new dead letter records that.
   */
  async retryDeadLetter(tenant: TenantId, id: number): Promise<RetryResult> {
    const now = this.clock().toISOString();
    return this.sql.transaction(async (tx): Promise<RetryResult> => {
      const rows = await tx.all(`SELECT ${DEAD_COLS} FROM alert_dead_letters WHERE tenant_id = ? AND id = ?`, [tenant, id]);
      if (rows.length === 0) return { ok: false, reason: 'missing' };
      const dl = this.toDeadLetter(rows[0]);
      if (dl.retriedAt !== null) return { ok: false, reason: 'already-retried' };
      // The guard on retried_at makes two concurrent retries requeue once.
      if ((await tx.run('UPDATE alert_dead_letters SET retried_at = ? WHERE tenant_id = ? AND id = ? AND retried_at IS NULL', [now, tenant, id])) === 0) {
        return { ok: false, reason: 'already-retried' };
      }
      let deliveryId = dl.deliveryId;
      if (deliveryId !== null) {
        const n = await tx.run(
          "UPDATE alert_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, claim_token = NULL, sent_at = NULL WHERE tenant_id = ? AND id = ?",
          [now, tenant, deliveryId],
        );
        if (n === 0) deliveryId = null;
      }
      if (deliveryId === null) {
        // The delivery was pruned: queue a new one under the alert of the same key (found, or made again).
        const p = dl.payload;
        const alertId = await ensureAlert(tx, tenant, { ruleId: null, groupKey: p.groupKey, key: alertKey(p.rule.id, p.groupKey, p.scan.id), payload: JSON.stringify(p), createdAt: now });
        const same = await tx.all<{ id: number }>('SELECT id FROM alert_deliveries WHERE tenant_id = ? AND alert_id = ? AND destination_id = ?', [tenant, alertId, dl.destinationId]);
        if (same[0]) {
          deliveryId = Number(same[0].id);
          await tx.run("UPDATE alert_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, claim_token = NULL, sent_at = NULL WHERE id = ?", [now, deliveryId]);
        } else {
          const ins = await tx.all<{ id: number }>(
            `INSERT INTO alert_deliveries (tenant_id, alert_id, rule_id, destination_id, group_key, payload, status, attempts, next_attempt_at, created_at)
             VALUES (?, ?, NULL, ?, ?, ?, 'pending', 0, ?, ?) RETURNING id`,
            [tenant, alertId, dl.destinationId, p.groupKey, JSON.stringify(p), now, now],
          );
          deliveryId = Number(ins[0].id);
        }
      }
      const d = await tx.all(`SELECT ${DELIVERY_COLS} FROM alert_deliveries WHERE tenant_id = ? AND id = ?`, [tenant, deliveryId]);
      return { ok: true, delivery: this.toDelivery(d[0]) };
    });
  }
}

/** The destination as API reads show it: secrets masked by its kind. */
export function maskDestination(d: Destination): Destination {
  const k = destinationKind(d.kind);
  return { ...d, config: k ? k.mask(d.config as never) : {} };
}
