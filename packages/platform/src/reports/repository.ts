// Reports and report schedules over the platform's shared SQL pool (`store.sql`), with the tables of migrations.ts.
import { createHash } from 'node:crypto';
import { InputError, LimitError } from '@bulwark/core';
import type { Row, SqlConn, SqlDriver } from '../storage/driver.js';
import type { TenantId } from '../storage/types.js';
import { normalizeKind, normalizeScope, resolveFramework } from './data.js';
import type { FormatId } from './format.js';
import { formatOf } from './formats.js';
import type { ReportCompliance, ReportKind, ReportScope, ReportSummary } from './types.js';

/** What a report is built from (the API body less the format). */
export interface StoredRequest {
  scope: ReportScope;
  kind: ReportKind;
  framework?: string;
}

export interface StoredReport {
  id: number;
  tenant: TenantId;
  scheduleId: number | null;
  title: string;
  kind: ReportKind;
  format: FormatId;
  request: StoredRequest;
  /** Asset groups the report was limited to; null = whole tenant. */
  assetGroups: number[] | null;
  summary: ReportSummary & { compliance?: ReportCompliance['summary'] };
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  generatedAt: string;
  createdBy: string;
  createdAt: string;
}

export interface NewReport {
  scheduleId?: number;
  title: string;
  kind: ReportKind;
  format: FormatId;
  request: StoredRequest;
  assetGroups?: number[];
  summary: StoredReport['summary'];
  filename: string;
  contentType: string;
  generatedAt: string;
  createdBy: string;
  content: Buffer;
}

export type Cadence = 'daily' | 'weekly' | 'monthly';
export const CADENCES: readonly Cadence[] = ['daily', 'weekly', 'monthly'];

/** When a schedule runs, in UTC. */
export interface When {
  cadence: Cadence;
  /** 0–23 UTC. */
  hour: number;
  /** Weekly: 0 Sunday … 6 Saturday. */
  weekday?: number;
  /** Monthly: 1–28 (every month has it). */
  dayOfMonth?: number;
}

export interface ReportSchedule extends When {
  id: number;
  tenant: TenantId;
  name: string;
  request: StoredRequest;
  format: FormatId;
  /** Newest reports of this schedule kept; older ones are deleted after each run. */
  keep: number;
  enabled: boolean;
  assetGroups: number[] | null;
  nextRunAt: string;
  lastRunAt: string | null;
  lastReportId: number | null;
  lastError: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** A schedule as the API takes it (create: everything but the optional fields; update: any subset). */
export interface ScheduleInput {
  name: string;
  scope: unknown;
  kind: unknown;
  framework?: unknown;
  format: unknown;
  cadence: Cadence;
  hour?: number;
  weekday?: number;
  dayOfMonth?: number;
  keep?: number;
  enabled?: boolean;
}

/** Largest stored report; the tables' row caps keep real reports far below it. */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_KEEP = 12;
export const DEFAULT_HOUR = 6;
const FILE = 'report schedule';

function fail(field: string, expected: string): never {
  throw new InputError({ file: FILE, field, expected });
}

function int(v: unknown, field: string, min: number, max: number): number {
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) fail(field, `an integer from ${min} to ${max}`);
  return v as number;
}

/** Checks cadence fields together: weekday only (and always) for weekly, dayOfMonth for monthly. */
export function normalizeWhen(v: { cadence?: unknown; hour?: unknown; weekday?: unknown; dayOfMonth?: unknown }): When {
  if (typeof v.cadence !== 'string' || !(CADENCES as readonly string[]).includes(v.cadence)) fail('cadence', `one of ${CADENCES.join(', ')}`);
  const cadence = v.cadence as Cadence;
  const hour = v.hour === undefined ? DEFAULT_HOUR : int(v.hour, 'hour', 0, 23);
  if (cadence === 'weekly') {
    if (v.dayOfMonth !== undefined) fail('dayOfMonth', 'nothing for a weekly schedule (weekday sets the day)');
    return { cadence, hour, weekday: int(v.weekday, 'weekday', 0, 6) };
  }
  if (cadence === 'monthly') {
    if (v.weekday !== undefined) fail('weekday', 'nothing for a monthly schedule (dayOfMonth sets the day)');
    return { cadence, hour, dayOfMonth: int(v.dayOfMonth, 'dayOfMonth', 1, 28) };
  }
  if (v.weekday !== undefined) fail('weekday', 'nothing for a daily schedule');
  if (v.dayOfMonth !== undefined) fail('dayOfMonth', 'nothing for a daily schedule');
  return { cadence, hour };
}

/** The first run strictly after `after`. */
export function nextRunAfter(w: When, after: Date): Date {
  const y = after.getUTCFullYear();
  const m = after.getUTCMonth();
  const d = after.getUTCDate();
  if (w.cadence === 'monthly') {
    const day = w.dayOfMonth ?? 1;
    let t = Date.UTC(y, m, day, w.hour);
    if (t <= after.getTime()) t = Date.UTC(y, m + 1, day, w.hour);
    return new Date(t);
  }
  if (w.cadence === 'weekly') {
    const ahead = ((w.weekday ?? 0) - after.getUTCDay() + 7) % 7;
    let t = Date.UTC(y, m, d + ahead, w.hour);
    if (t <= after.getTime()) t = Date.UTC(y, m, d + ahead + 7, w.hour);
    return new Date(t);
  }
  let t = Date.UTC(y, m, d, w.hour);
  if (t <= after.getTime()) t = Date.UTC(y, m, d + 1, w.hour);
  return new Date(t);
}

/** Scope, kind and framework checked together (framework resolved to its canonical id). */
export async function normalizeRequest(v: { scope?: unknown; kind?: unknown; framework?: unknown }): Promise<StoredRequest> {
  const scope = normalizeScope(v.scope);
  const kind = normalizeKind(v.kind);
  const fw = await resolveFramework(kind, v.framework);
  return fw ? { scope, kind, framework: fw.id } : { scope, kind };
}

function name(v: unknown): string {
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > 200 || v.includes('\0')) fail('name', 'a name of 1–200 characters');
  return v.trim();
}

function groupsOf(v: readonly number[] | undefined): string | null {
  return v === undefined ? null : JSON.stringify([...new Set(v)].sort((a, b) => a - b));
}

/** Whether a caller scoped to `caller` groups may see something limited to `owner` groups (null = whole tenant). */
export function visibleTo(caller: readonly number[] | undefined, owner: readonly number[] | null): boolean {
  if (caller === undefined) return true;
  return owner !== null && owner.every((g) => caller.includes(g));
}

const REPORT_COLS =
  'id, tenant_id, schedule_id, title, kind, format, request, asset_groups, summary, filename, content_type, size_bytes, sha256, generated_at, created_by, created_at';
const SCHEDULE_COLS =
  'id, tenant_id, name, request, format, cadence, hour, weekday, month_day, keep, asset_groups, enabled, next_run_at, last_run_at, last_report_id, last_error, created_by, created_at, updated_at';

export class ReportRepository {
  constructor(readonly db: SqlDriver) {}

  private json<T>(v: unknown): T {
    if (v === null || v === undefined) return null as T;
    return (typeof v === 'string' ? JSON.parse(v) : v) as T;
  }

  private toReport(r: Row): StoredReport {
    return {
      id: Number(r.id),
      tenant: Number(r.tenant_id),
      scheduleId: r.schedule_id === null ? null : Number(r.schedule_id),
      title: r.title as string,
      kind: r.kind as ReportKind,
      format: r.format as FormatId,
      request: this.json<StoredRequest>(r.request),
      assetGroups: this.json<number[] | null>(r.asset_groups),
      summary: this.json<StoredReport['summary']>(r.summary),
      filename: r.filename as string,
      contentType: r.content_type as string,
      sizeBytes: Number(r.size_bytes),
      sha256: r.sha256 as string,
      generatedAt: r.generated_at as string,
      createdBy: r.created_by as string,
      createdAt: r.created_at as string,
    };
  }

  private toSchedule(r: Row): ReportSchedule {
    const cadence = r.cadence as Cadence;
    return {
      id: Number(r.id),
      tenant: Number(r.tenant_id),
      name: r.name as string,
      request: this.json<StoredRequest>(r.request),
      format: r.format as FormatId,
      cadence,
      hour: Number(r.hour),
      ...(r.weekday !== null ? { weekday: Number(r.weekday) } : {}),
      ...(r.month_day !== null ? { dayOfMonth: Number(r.month_day) } : {}),
      keep: Number(r.keep),
      enabled: r.enabled === true || r.enabled === 1,
      assetGroups: this.json<number[] | null>(r.asset_groups),
      nextRunAt: r.next_run_at as string,
      lastRunAt: (r.last_run_at as string | null) ?? null,
      lastReportId: r.last_report_id === null ? null : Number(r.last_report_id),
      lastError: (r.last_error as string | null) ?? null,
      createdBy: r.created_by as string,
      createdAt: r.created_at as string,
      updatedAt: r.updated_at as string,
    };
  }

  // ------------------------------------------------------------------ reports

  /** Stores a generated report (on `conn` when given, to share the caller's transaction). */
  async insertReport(tenant: TenantId, r: NewReport, conn: SqlConn = this.db): Promise<StoredReport> {
    if (r.content.length > MAX_REPORT_BYTES) throw new LimitError({ file: 'report', limit: `${MAX_REPORT_BYTES} bytes`, message: `report is ${r.content.length} bytes` });
    const sha256 = createHash('sha256').update(r.content).digest('hex');
    const rows = await conn.all<Row>(
      `INSERT INTO reports (tenant_id, schedule_id, title, kind, format, request, asset_groups, summary, filename, content_type, size_bytes, sha256, content, generated_at, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${REPORT_COLS}`,
      [
        tenant,
        r.scheduleId ?? null,
        r.title,
        r.kind,
        r.format,
        JSON.stringify(r.request),
        groupsOf(r.assetGroups),
        JSON.stringify(r.summary),
        r.filename,
        r.contentType,
        r.content.length,
        sha256,
        r.content.toString('base64'),
        r.generatedAt,
        r.createdBy,
        new Date().toISOString(),
      ],
    );
    return this.toReport(rows[0]);
  }

  /** Newest first; `cursor` is the last id of the previous page. */
  async listReports(tenant: TenantId, opts: { limit: number; cursor?: number; scheduleId?: number }): Promise<{ items: StoredReport[]; nextCursor?: number }> {
    const where = ['tenant_id = ?'];
    const params: Array<number> = [tenant];
    if (opts.cursor !== undefined) {
      where.push('id < ?');
      params.push(opts.cursor);
    }
    if (opts.scheduleId !== undefined) {
      where.push('schedule_id = ?');
      params.push(opts.scheduleId);
    }
    const rows = await this.db.all<Row>(`SELECT ${REPORT_COLS} FROM reports WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`, [...params, opts.limit + 1]);
    const items = rows.slice(0, opts.limit).map((r) => this.toReport(r));
    return rows.length > opts.limit ? { items, nextCursor: items[items.length - 1].id } : { items };
  }

  async getReport(tenant: TenantId, id: number): Promise<StoredReport | undefined> {
    const rows = await this.db.all<Row>(`SELECT ${REPORT_COLS} FROM reports WHERE tenant_id = ? AND id = ?`, [tenant, id]);
    return rows.length === 0 ? undefined : this.toReport(rows[0]);
  }

  async reportContent(tenant: TenantId, id: number): Promise<Buffer | undefined> {
    const rows = await this.db.all<{ content: string }>('SELECT content FROM reports WHERE tenant_id = ? AND id = ?', [tenant, id]);
    return rows.length === 0 ? undefined : Buffer.from(rows[0].content, 'base64');
  }

  async deleteReport(tenant: TenantId, id: number): Promise<boolean> {
    return (await this.db.run('DELETE FROM reports WHERE tenant_id = ? AND id = ?', [tenant, id])) > 0;
  }

  // ---------------------------------------------------------------- schedules

  async createSchedule(tenant: TenantId, input: ScheduleInput, ctx: { now: Date; actor: string; assetGroups?: number[] }): Promise<ReportSchedule> {
    const n = name(input.name);
    const request = await normalizeRequest(input);
    const format = formatOf(input.format).id;
    const when = normalizeWhen(input);
    const keep = input.keep === undefined ? DEFAULT_KEEP : int(input.keep, 'keep', 1, 1000);
    const enabled = input.enabled ?? true;
    if (typeof enabled !== 'boolean') fail('enabled', 'true or false');
    const at = ctx.now.toISOString();
    const rows = await this.db.all<Row>(
      `INSERT INTO report_schedules (tenant_id, name, request, format, cadence, hour, weekday, month_day, keep, asset_groups, enabled, next_run_at, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING ${SCHEDULE_COLS}`,
      [tenant, n, JSON.stringify(request), format, when.cadence, when.hour, when.weekday, when.dayOfMonth, keep, groupsOf(ctx.assetGroups), enabled, nextRunAfter(when, ctx.now).toISOString(), ctx.actor, at, at],
    );
    if (rows.length === 0) throw new InputError({ file: FILE, field: 'name', message: `a report schedule named "${n}" already exists` });
    return this.toSchedule(rows[0]);
  }

  async listSchedules(tenant: TenantId): Promise<ReportSchedule[]> {
    const rows = await this.db.all<Row>(`SELECT ${SCHEDULE_COLS} FROM report_schedules WHERE tenant_id = ? ORDER BY name, id`, [tenant]);
    return rows.map((r) => this.toSchedule(r));
  }

  async getSchedule(tenant: TenantId, id: number): Promise<ReportSchedule | undefined> {
    const rows = await this.db.all<Row>(`SELECT ${SCHEDULE_COLS} FROM report_schedules WHERE tenant_id = ? AND id = ?`, [tenant, id]);
    return rows.length === 0 ? undefined : this.toSchedule(rows[0]);
  }

  /** Applies a partial change; a change of cadence fields moves the next run. Undefined when missing. */
  async updateSchedule(tenant: TenantId, id: number, patch: Partial<ScheduleInput>, now: Date): Promise<ReportSchedule | undefined> {
    const cur = await this.getSchedule(tenant, id);
    if (!cur) return undefined;
    const n = patch.name === undefined ? cur.name : name(patch.name);
    const request = await normalizeRequest({
      scope: patch.scope ?? cur.request.scope,
      kind: patch.kind ?? cur.request.kind,
      // A new kind drops the old framework unless one is given.
      framework: patch.framework ?? (patch.kind === undefined || patch.kind === cur.request.kind ? cur.request.framework : undefined),
    });
    const format = formatOf(patch.format ?? cur.format).id;
    const timing = patch.cadence !== undefined || patch.hour !== undefined || patch.weekday !== undefined || patch.dayOfMonth !== undefined;
    // A new cadence takes only the day fields given with it.
    const when = normalizeWhen(
      patch.cadence !== undefined && patch.cadence !== cur.cadence
        ? { cadence: patch.cadence, hour: patch.hour ?? cur.hour, weekday: patch.weekday, dayOfMonth: patch.dayOfMonth }
        : { cadence: cur.cadence, hour: patch.hour ?? cur.hour, weekday: patch.weekday ?? cur.weekday, dayOfMonth: patch.dayOfMonth ?? cur.dayOfMonth },
    );
    const keep = patch.keep === undefined ? cur.keep : int(patch.keep, 'keep', 1, 1000);
    const enabled = patch.enabled ?? cur.enabled;
    if (typeof enabled !== 'boolean') fail('enabled', 'true or false');
    const next = timing || (enabled && !cur.enabled) ? nextRunAfter(when, now).toISOString() : cur.nextRunAt;
    try {
      await this.db.run(
        `UPDATE report_schedules SET name = ?, request = ?, format = ?, cadence = ?, hour = ?, weekday = ?, month_day = ?, keep = ?, enabled = ?, next_run_at = ?, updated_at = ?
         WHERE tenant_id = ? AND id = ?`,
        [n, JSON.stringify(request), format, when.cadence, when.hour, when.weekday, when.dayOfMonth, keep, enabled, next, now.toISOString(), tenant, id],
      );
    } catch (e) {
      if (/unique|duplicate/i.test((e as Error).message)) throw new InputError({ file: FILE, field: 'name', message: `a report schedule named "${n}" already exists` });
      throw e;
    }
    return this.getSchedule(tenant, id);
  }

  /** Deletes the schedule; its reports stay (schedule_id set to NULL). */
  async deleteSchedule(tenant: TenantId, id: number): Promise<boolean> {
    return (await this.db.run('DELETE FROM report_schedules WHERE tenant_id = ? AND id = ?', [tenant, id])) > 0;
  }

  // ---------------------------------------------------------------- scheduler

  /** Enabled schedules whose next run is due and not leased by a live run, oldest due first. */
  async dueSchedules(now: Date, limit: number): Promise<number[]> {
    const at = now.toISOString();
    const rows = await this.db.all<{ id: number }>(
      'SELECT id FROM report_schedules WHERE enabled = ? AND next_run_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_run_at, id LIMIT ?',
      [true, at, at, limit],
    );
    return rows.map((r) => Number(r.id));
  }

  /**
   * Takes the run of a due schedule for `owner` until `leaseUntil`. One conditional UPDATE: of processes racing
   * for the same row exactly one changes it (PostgreSQL re-checks the WHERE on the row another transaction just
   * updated; SQLite writes one at a time). Returns the schedule when this caller won.
   */
  async claim(id: number, now: Date, leaseUntil: Date, owner: string): Promise<ReportSchedule | undefined> {
    const at = now.toISOString();
    const n = await this.db.run(
      `UPDATE report_schedules SET lease_owner = ?, lease_until = ?
       WHERE id = ? AND enabled = ? AND next_run_at <= ? AND (lease_until IS NULL OR lease_until <= ?)`,
      [owner, leaseUntil.toISOString(), id, true, at, at],
    );
    if (n === 0) return undefined;
    const rows = await this.db.all<Row>(`SELECT ${SCHEDULE_COLS} FROM report_schedules WHERE id = ? AND lease_owner = ?`, [id, owner]);
    return rows.length === 0 ? undefined : this.toSchedule(rows[0]);
  }

  /**
   * Stores the run's report and moves the schedule on, in one transaction that commits only while `owner` still
   * holds the lease; then deletes the schedule's reports beyond `keep`. Undefined when the lease was lost.
   */
  async completeRun(s: ReportSchedule, owner: string, now: Date, report: NewReport): Promise<StoredReport | undefined> {
    const lost = new Error('lease lost');
    try {
      return await this.db.transaction(async (tx) => {
        const stored = await this.insertReport(s.tenant, { ...report, scheduleId: s.id }, tx);
        const n = await tx.run(
          `UPDATE report_schedules SET next_run_at = ?, lease_owner = NULL, lease_until = NULL, last_run_at = ?, last_report_id = ?, last_error = NULL
           WHERE id = ? AND lease_owner = ?`,
          [nextRunAfter(s, now).toISOString(), now.toISOString(), stored.id, s.id, owner],
        );
        if (n === 0) throw lost;
        await tx.run(
          `DELETE FROM reports WHERE tenant_id = ? AND schedule_id = ? AND id NOT IN
             (SELECT id FROM reports WHERE tenant_id = ? AND schedule_id = ? ORDER BY id DESC LIMIT ?)`,
          [s.tenant, s.id, s.tenant, s.id, s.keep],
        );
        return stored;
      });
    } catch (e) {
      if (e === lost) return undefined;
      throw e;
    }
  }

  /** Records a failed run: the lease is released and the schedule waits for its next slot. */
  async failRun(s: ReportSchedule, owner: string, now: Date, error: string): Promise<void> {
    await this.db.run(
      `UPDATE report_schedules SET next_run_at = ?, lease_owner = NULL, lease_until = NULL, last_run_at = ?, last_error = ?
       WHERE id = ? AND lease_owner = ?`,
      [nextRunAfter(s, now).toISOString(), now.toISOString(), error.slice(0, 2000), s.id, owner],
    );
  }
}
