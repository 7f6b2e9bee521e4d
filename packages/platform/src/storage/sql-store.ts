import { createHash, randomBytes } from 'node:crypto';
import { InputError, LimitError, SEVERITIES, severityRank, type Severity } from '@bulwark/core';
import { auditHash, GENESIS_HASH } from './audit.js';
import { valuesList, type Row, type SqlConn, type SqlDriver, type SqlValue } from './driver.js';
import { migrate, schemaVersion } from './schema.js';
import {
  ASSET_KINDS,
  BULK_STATUS_MAX,
  BULK_STATUS_MAX_IDS,
  DEFAULT_STORE_LIMITS,
  FINDING_GROUP_BYS,
  FINDING_STATUSES,
  FINDING_TYPES,
  type Asset,
  type AssetGroup,
  type AssetKind,
  type AssetRelation,
  type AuditFilter,
  type AuditInput,
  type AuditRecord,
  type ChainVerification,
  type Criticality,
  type Finding,
  type BulkStatusResult,
  type FindingFilter,
  type FindingGroup,
  type FindingGroupBy,
  type FindingSelection,
  type FindingInput,
  type FindingSort,
  type FindingSortKey,
  type FindingStatus,
  type FindingSummary,
  type TrendPoint,
  type FindingType,
  type IngestResult,
  type Instant,
  type Page,
  type PageRequest,
  type PriorityFactor,
  type RelationKind,
  type ScanCounts,
  type ScanInput,
  type StatusChange,
  type Store,
  type StoreLimits,
  type Tenant,
  type TenantId,
  type TenantInput,
  type ApiTokenInfo,
  type ApiTokenInput,
  type Role,
  ROLES,
} from './types.js';
import {
  assetMapKey,
  canonicalJson,
  instant,
  json,
  normalizeIngest,
  normalizeStatusChange,
  oneOf,
  positiveId,
  tenantId as checkTenant,
  text,
  type NormAsset,
} from './validate.js';

export interface StoreOptions {
  limits?: Partial<StoreLimits>;
  /** Apply pending migrations when opening (default true). */
  migrate?: boolean;
  /** Rows per multi-row INSERT on SQLite (default 500; capped by its parameter limit). */
  batchRows?: number;
  /** Rows per `json_to_recordset` INSERT on PostgreSQL (default 2000). */
  pgBatchRows?: number;
}

/** A column of a bulk insert; `pg` is its type in PostgreSQL's `json_to_recordset` form. */
type Col = readonly [name: string, pg: string];

const FINDING_COLS: readonly Col[] = [
  ['tenant_id', 'bigint'],
  ['fingerprint', 'text'],
  ['type', 'text'],
  ['rule_id', 'text'],
  ['title', 'text'],
  ['severity', 'text'],
  ['severity_rank', 'smallint'],
  ['cvss', 'float8'],
  ['epss', 'float8'],
  ['kev', 'boolean'],
  ['fix_available', 'boolean'],
  ['asset_id', 'bigint'],
  ['target', 'text'],
  ['first_seen', 'text'],
  ['last_seen', 'text'],
  ['first_scan_id', 'text'],
  ['last_scan_id', 'text'],
  ['status', 'text'],
  ['priority_score', 'float8'],
  ['priority_factors', 'text'],
  ['payload', 'text'],
  ['package', 'text'],
];

/**
 * The findings columns list queries filter, sort or group on: the ones ANALYZE refreshes after bulk loads. The
 * wide text columns (fingerprint, title, payload, factors, scan ids) are skipped: sorting their samples was a
 * quarter of each ANALYZE. A column newly used in a WHERE or ORDER BY belongs here.
 */
const PLANNED_FINDING_COLUMNS =
  'id, tenant_id, type, rule_id, severity, severity_rank, cvss, epss, kev, fix_available, asset_id, target, first_seen, last_seen, fixed_at, status, status_expires_at, priority_score';

/** A fixed finding seen again after it was fixed. */
const REOPEN = `(findings.status = 'fixed' AND excluded.last_seen > findings.fixed_at)`;
/** A suppression or risk acceptance whose expiry has passed when the finding is seen again. */
const LAPSED = `(findings.status IN ('suppressed', 'risk-accepted') AND findings.status_expires_at IS NOT NULL AND findings.status_expires_at <= excluded.last_seen)`;

/**
 * On conflict the row takes the new sighting, except the indexed columns (severity_rank, asset_id, target,
 * status, priority_score): SQLite rewrites every index whose columns appear in SET even when the value is the
 * same, which made a rescan 50% slower. RETURNING hands their stored values back and the few rows where they
 * differ are updated afterwards (FINDING_INDEXED_UPDATE); a reopen shows as reopened_scan_id = this scan.
 */
const FINDING_UPSERT = `ON CONFLICT (tenant_id, fingerprint) DO UPDATE SET
  title = excluded.title, severity = excluded.severity, cvss = excluded.cvss, epss = excluded.epss,
  last_seen = excluded.last_seen, last_scan_id = excluded.last_scan_id,
  priority_factors = excluded.priority_factors, payload = excluded.payload,
  fixed_at = CASE WHEN ${REOPEN} THEN NULL ELSE findings.fixed_at END,
  reopened_scan_id = CASE WHEN ${REOPEN} OR ${LAPSED} THEN excluded.last_scan_id ELSE findings.reopened_scan_id END,
  status_reason = CASE WHEN ${LAPSED} THEN NULL ELSE findings.status_reason END,
  status_owner = CASE WHEN ${LAPSED} THEN NULL ELSE findings.status_owner END,
  status_expires_at = CASE WHEN ${LAPSED} THEN NULL ELSE findings.status_expires_at END
WHERE excluded.last_seen >= findings.last_seen
RETURNING id, fingerprint, first_scan_id, reopened_scan_id, severity_rank, asset_id, target, status, priority_score, type, rule_id, kev, fix_available, package`;

/**
 * The indexed columns of rows whose values changed, set after the upsert (SQLite rewrites every index a SET names,
 * even for equal values: a rescan leaves them out and updates only the rows where one really changed — a KEV
 * listing, a fix released, a new priority).
 */
const FINDING_INDEXED: readonly Col[] = [
  ['id', 'bigint'],
  ['severity_rank', 'smallint'],
  ['asset_id', 'bigint'],
  ['target', 'text'],
  ['status', 'text'],
  ['priority_score', 'float8'],
  ['type', 'text'],
  ['rule_id', 'text'],
  ['kev', 'boolean'],
  ['fix_available', 'boolean'],
  ['package', 'text'],
];

const ASSET_COLS: readonly Col[] = [
  ['tenant_id', 'bigint'],
  ['kind', 'text'],
  ['asset_key', 'text'],
  ['name', 'text'],
  ['attributes', 'jsonb'],
  ['criticality', 'text'],
  ['first_seen', 'text'],
  ['last_seen', 'text'],
];
const NEWER = (col: string): string => `CASE WHEN excluded.last_seen >= assets.last_seen THEN excluded.${col} ELSE assets.${col} END`;

function assetUpsert(described: boolean): string {
  const set = described
    ? `name = ${NEWER('name')}, attributes = ${NEWER('attributes')}, last_seen = ${NEWER('last_seen')}`
    : `last_seen = ${NEWER('last_seen')}`;
  return `ON CONFLICT (tenant_id, kind, asset_key) DO UPDATE SET ${set}
RETURNING id, kind, asset_key`;
}

const ASSET_TOUCH: readonly Col[] = [
  ['id', 'bigint'],
  ['name', 'text'],
  ['attributes', 'jsonb'],
  ['last_seen', 'text'],
];

const RELATION_COLS: readonly Col[] = [
  ['tenant_id', 'bigint'],
  ['from_id', 'bigint'],
  ['to_id', 'bigint'],
  ['kind', 'text'],
  ['first_seen', 'text'],
  ['last_seen', 'text'],
];
const RELATION_UPSERT = `ON CONFLICT (from_id, to_id, kind) DO UPDATE SET
  last_seen = CASE WHEN excluded.last_seen > asset_relations.last_seen THEN excluded.last_seen ELSE asset_relations.last_seen END`;

const FINDING_SELECT = `SELECT f.id, f.fingerprint, f.type, f.rule_id, f.title, f.severity, f.cvss, f.epss, f.kev, f.fix_available,
  f.asset_id, a.kind AS asset_kind, a.asset_key, f.target, f.first_seen, f.last_seen, f.fixed_at, f.status, f.status_reason,
  f.status_owner, f.status_expires_at, f.priority_score, f.priority_factors, f.payload, f.first_scan_id, f.last_scan_id
FROM findings f JOIN assets a ON a.id = f.asset_id`;

const SORT_COLUMNS: Record<FindingSortKey, { col: string; type: 'number' | 'string' }> = {
  priority: { col: 'f.priority_score', type: 'number' },
  severity: { col: 'f.severity_rank', type: 'number' },
  lastSeen: { col: 'f.last_seen', type: 'string' },
  firstSeen: { col: 'f.first_seen', type: 'string' },
  id: { col: 'f.id', type: 'number' },
};

const AUDIT_PAGE = 5000;

/** The audit action that attests a prune of the chain's oldest records (details: throughSeq, throughHash). */
export const AUDIT_PRUNE_ACTION = 'audit.prune';

function encodeCursor(v: unknown[]): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

function decodeCursor(c: unknown): unknown[] {
  if (typeof c !== 'string' || c.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(c)) {
    throw new InputError({ file: 'page', field: 'cursor', expected: 'a cursor returned by the previous page' });
  }
  try {
    const v: unknown = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (Array.isArray(v)) return v;
  } catch {
    // reported below
  }
  throw new InputError({ file: 'page', field: 'cursor', expected: 'a cursor returned by the previous page' });
}

function pageLimit(page: PageRequest | undefined): number {
  const l = page?.limit ?? 100;
  if (!Number.isSafeInteger(l) || l < 1 || l > 1000) throw new InputError({ file: 'page', field: 'limit', expected: 'an integer from 1 to 1000' });
  return l;
}

/**
 * `LOWER(col) LIKE ? ESCAPE '\'`: a case-insensitive substring search that means the same on SQLite and PostgreSQL
 * (LIKE ignores case on one and not the other; LOWER folds ASCII letters on both, and more on PostgreSQL).
 */
export function containsClause(column: string): string {
  return `LOWER(${column}) LIKE ? ESCAPE '\\'`;
}

/** The parameter of `containsClause` for `needle`: `%`, `_` and `\` in it match themselves. */
export function containsPattern(needle: string): string {
  return `%${needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** `?, ?, ?` */
/** severity_rank → severity (the rank column is what the indexes hold). */
const SEVERITY_BY_RANK: Record<number, Severity> = Object.fromEntries(SEVERITIES.map((s) => [severityRank(s), s]));

/** Columns kept as JSON text on both dialects (stored and returned whole, never queried inside). */
function parseJsonText<T>(v: unknown): T {
  return (v === null || v === undefined ? null : JSON.parse(v as string)) as T;
}

function marks(n: number): string {
  return new Array(n).fill('?').join(', ');
}

/**
 * The Store over portable SQL; the two dialects differ only in their driver (placeholders, booleans, JSON
 * decoding, connection handling). SqliteStore and PostgresStore are its two implementations.
 */
export abstract class SqlStore implements Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly limits: StoreLimits;
  protected readonly db: SqlDriver;
  private readonly batchRows: number;
  private readonly pgBatchRows: number;

  protected constructor(db: SqlDriver, opts: StoreOptions = {}) {
    this.db = db;
    this.dialect = db.dialect;
    this.limits = { ...DEFAULT_STORE_LIMITS, ...(opts.limits ?? {}) };
    this.batchRows = opts.batchRows ?? 500;
    this.pgBatchRows = opts.pgBatchRows ?? 2000;
  }

  migrate(): Promise<number[]> {
    return migrate(this.db);
  }

  schemaVersion(): Promise<number> {
    return schemaVersion(this.db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** The connection pool, for the platform's other repositories (identity, alerts, reports, bus) sharing this schema. */
  get sql(): SqlDriver {
    return this.db;
  }

  /** JSON columns: text on SQLite, already decoded by the driver for JSONB. */
  private fromJson<T>(v: unknown): T {
    if (v === null || v === undefined) return null as T;
    return (this.dialect === 'sqlite' ? JSON.parse(v as string) : v) as T;
  }

  /**
   * Multi-row upsert of `items` in chunks, one statement per chunk. SQLite gets `VALUES (?, …), (?, …)` sized
   * under its parameter limit. PostgreSQL gets the whole chunk as one JSON parameter, an array of row arrays
   * expanded by `jsonb_array_elements` (tables with a JSONB column: row objects through `json_to_recordset`): one
   * string built with native JSON.stringify, parsed once by the server, the same statement text (and prepared
   * plan) for every chunk; thousands of bound parameters or `unnest` arrays gave about half the throughput here
   * (client-side escaping, server planning). The conflict clause is the same SQL.
   */
  private async batched<T, R>(
    tx: SqlConn,
    items: readonly T[],
    table: string,
    cols: readonly Col[],
    tail: string,
    values: (item: T, out: SqlValue[]) => void,
    onRows?: (rows: R[]) => void,
  ): Promise<void> {
    const names = cols.map(([n]) => n).join(', ');
    const pg = this.dialect === 'postgres';
    const per = pg ? this.pgBatchRows : Math.max(1, Math.min(this.batchRows, Math.floor(this.db.maxParams / cols.length)));
    const rawJson = cols.map(([, t]) => t === 'jsonb');
    const anyRaw = rawJson.includes(true);
    const sqlFor = (rows: number): string =>
      !pg
        ? `INSERT INTO ${table} (${names}) VALUES ${valuesList(rows, cols.length)}\n${tail}`
        : anyRaw
          ? `INSERT INTO ${table} (${names}) SELECT ${cols.map((_, c) => `r.c${c}`).join(', ')}
             FROM json_to_recordset(?::json) AS r(${cols.map(([, t], c) => `c${c} ${t}`).join(', ')})\n${tail}`
          : `INSERT INTO ${table} (${names}) SELECT ${cols.map(([, t], c) => (t === 'text' ? `e->>${c}` : `(e->>${c})::${t}`)).join(', ')}
             FROM jsonb_array_elements(?::jsonb) AS e\n${tail}`;
    const full = sqlFor(per);
    // On PostgreSQL the next chunk is built and queued while the server works on the previous one.
    let pending: Promise<R[]> | undefined;
    for (let i = 0; i < items.length; i += per) {
      const chunk = items.slice(i, i + per);
      const flat: SqlValue[] = [];
      for (const it of chunk) values(it, flat);
      let params: SqlValue[] = flat;
      if (pg && !anyRaw) {
        // [[v0, v1, …], …]: one native JSON.stringify of row arrays (undefined becomes null), read back by
        // position from jsonb_array_elements. Per 2,000 finding rows the server spent ~40 ms in json_to_recordset
        // (a hash table per row object) against ~10 ms here, and the client several times less than when it
        // concatenated a JSON.stringify per value.
        const arrs = new Array<SqlValue[]>(chunk.length);
        for (let r = 0; r < chunk.length; r++) arrs[r] = flat.slice(r * cols.length, (r + 1) * cols.length);
        params = [JSON.stringify(arrs)];
      } else if (pg) {
        // [{"c0":…,"c1":…}, …]; JSON columns already hold serialized JSON and go in as they are.
        const parts: string[] = new Array<string>(chunk.length);
        for (let r = 0, k = 0; r < chunk.length; r++) {
          let o = '{';
          for (let c = 0; c < cols.length; c++, k++) {
            const v = flat[k];
            o += `${c === 0 ? '' : ','}"c${c}":${v === null || v === undefined ? 'null' : rawJson[c] ? (v as string) : JSON.stringify(v)}`;
          }
          parts[r] = o + '}';
        }
        params = [`[${parts.join(',')}]`];
      }
      const isFull = pg || chunk.length === per;
      if (!pg) {
        // (not `onRows?.(await …)`: an optional call would skip evaluating its argument)
        const rows = await tx.all<R>(isFull ? full : sqlFor(chunk.length), params, isFull);
        if (onRows) onRows(rows);
        // Let other work (reads on SQLite's read connection, timers) run between chunks of a long ingest.
        await new Promise((r) => setImmediate(r));
        continue;
      }
      // Queued before the previous chunk's rows are handled: the driver sends it the moment the server finishes
      // that chunk, so the server does not wait for the client's row handling between chunks.
      const next = tx.all<R>(full, params, true);
      // Marked handled now; the rejection is still raised by the `await` that follows.
      next.catch(() => undefined);
      if (pending) {
        const rows = await pending;
        if (onRows) onRows(rows);
      }
      pending = next;
    }
    if (pending) {
      const rows = await pending;
      if (onRows) onRows(rows);
    }
  }

  /**
   * Sets columns of rows by id: `cols[0]` is the id, each row gives values in `cols` order. SQLite runs one
   * prepared UPDATE per row (in-process, microseconds); PostgreSQL one UPDATE … FROM json_to_recordset per chunk.
   */
  private async updateById(tx: SqlConn, table: string, cols: readonly Col[], rows: readonly SqlValue[][]): Promise<void> {
    if (rows.length === 0) return;
    const [[idCol], ...rest] = cols;
    if (this.dialect === 'sqlite') {
      const sql = `UPDATE ${table} SET ${rest.map(([n]) => `${n} = ?`).join(', ')} WHERE ${idCol} = ?`;
      for (const [id, ...values] of rows) await tx.run(sql, [...values, id], true);
      return;
    }
    const sql = `UPDATE ${table} AS t SET ${rest.map(([n], c) => `${n} = r.c${c + 1}`).join(', ')}
       FROM json_to_recordset(?::json) AS r(${cols.map(([, type], c) => `c${c} ${type}`).join(', ')})
      WHERE t.${idCol} = r.c0`;
    for (let i = 0; i < rows.length; i += this.pgBatchRows) {
      const chunk = rows.slice(i, i + this.pgBatchRows).map((r) => Object.fromEntries(r.map((v, c) => [`c${c}`, v ?? null])));
      await tx.run(sql, [JSON.stringify(chunk)], true);
    }
  }

  /**
   * PostgreSQL: concurrent scans share assets (the same packages in many images), and an upsert locks every
   * conflicting row until commit, so parallel ingests queued behind each other. Known assets are read without
   * locks; only new ones are inserted, and known ones are written only when their description changed or their
   * last_seen is more than an hour behind this scan (asset last_seen is kept to the hour under load).
   */
  private async upsertSharedAssets(
    tx: SqlConn,
    tenant: TenantId,
    ordered: NormAsset[],
    seenAt: string,
    assetValues: (a: NormAsset, out: SqlValue[]) => void,
    collect: (rows: Row[]) => void,
  ): Promise<void> {
    const known = new Map<string, Row>();
    for (let i = 0; i < ordered.length; i += 1000) {
      const chunk = ordered.slice(i, i + 1000);
      const rows = await tx.all<Row>(
        `SELECT id, kind, asset_key, name, attributes, last_seen FROM assets WHERE tenant_id = ? AND asset_key IN (${marks(chunk.length)})`,
        [tenant, ...chunk.map((a) => a.key)],
      );
      for (const r of rows) known.set(assetMapKey({ kind: r.kind as string, key: r.asset_key as string }), r);
    }
    const missing = ordered.filter((a) => !known.has(assetMapKey(a)));
    await this.batched<NormAsset, Row>(tx, missing.filter((a) => a.described), 'assets', ASSET_COLS, assetUpsert(true), assetValues, collect);
    await this.batched<NormAsset, Row>(tx, missing.filter((a) => !a.described), 'assets', ASSET_COLS, assetUpsert(false), assetValues, collect);
    collect([...known.values()]);
    const staleBefore = new Date(Date.parse(seenAt) - 3_600_000).toISOString();
    const updates: SqlValue[][] = [];
    for (const a of ordered) {
      const r = known.get(assetMapKey(a));
      if (!r || (r.last_seen as string) > seenAt) continue;
      const d = a.described;
      const changed = d !== undefined && (d.name !== r.name || canonicalJson(JSON.parse(d.attributes)) !== canonicalJson(r.attributes));
      if (!changed && (r.last_seen as string) >= staleBefore) continue;
      // The attributes go into the JSON batch as an object so that the jsonb column receives an object.
      const attributes = (d ? JSON.parse(d.attributes) : r.attributes) as unknown as SqlValue;
      updates.push([Number(r.id), d?.name ?? (r.name as string), attributes, seenAt]);
    }
    await this.updateById(tx, 'assets', ASSET_TOUCH, updates);
  }

  private async requireTenant(tx: SqlConn, tenant: TenantId): Promise<void> {
    const rows = await tx.all('SELECT 1 AS x FROM tenants WHERE id = ?', [tenant]);
    if (rows.length === 0) throw new InputError({ file: 'tenant', field: 'tenant', message: `no tenant with id ${tenant}` });
  }

  // ---------------------------------------------------------------- tenants

  async createTenant(input: TenantInput): Promise<Tenant> {
    const slug = text(input?.slug, 'slug', this.limits, { file: 'tenant' }) as string;
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) throw new InputError({ file: 'tenant', field: 'slug', expected: 'lowercase letters, digits and dashes (at most 63)' });
    const name = text(input?.name, 'name', this.limits, { file: 'tenant' }) as string;
    const rows = await this.db.all<Row>(
      'INSERT INTO tenants (slug, name, created_at) VALUES (?, ?, ?) ON CONFLICT (slug) DO NOTHING RETURNING id, slug, name, created_at',
      [slug, name, new Date().toISOString()],
    );
    if (rows.length === 0) throw new InputError({ file: 'tenant', field: 'slug', message: `a tenant "${slug}" already exists` });
    return toTenant(rows[0]);
  }

  async listTenants(): Promise<Tenant[]> {
    return (await this.db.all<Row>('SELECT id, slug, name, created_at FROM tenants ORDER BY id')).map(toTenant);
  }

  // ---------------------------------------------------------------- API tokens

  async createApiToken(tenant: TenantId, input: ApiTokenInput): Promise<{ token: string; info: ApiTokenInfo }> {
    checkTenant(tenant);
    const name = text(input?.name, 'name', this.limits, { file: 'api token' }) as string;
    const role = oneOf(input?.role, ROLES, 'role', 'api token');
    const expiresAt = input?.expiresAt === undefined ? null : instant(input.expiresAt, 'expiresAt', 'api token');
    const token = `bwk_${randomBytes(32).toString('base64url')}`;
    const rows = await this.db.all<Row>(
      `INSERT INTO api_tokens (tenant_id, name, prefix, token_hash, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${TOKEN_COLS}`,
      [tenant, name, token.slice(0, 12), tokenHash(token), role, new Date().toISOString(), expiresAt],
    );
    return { token, info: toTokenInfo(rows[0]!) };
  }

  async authenticateApiToken(token: string): Promise<ApiTokenInfo | undefined> {
    if (typeof token !== 'string' || token.length > 512) return undefined;
    const now = new Date().toISOString();
    const rows = await this.db.all<Row>(
      `UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) RETURNING ${TOKEN_COLS}`,
      [now, tokenHash(token), now],
    );
    return rows[0] ? toTokenInfo(rows[0]) : undefined;
  }

  async listApiTokens(tenant: TenantId): Promise<ApiTokenInfo[]> {
    checkTenant(tenant);
    return (await this.db.all<Row>(`SELECT ${TOKEN_COLS} FROM api_tokens WHERE tenant_id = ? ORDER BY id`, [tenant])).map(toTokenInfo);
  }

  async revokeApiToken(tenant: TenantId, id: number): Promise<boolean> {
    checkTenant(tenant);
    positiveId(id, 'id', 'api token');
    const rows = await this.db.all<Row>('UPDATE api_tokens SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND revoked_at IS NULL RETURNING id', [new Date().toISOString(), tenant, id]);
    return rows.length > 0;
  }

  // ---------------------------------------------------------------- assets

  async listAssets(tenant: TenantId, filter: { kind?: AssetKind; groupId?: number } = {}, page?: PageRequest): Promise<Page<Asset>> {
    checkTenant(tenant);
    const limit = pageLimit(page);
    const where = ['a.tenant_id = ?'];
    const params: SqlValue[] = [tenant];
    if (filter.kind !== undefined) {
      where.push('a.kind = ?');
      params.push(oneOf(filter.kind, ASSET_KINDS, 'kind', 'filter'));
    }
    if (filter.groupId !== undefined) {
      where.push('a.id IN (SELECT m.asset_id FROM asset_group_members m WHERE m.group_id = ? AND m.tenant_id = ?)');
      params.push(positiveId(filter.groupId, 'groupId', 'filter'), tenant);
    }
    if (page?.cursor !== undefined) {
      const [after] = decodeCursor(page.cursor);
      where.push('a.id > ?');
      params.push(positiveId(after, 'cursor', 'page'));
    }
    params.push(limit + 1);
    const rows = await this.db.all<Row>(
      `SELECT a.id, a.kind, a.asset_key, a.name, a.attributes, a.criticality, a.first_seen, a.last_seen FROM assets a
        WHERE ${where.join(' AND ')} ORDER BY a.id LIMIT ?`,
      params,
    );
    const items = rows.slice(0, limit).map((r) => ({
      id: Number(r.id),
      kind: r.kind as AssetKind,
      key: r.asset_key as string,
      name: r.name as string,
      attributes: this.fromJson<Record<string, unknown>>(r.attributes),
      criticality: r.criticality as Criticality,
      firstSeen: r.first_seen as string,
      lastSeen: r.last_seen as string,
    }));
    return rows.length > limit ? { items, nextCursor: encodeCursor([items[items.length - 1].id]) } : { items };
  }

  async assetRelations(tenant: TenantId, assetId: number): Promise<AssetRelation[]> {
    checkTenant(tenant);
    const id = positiveId(assetId, 'assetId', 'asset');
    const rows = await this.db.all<Row>(
      'SELECT from_id, to_id, kind FROM asset_relations WHERE tenant_id = ? AND (from_id = ? OR to_id = ?) ORDER BY from_id, to_id, kind',
      [tenant, id, id],
    );
    return rows.map((r) => ({ fromId: Number(r.from_id), toId: Number(r.to_id), kind: r.kind as RelationKind }));
  }

  async createAssetGroup(tenant: TenantId, name: string): Promise<AssetGroup> {
    checkTenant(tenant);
    const n = text(name, 'name', this.limits, { file: 'asset group' }) as string;
    return this.db.transaction(async (tx) => {
      await this.requireTenant(tx, tenant);
      const rows = await tx.all<Row>(
        'INSERT INTO asset_groups (tenant_id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id, name, created_at',
        [tenant, n, new Date().toISOString()],
      );
      if (rows.length === 0) throw new InputError({ file: 'asset group', field: 'name', message: `an asset group "${n}" already exists` });
      return { id: Number(rows[0].id), name: rows[0].name as string, createdAt: rows[0].created_at as string };
    });
  }

  async listAssetGroups(tenant: TenantId): Promise<AssetGroup[]> {
    checkTenant(tenant);
    const rows = await this.db.all<Row>('SELECT id, name, created_at FROM asset_groups WHERE tenant_id = ? ORDER BY name', [tenant]);
    return rows.map((r) => ({ id: Number(r.id), name: r.name as string, createdAt: r.created_at as string }));
  }

  async assetInGroups(tenant: TenantId, assetId: number, groups: readonly number[]): Promise<boolean> {
    checkTenant(tenant);
    const ids = [...new Set(groups.map((g, i) => positiveId(g, `groups[${i}]`, 'asset group')))];
    if (ids.length === 0) return false;
    const rows = await this.db.all(
      `SELECT 1 AS x FROM asset_group_members WHERE tenant_id = ? AND asset_id = ? AND group_id IN (${marks(ids.length)}) LIMIT 1`,
      [tenant, positiveId(assetId, 'assetId', 'asset'), ...ids],
    );
    return rows.length > 0;
  }

  async addAssetsToGroup(tenant: TenantId, groupId: number, assetIds: number[]): Promise<number> {
    checkTenant(tenant);
    const group = positiveId(groupId, 'groupId', 'asset group');
    if (!Array.isArray(assetIds)) throw new InputError({ file: 'asset group', field: 'assetIds', expected: 'an array of asset ids' });
    const ids = [...new Set(assetIds.map((a, i) => positiveId(a, `assetIds[${i}]`, 'asset group')))];
    if (ids.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      const owned = await tx.all('SELECT 1 AS x FROM asset_groups WHERE id = ? AND tenant_id = ?', [group, tenant]);
      if (owned.length === 0) return 0;
      let added = 0;
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000);
        added += await tx.run(
          `INSERT INTO asset_group_members (group_id, asset_id, tenant_id)
           SELECT ?, a.id, a.tenant_id FROM assets a WHERE a.tenant_id = ? AND a.id IN (${marks(chunk.length)})
           ON CONFLICT DO NOTHING`,
          [group, tenant, ...chunk],
        );
      }
      return added;
    });
  }

  // ---------------------------------------------------------------- ingest

  async ingestScan(tenant: TenantId, scanIn: ScanInput, findingsIn: FindingInput[]): Promise<IngestResult> {
    checkTenant(tenant);
    const { scan, assets, relations, findings } = normalizeIngest(scanIn, findingsIn, this.limits);
    const seenAt = scan.finishedAt;
    const bySeverity: Partial<Record<Severity, number>> = {};
    for (const f of findings) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;

    const result = await this.db.transaction(async (tx): Promise<IngestResult> => {
      await this.requireTenant(tx, tenant);
      const counts: ScanCounts = { findings: findings.length, new: 0, reopened: 0, fixed: 0, bySeverity };
      const inserted = await tx.all(
        `INSERT INTO scans (tenant_id, id, target, kind, started_at, finished_at, received_at, counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id`,
        [tenant, scan.id, scan.target, scan.kind, scan.startedAt, scan.finishedAt, new Date().toISOString(), JSON.stringify(counts)],
      );
      if (inserted.length === 0) {
        const prior = await tx.all<Row>('SELECT target, counts FROM scans WHERE tenant_id = ? AND id = ?', [tenant, scan.id]);
        if (prior[0].target !== scan.target) {
          throw new InputError({ file: 'ingest', field: 'scan.id', message: `scan id "${scan.id}" was already used for target "${String(prior[0].target)}"` });
        }
        return { scanId: scan.id, duplicate: true, counts: this.fromJson<ScanCounts>(prior[0].counts), newIds: [], reopenedIds: [], fixedIds: [] };
      }

      // Assets: described ones update their description, referenced ones only their last_seen; both return ids.
      const assetIds = new Map<string, number>();
      const collect = (rows: Row[]): void => {
        for (const r of rows) assetIds.set(assetMapKey({ kind: r.kind as string, key: r.asset_key as string }), Number(r.id));
      };
      // Sorted, like the findings: concurrent writers lock shared rows in the same order.
      const ordered = [...assets.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, a]) => a);
      const described = ordered.filter((a) => a.described);
      const referenced = ordered.filter((a) => !a.described);
      const assetValues = (a: NormAsset, out: SqlValue[]): void => {
        const d = a.described;
        out.push(tenant, a.kind, a.key, d?.name ?? a.key, d?.attributes ?? '{}', d?.criticality ?? 'medium', seenAt, seenAt);
      };
      if (this.dialect === 'postgres') {
        await this.upsertSharedAssets(tx, tenant, ordered, seenAt, assetValues, collect);
      } else {
        await this.batched<NormAsset, Row>(tx, described, 'assets', ASSET_COLS, assetUpsert(true), assetValues, collect);
        await this.batched<NormAsset, Row>(tx, referenced, 'assets', ASSET_COLS, assetUpsert(false), assetValues, collect);
      }

      const edges = new Map<string, { from: number; to: number; kind: string }>();
      for (const r of relations) {
        const e = { from: assetIds.get(r.from)!, to: assetIds.get(r.to)!, kind: r.kind };
        edges.set(`${e.from}/${e.to}/${e.kind}`, e);
      }
      await this.batched(tx, [...edges.values()], 'asset_relations', RELATION_COLS, RELATION_UPSERT, (e, out) => {
        out.push(tenant, e.from, e.to, e.kind, seenAt, seenAt);
      });

      const newIds: number[] = [];
      const reopenedIds: number[] = [];
      const changed: SqlValue[][] = [];
      const byFingerprint = new Map(findings.map((f) => [f.fingerprint, f]));
      await this.batched<(typeof findings)[number], Row>(
        tx,
        findings,
        'findings',
        FINDING_COLS,
        FINDING_UPSERT,
        (f, out) => {
          out.push(
            tenant,
            f.fingerprint,
            f.type,
            f.ruleId,
            f.title,
            f.severity,
            f.severityRank,
            f.cvss,
            f.epss,
            f.kev,
            f.fixAvailable,
            assetIds.get(f.assetKey)!,
            scan.target,
            seenAt,
            seenAt,
            scan.id,
            scan.id,
            'open',
            f.priorityScore,
            f.priorityFactors,
            f.payload,
            f.packageKey,
          );
        },
        (rows) => {
          for (const r of rows) {
            const id = Number(r.id);
            if (r.first_scan_id === scan.id) {
              newIds.push(id);
              continue;
            }
            const reopened = r.reopened_scan_id === scan.id;
            if (reopened) reopenedIds.push(id);
            const f = byFingerprint.get(r.fingerprint as string)!;
            const assetId = assetIds.get(f.assetKey)!;
            const status = reopened ? 'open' : (r.status as string);
            if (
              Number(r.severity_rank) !== f.severityRank ||
              Number(r.asset_id) !== assetId ||
              r.target !== scan.target ||
              r.status !== status ||
              Number(r.priority_score) !== f.priorityScore ||
              r.type !== f.type ||
              r.rule_id !== f.ruleId ||
              Boolean(Number(r.kev)) !== f.kev ||
              Boolean(Number(r.fix_available)) !== f.fixAvailable ||
              (r.package ?? null) !== f.packageKey
            ) {
              changed.push([id, f.severityRank, assetId, scan.target, status, f.priorityScore, f.type, f.ruleId, f.kev, f.fixAvailable, f.packageKey]);
            }
          }
        },
      );
      await this.updateById(tx, 'findings', FINDING_INDEXED, changed);

      // Open findings of this target not seen by this scan (and last seen before it) are fixed.
      const fixed = await tx.all<Row>(
        `UPDATE findings SET status = 'fixed', fixed_at = ?
          WHERE tenant_id = ? AND target = ? AND status = 'open' AND last_seen < ?
          RETURNING id`,
        [seenAt, tenant, scan.target, seenAt],
      );
      const fixedIds = fixed.map((r) => Number(r.id));
      const byId = (a: number, b: number): number => a - b;
      newIds.sort(byId);
      reopenedIds.sort(byId);
      fixedIds.sort(byId);
      counts.new = newIds.length;
      counts.reopened = reopenedIds.length;
      counts.fixed = fixedIds.length;
      await tx.run('UPDATE scans SET counts = ? WHERE tenant_id = ? AND id = ?', [JSON.stringify(counts), tenant, scan.id]);
      return { scanId: scan.id, duplicate: false, counts, newIds, reopenedIds, fixedIds };
    });
    await this.refreshStatistics(result.newIds.length);
    return result;
  }

  private unanalyzedRows = 0;

  /**
   * PostgreSQL plans the finding lists from table statistics; right after a bulk load they still describe the
   * empty table (autovacuum catches up within minutes) and a page of 100 ran for seconds instead of milliseconds
   * at 1M rows. Every 50,000 new findings written through this store, statistics are refreshed.
   */
  private async refreshStatistics(newRows: number): Promise<void> {
    if (this.dialect !== 'postgres') return;
    this.unanalyzedRows += newRows;
    if (this.unanalyzedRows < 50_000) return;
    this.unanalyzedRows = 0;
    await this.db.run(`ANALYZE findings (${PLANNED_FINDING_COLUMNS})`);
  }

  // ---------------------------------------------------------------- findings

  private findingWhere(tenant: TenantId, filter: FindingFilter): { where: string[]; params: SqlValue[] } {
    const file = 'filter';
    const where = ['f.tenant_id = ?'];
    const params: SqlValue[] = [tenant];
    const inList = (col: string, values: SqlValue[]): void => {
      if (values.length === 0) where.push('1 = 0');
      else {
        where.push(`${col} IN (${marks(values.length)})`);
        params.push(...values);
      }
    };
    const list = <T extends string>(v: unknown, allowed: readonly T[], field: string): T[] => {
      if (!Array.isArray(v) || v.length > allowed.length * 2) throw new InputError({ file, field, expected: `an array of ${allowed.join(', ')}` });
      return [...new Set(v.map((x, i) => oneOf(x, allowed, `${field}[${i}]`, file)))];
    };
    if (filter.severity !== undefined) inList('f.severity_rank', list(filter.severity, SEVERITIES, 'severity').map(severityRank));
    if (filter.status !== undefined) inList('f.status', list(filter.status, FINDING_STATUSES, 'status'));
    if (filter.type !== undefined) inList('f.type', list(filter.type, FINDING_TYPES, 'type'));
    for (const [key, col] of [
      ['kev', 'f.kev'],
      ['fixAvailable', 'f.fix_available'],
    ] as const) {
      const v = filter[key];
      if (v === undefined) continue;
      if (typeof v !== 'boolean') throw new InputError({ file, field: key, expected: 'true or false' });
      where.push(`${col} = ?`);
      params.push(v);
    }
    if (filter.assetId !== undefined) {
      where.push('f.asset_id = ?');
      params.push(positiveId(filter.assetId, 'assetId', file));
    }
    if (filter.target !== undefined) {
      where.push('f.target = ?');
      params.push(text(filter.target, 'target', this.limits, { file }));
    }
    if (filter.ruleId !== undefined) {
      where.push('f.rule_id = ?');
      params.push(text(filter.ruleId, 'ruleId', this.limits, { file }));
    }
    if (filter.package !== undefined) {
      where.push('f.package = ?');
      params.push(text(filter.package, 'package', this.limits, { file }));
    }
    if (filter.assetGroups !== undefined) {
      if (!Array.isArray(filter.assetGroups) || filter.assetGroups.length > 1000) {
        throw new InputError({ file, field: 'assetGroups', expected: 'an array of at most 1000 group ids' });
      }
      const groups = [...new Set(filter.assetGroups.map((g, i) => positiveId(g, `assetGroups[${i}]`, file)))];
      if (groups.length === 0) where.push('1 = 0');
      else {
        where.push(
          `f.asset_id IN (SELECT m.asset_id FROM asset_group_members m WHERE m.tenant_id = ? AND m.group_id IN (${marks(groups.length)}))`,
        );
        params.push(tenant, ...groups);
      }
    }
    return { where, params };
  }

  async listFindings(tenant: TenantId, filter: FindingFilter = {}, sort: FindingSort = { by: 'priority' }, page?: PageRequest): Promise<Page<Finding>> {
    checkTenant(tenant);
    const limit = pageLimit(page);
    const by = oneOf(sort?.by, Object.keys(SORT_COLUMNS) as FindingSortKey[], 'by', 'sort');
    const dir = sort.dir === undefined ? 'desc' : oneOf(sort.dir, ['asc', 'desc'] as const, 'dir', 'sort');
    const { col, type } = SORT_COLUMNS[by];
    const { where, params } = this.findingWhere(tenant, filter ?? {});
    const cmp = dir === 'desc' ? '<' : '>';
    if (page?.cursor !== undefined) {
      const c = decodeCursor(page.cursor);
      const [cBy, cDir, value, id] = c;
      const bad = (): never => {
        throw new InputError({ file: 'page', field: 'cursor', expected: `a cursor of a list sorted by ${by} ${dir}` });
      };
      if (c.length !== 4 || cBy !== by || cDir !== dir || typeof value !== type || !Number.isSafeInteger(id)) bad();
      if (by === 'id') {
        where.push(`f.id ${cmp} ?`);
        params.push(id as number);
      } else {
        where.push(`(${col}, f.id) ${cmp} (?, ?)`);
        params.push(value as string | number, id as number);
      }
    }
    const order = by === 'id' ? `f.id ${dir.toUpperCase()}` : `${col} ${dir.toUpperCase()}, f.id ${dir.toUpperCase()}`;
    params.push(limit + 1);
    const rows = await this.db.all<Row>(`${FINDING_SELECT} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`, params);
    const items = rows.slice(0, limit).map((r) => this.toFinding(r));
    if (rows.length <= limit) return { items };
    const last = items[items.length - 1];
    const value = { priority: last.priority.score, severity: severityRank(last.severity), lastSeen: last.lastSeen, firstSeen: last.firstSeen, id: last.id }[by];
    return { items, nextCursor: encodeCursor([by, dir, value, last.id]) };
  }

  async countFindings(tenant: TenantId, filter: FindingFilter = {}): Promise<number> {
    checkTenant(tenant);
    const { where, params } = this.findingWhere(tenant, filter ?? {});
    const rows = await this.db.all<{ n: number }>(`SELECT count(*) AS n FROM findings f WHERE ${where.join(' AND ')}`, params);
    return Number(rows[0].n);
  }

  async findingTrends(tenant: TenantId, days: number, now: Date, filter: FindingFilter = {}): Promise<TrendPoint[]> {
    checkTenant(tenant);
    if (!Number.isInteger(days) || days < 1 || days > 366) throw new InputError({ file: 'trends', field: 'days', expected: 'an integer from 1 to 366' });
    const dayMs = 86_400_000;
    const today = Math.floor(now.getTime() / dayMs) * dayMs;
    const dates = Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * dayMs).toISOString().slice(0, 10));
    const start = `${dates[0]}T00:00:00.000Z`;
    const { where, params } = this.findingWhere(tenant, filter ?? {});
    const w = where.join(' AND ');
    const perDay = async (col: 'first_seen' | 'fixed_at'): Promise<Map<string, number>> => {
      const rows = await this.db.all<Row>(`SELECT substr(f.${col}, 1, 10) AS d, count(*) AS n FROM findings f WHERE ${w} AND f.${col} >= ? GROUP BY substr(f.${col}, 1, 10)`, [...params, start]);
      return new Map(rows.map((r) => [r.d as string, Number(r.n)]));
    };
    const [news, fixes, base] = await Promise.all([
      perDay('first_seen'),
      perDay('fixed_at'),
      this.db.all<{ n: number }>(`SELECT count(*) AS n FROM findings f WHERE ${w} AND f.first_seen < ? AND (f.fixed_at IS NULL OR f.fixed_at >= ?)`, [...params, start, start]),
    ]);
    let unresolved = Number(base[0].n);
    return dates.map((date) => {
      const n = news.get(date) ?? 0;
      const fx = fixes.get(date) ?? 0;
      unresolved += n - fx;
      return { date, new: n, fixed: fx, unresolved };
    });
  }

  async summarizeFindings(tenant: TenantId, filter: FindingFilter = {}): Promise<FindingSummary> {
    checkTenant(tenant);
    const { where, params } = this.findingWhere(tenant, filter ?? {});
    const rows = await this.db.all<Row>(
      // Only columns of findings_summary: the counts come from the index without reading the rows.
      `SELECT f.severity_rank, f.status, f.type, count(*) AS n,
              sum(CASE WHEN f.kev THEN 1 ELSE 0 END) AS kev, sum(CASE WHEN f.fix_available THEN 1 ELSE 0 END) AS fix
         FROM findings f WHERE ${where.join(' AND ')} GROUP BY f.severity_rank, f.status, f.type`,
      params,
    );
    const zero = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
    const out: FindingSummary = { total: 0, bySeverity: zero(SEVERITIES), byStatus: zero(FINDING_STATUSES), byType: zero(FINDING_TYPES), kev: 0, fixAvailable: 0 };
    for (const r of rows) {
      const n = Number(r.n);
      out.total += n;
      out.bySeverity[SEVERITY_BY_RANK[Number(r.severity_rank)]] += n;
      out.byStatus[r.status as FindingStatus] += n;
      out.byType[r.type as FindingType] += n;
      out.kev += Number(r.kev);
      out.fixAvailable += Number(r.fix);
    }
    return out;
  }

  async groupFindings(tenant: TenantId, by: FindingGroupBy, filter: FindingFilter = {}, page?: PageRequest): Promise<Page<FindingGroup>> {
    checkTenant(tenant);
    const limit = pageLimit(page);
    const groupBy = oneOf(by, FINDING_GROUP_BYS, 'by', 'group');
    const { where, params } = this.findingWhere(tenant, filter ?? {});
    // The package key is stored at ingest (findings.package, backfilled by migration 15); '' groups findings without one.
    const pkg = { from: 'findings f', key: "COALESCE(f.package, '')" };
    // SQLite would walk findings_rule / findings_target for their order and read every row; `|| ''` (same value:
    // both columns are NOT NULL text) lets it read the covering findings_summary index and group in a temp b-tree.
    const bare = this.dialect === 'sqlite' ? " || ''" : '';
    const { from, key } = { rule: { from: 'findings f', key: `f.rule_id${bare}` }, target: { from: 'findings f', key: `f.target${bare}` }, package: pkg }[groupBy];
    const sev = SEVERITIES.map((s) => `sum(CASE WHEN g.severity_rank = ${severityRank(s)} THEN 1 ELSE 0 END) AS s_${severityRank(s)}`).join(', ');
    const outer: string[] = [];
    if (page?.cursor !== undefined) {
      const c = decodeCursor(page.cursor);
      const [cBy, mp, n, k] = c;
      if (c.length !== 4 || cBy !== `group:${groupBy}` || typeof mp !== 'number' || !Number.isSafeInteger(n) || typeof k !== 'string') {
        throw new InputError({ file: 'page', field: 'cursor', expected: `a cursor of groups by ${groupBy}` });
      }
      // Order: max priority desc, count desc, key asc.
      outer.push('(s.mp < ? OR (s.mp = ? AND (s.n < ? OR (s.n = ? AND s.k > ?))))');
      params.push(mp, mp, n as number, n as number, k);
    }
    params.push(limit + 1);
    const rows = await this.db.all<Row>(
      `SELECT s.* FROM (
         SELECT g.k, count(*) AS n, max(g.priority_score) AS mp, ${sev},
                max(CASE WHEN g.kev THEN 1 ELSE 0 END) AS kev, max(CASE WHEN g.fix_available THEN 1 ELSE 0 END) AS fix
           FROM (SELECT ${key} AS k, f.severity_rank, f.priority_score, f.kev, f.fix_available FROM ${from} WHERE ${where.join(' AND ')}) g
          GROUP BY g.k) s
        ${outer.length ? `WHERE ${outer.join(' AND ')}` : ''}
        ORDER BY s.mp DESC, s.n DESC, s.k ASC LIMIT ?`,
      params,
    );
    const items: FindingGroup[] = rows.slice(0, limit).map((r) => ({
      key: groupBy === 'package' && r.k === '' ? null : String(r.k),
      count: Number(r.n),
      bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, Number(r[`s_${severityRank(s)}`])])) as Record<Severity, number>,
      maxPriority: Number(r.mp),
      kev: Number(r.kev) === 1,
      fixAvailable: Number(r.fix) === 1,
    }));
    if (groupBy === 'rule' && items.length > 0) {
      // A title per rule of the page, from the same filtered (and scoped) findings.
      const { where: w, params: p } = this.findingWhere(tenant, filter ?? {});
      const keys = items.map((g) => g.key as string);
      const titles = await this.db.all<Row>(
        `SELECT f.rule_id, min(f.title) AS title FROM findings f WHERE ${w.join(' AND ')} AND f.rule_id IN (${marks(keys.length)}) GROUP BY f.rule_id`,
        [...p, ...keys],
      );
      const byRule = new Map(titles.map((t) => [t.rule_id as string, t.title as string]));
      for (const g of items) g.title = byRule.get(g.key as string) ?? '';
    }
    if (rows.length <= limit) return { items };
    const last = rows[limit - 1];
    return { items, nextCursor: encodeCursor([`group:${groupBy}`, Number(last.mp), Number(last.n), String(last.k)]) };
  }

  async setFindingsStatus(tenant: TenantId, selection: FindingSelection, change: StatusChange): Promise<BulkStatusResult> {
    checkTenant(tenant);
    const file = 'selection';
    const c = normalizeStatusChange(change, this.limits);
    if (typeof selection !== 'object' || selection === null) throw new InputError({ file, field: 'selection', expected: '{ids} or {filter, expectedCount}' });
    let ids: number[] | undefined;
    let filter: FindingFilter;
    let expected: number | undefined;
    if ('ids' in selection) {
      if (!Array.isArray(selection.ids) || selection.ids.length === 0 || selection.ids.length > BULK_STATUS_MAX_IDS) {
        throw new InputError({ file, field: 'ids', expected: `an array of 1 to ${BULK_STATUS_MAX_IDS} finding ids` });
      }
      ids = [...new Set(selection.ids.map((id, i) => positiveId(id, `ids[${i}]`, file)))].sort((a, b) => a - b);
      // Another tenant's id, or one outside the filter (the caller's scope), is reported as not found.
      filter = selection.filter ?? {};
    } else {
      filter = selection.filter ?? {};
      expected = selection.expectedCount;
      if (!Number.isSafeInteger(expected) || expected < 0) throw new InputError({ file, field: 'expectedCount', expected: 'a non-negative integer' });
    }
    const { where, params } = this.findingWhere(tenant, filter);
    if (ids) {
      where.push(`f.id IN (${marks(ids.length)})`);
      params.push(...ids);
    }
    return this.db.transaction(async (tx) => {
      const rows = await tx.all<Row>(`SELECT f.id, f.status FROM findings f WHERE ${where.join(' AND ')} ORDER BY f.id LIMIT ?`, [...params, BULK_STATUS_MAX + 1]);
      if (rows.length > BULK_STATUS_MAX) {
        throw new LimitError({ file, field: 'filter', limit: `${BULK_STATUS_MAX} findings`, message: `the filter matches more than ${BULK_STATUS_MAX} findings; narrow it` });
      }
      if (expected !== undefined && rows.length !== expected) return { changed: [], notFound: [], countMismatch: { expected, actual: rows.length } };
      const changed = rows.map((r) => Number(r.id));
      const found = new Set(changed);
      const notFound = ids ? ids.filter((id) => !found.has(id)) : [];
      for (let i = 0; i < changed.length; i += BULK_STATUS_MAX_IDS) {
        const chunk = changed.slice(i, i + BULK_STATUS_MAX_IDS);
        // Opening by hand also clears fixed_at, as for one finding.
        await tx.run(
          `UPDATE findings SET status = ?, status_reason = ?, status_owner = ?, status_expires_at = ?${c.status === 'open' ? ', fixed_at = NULL' : ''}
           WHERE tenant_id = ? AND id IN (${marks(chunk.length)})`,
          [c.status, c.reason, c.owner, c.expiresAt, tenant, ...chunk],
        );
        if (c.actor === undefined) continue;
        const from: Record<string, number[]> = {};
        for (const r of rows.slice(i, i + BULK_STATUS_MAX_IDS)) (from[r.status as string] ??= []).push(Number(r.id));
        await this.appendAuditTx(tx, tenant, {
          actor: c.actor,
          action: 'finding.status.bulk',
          target: `findings:${chunk.length}`,
          details: {
            selection: ids ? 'ids' : 'filter',
            count: chunk.length,
            total: changed.length,
            part: i / BULK_STATUS_MAX_IDS + 1,
            from,
            to: c.status,
            reason: c.reason,
            owner: c.owner,
            expiresAt: c.expiresAt,
          },
        });
      }
      return { changed, notFound };
    });
  }

  async getFinding(tenant: TenantId, id: number): Promise<Finding | undefined> {
    checkTenant(tenant);
    return this.findingById(this.db, tenant, positiveId(id, 'id', 'finding'));
  }

  private async findingById(conn: SqlConn, tenant: TenantId, id: number): Promise<Finding | undefined> {
    const rows = await conn.all<Row>(`${FINDING_SELECT} WHERE f.tenant_id = ? AND f.id = ?`, [tenant, id]);
    return rows.length === 0 ? undefined : this.toFinding(rows[0]);
  }

  async setFindingStatus(tenant: TenantId, id: number, change: StatusChange): Promise<Finding | undefined> {
    checkTenant(tenant);
    const fid = positiveId(id, 'id', 'finding');
    const c = normalizeStatusChange(change, this.limits);
    return this.db.transaction(async (tx) => {
      const before = await tx.all<Row>('SELECT status, fingerprint FROM findings WHERE tenant_id = ? AND id = ?', [tenant, fid]);
      if (before.length === 0) return undefined;
      // Opening by hand also clears fixed_at: the finding is treated as present again.
      await tx.run(
        `UPDATE findings SET status = ?, status_reason = ?, status_owner = ?, status_expires_at = ?${c.status === 'open' ? ', fixed_at = NULL' : ''}
         WHERE tenant_id = ? AND id = ?`,
        [c.status, c.reason, c.owner, c.expiresAt, tenant, fid],
      );
      if (c.actor !== undefined) {
        await this.appendAuditTx(tx, tenant, {
          actor: c.actor,
          action: 'finding.status',
          target: `finding:${fid}`,
          details: { fingerprint: before[0].fingerprint, from: before[0].status, to: c.status, reason: c.reason, owner: c.owner, expiresAt: c.expiresAt },
        });
      }
      return this.findingById(tx, tenant, fid);
    });
  }

  private toFinding(r: Row): Finding {
    return {
      id: Number(r.id),
      fingerprint: r.fingerprint as string,
      type: r.type as FindingType,
      ruleId: r.rule_id as string,
      title: r.title as string,
      severity: r.severity as Severity,
      cvss: r.cvss === null ? null : Number(r.cvss),
      epss: r.epss === null ? null : Number(r.epss),
      kev: Boolean(r.kev),
      fixAvailable: Boolean(r.fix_available),
      asset: { id: Number(r.asset_id), kind: r.asset_kind as AssetKind, key: r.asset_key as string },
      target: r.target as string,
      firstSeen: r.first_seen as string,
      lastSeen: r.last_seen as string,
      fixedAt: (r.fixed_at as string | null) ?? null,
      status: r.status as FindingStatus,
      statusReason: (r.status_reason as string | null) ?? null,
      statusOwner: (r.status_owner as string | null) ?? null,
      statusExpiresAt: (r.status_expires_at as string | null) ?? null,
      priority: { score: Number(r.priority_score), factors: parseJsonText<PriorityFactor[]>(r.priority_factors) },
      payload: parseJsonText<unknown>(r.payload),
      firstScanId: r.first_scan_id as string,
      lastScanId: r.last_scan_id as string,
    };
  }

  // ---------------------------------------------------------------- audit

  async appendAudit(tenant: TenantId, entry: AuditInput): Promise<AuditRecord> {
    checkTenant(tenant);
    return this.db.transaction(async (tx) => {
      await this.requireTenant(tx, tenant);
      return this.appendAuditTx(tx, tenant, entry);
    });
  }

  /** Appends inside the caller's transaction; the head row update serializes concurrent appends to one chain. */
  private async appendAuditTx(tx: SqlConn, tenant: TenantId, entry: AuditInput): Promise<AuditRecord> {
    const file = 'audit';
    if (typeof entry !== 'object' || entry === null) throw new InputError({ file, field: 'entry', expected: 'an object {actor, action, target?, details?}' });
    const actor = text(entry.actor, 'actor', this.limits, { file }) as string;
    const action = text(entry.action, 'action', this.limits, { file }) as string;
    const target = text(entry.target, 'target', this.limits, { optional: true, file }) ?? null;
    const detailsObj = entry.details ?? {};
    if (typeof detailsObj !== 'object' || detailsObj === null || Array.isArray(detailsObj)) throw new InputError({ file, field: 'details', expected: 'an object' });
    json(detailsObj, 'details', this.limits.maxPayloadBytes, file);
    const details = canonicalJson(detailsObj);
    const at = entry.at === undefined ? new Date().toISOString() : instant(entry.at, 'at', file);

    await tx.run('INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (?, 0, ?) ON CONFLICT (tenant_id) DO NOTHING', [tenant, GENESIS_HASH]);
    const head = await tx.all<Row>('UPDATE audit_heads SET seq = seq + 1 WHERE tenant_id = ? RETURNING seq, hash', [tenant]);
    const seq = Number(head[0].seq);
    const prevHash = head[0].hash as string;
    const hash = auditHash({ tenantId: tenant, seq, at, actor, action, target, details, prevHash });
    await tx.run(
      'INSERT INTO audit_log (tenant_id, seq, at, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [tenant, seq, at, actor, action, target, details, prevHash, hash],
    );
    await tx.run('UPDATE audit_heads SET hash = ? WHERE tenant_id = ?', [hash, tenant]);
    return { tenantId: tenant, seq, at, actor, action, target, details: JSON.parse(details) as Record<string, unknown>, prevHash, hash };
  }

  async listAudit(tenant: TenantId, page: { afterSeq?: number; limit?: number } = {}, filter: AuditFilter = {}): Promise<AuditRecord[]> {
    checkTenant(tenant);
    const limit = pageLimit({ limit: page.limit });
    const after = page.afterSeq ?? 0;
    if (!Number.isSafeInteger(after) || after < 0) throw new InputError({ file: 'page', field: 'afterSeq', expected: 'a non-negative integer' });
    const where = ['tenant_id = ?', 'seq > ?'];
    const params: SqlValue[] = [tenant, after];
    for (const k of ['action', 'actor'] as const) {
      const v = filter[k];
      if (v === undefined) continue;
      if (typeof v !== 'string' || v.length === 0) throw new InputError({ file: 'filter', field: k, expected: 'a non-empty string' });
      where.push(`${k} = ?`);
      params.push(v);
    }
    if (filter.q !== undefined) {
      if (typeof filter.q !== 'string' || filter.q.length === 0) throw new InputError({ file: 'filter', field: 'q', expected: 'a non-empty string' });
      const p = containsPattern(filter.q);
      where.push(`(${['action', 'actor', 'target', 'details'].map(containsClause).join(' OR ')})`);
      params.push(p, p, p, p);
    }
    const rows = await this.db.all<Row>(
      `SELECT tenant_id, seq, at, actor, action, target, details, prev_hash, hash FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`,
      [...params, limit],
    );
    return rows.map((r) => ({ ...auditFields(r), details: JSON.parse(r.details as string) as Record<string, unknown>, prevHash: r.prev_hash as string, hash: r.hash as string }));
  }

  /**
   * Deletes the oldest records of one tenant's chain, those before `before` up to the first record that is not,
   * in batches of `batch` records, each batch one transaction holding the chain's head row: the batch is verified
   * (a broken chain is never pruned: the evidence stays), the checkpoint moves to its last record, the records are
   * deleted and an `audit.prune` record naming the checkpoint is appended. Returns the records deleted.
   */
  async pruneAudit(tenant: TenantId, before: Instant, opts: { batch?: number; actor?: string } = {}): Promise<number> {
    checkTenant(tenant);
    const cutoff = instant(before, 'before', 'audit');
    const batch = opts.batch ?? 5000;
    if (!Number.isSafeInteger(batch) || batch < 1) throw new InputError({ file: 'audit', field: 'batch', expected: 'a positive integer' });
    let pruned = 0;
    while (true) {
      const n = await this.db.transaction(async (tx) => {
        // Serializes with appends and with another prune of the same chain.
        if ((await tx.run('UPDATE audit_heads SET seq = seq WHERE tenant_id = ?', [tenant])) === 0) return 0;
        const cp = await tx.all<Row>('SELECT seq, hash FROM audit_checkpoints WHERE tenant_id = ?', [tenant]);
        const fromSeq = cp.length === 0 ? 0 : Number(cp[0].seq);
        let prev = cp.length === 0 ? GENESIS_HASH : (cp[0].hash as string);
        const rows = await tx.all<Row>(
          'SELECT tenant_id, seq, at, actor, action, target, details, prev_hash, hash FROM audit_log WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?',
          [tenant, fromSeq, batch],
        );
        let last: { seq: number; hash: string } | undefined;
        for (const r of rows) {
          const f = auditFields(r);
          if (f.at >= cutoff) break;
          const expected = (last?.seq ?? fromSeq) + 1;
          const h = auditHash({ ...f, details: r.details as string, prevHash: r.prev_hash as string });
          if (f.seq !== expected || r.prev_hash !== prev || h !== r.hash) {
            throw new Error(`audit chain of tenant ${tenant} is broken at record ${expected}: not pruned (run bulwark audit verify)`);
          }
          prev = h;
          last = { seq: f.seq, hash: h };
        }
        if (!last) return 0;
        await tx.run(
          `INSERT INTO audit_checkpoints (tenant_id, seq, hash, pruned_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, pruned_at = excluded.pruned_at`,
          [tenant, last.seq, last.hash, new Date().toISOString()],
        );
        const deleted = await tx.run('DELETE FROM audit_log WHERE tenant_id = ? AND seq > ? AND seq <= ?', [tenant, fromSeq, last.seq]);
        await this.appendAuditTx(tx, tenant, {
          actor: opts.actor ?? 'system:retention',
          action: AUDIT_PRUNE_ACTION,
          target: `audit:${tenant}`,
          details: { throughSeq: last.seq, throughHash: last.hash, records: deleted, before: cutoff },
        });
        return deleted;
      });
      pruned += n;
      if (n < batch) return pruned;
      await new Promise((r) => setImmediate(r));
    }
  }

  async verifyAuditChain(tenant?: TenantId): Promise<ChainVerification> {
    let tenants: number[];
    if (tenant !== undefined) tenants = [checkTenant(tenant)];
    else {
      const rows = await this.db.all<Row>('SELECT tenant_id FROM audit_heads UNION SELECT DISTINCT tenant_id FROM audit_log');
      tenants = [...new Set(rows.map((r) => Number(r.tenant_id)))].sort((a, b) => a - b);
    }
    const out: ChainVerification = { ok: true, checked: 0, heads: {} };
    const checkpointed = await this.db.hasTable('audit_checkpoints');
    for (const t of tenants) {
      // The head is read first: rows up to its seq are committed with it, later appends are ignored.
      const head = await this.db.all<Row>('SELECT seq, hash FROM audit_heads WHERE tenant_id = ?', [t]);
      const headSeq = head.length === 0 ? 0 : Number(head[0].seq);
      const headHash = head.length === 0 ? GENESIS_HASH : (head[0].hash as string);
      // After a prune the chain starts behind its checkpoint, which an audit.prune record later in the chain attests.
      const cp = checkpointed ? await this.db.all<Row>('SELECT seq, hash FROM audit_checkpoints WHERE tenant_id = ?', [t]) : [];
      const checkpoint = cp.length === 0 ? undefined : { seq: Number(cp[0].seq), hash: cp[0].hash as string };
      let attested = checkpoint === undefined;
      let expectSeq = (checkpoint?.seq ?? 0) + 1;
      let prev = checkpoint?.hash ?? GENESIS_HASH;
      const broken = (seq: number, reason: string): ChainVerification => ({ ...out, ok: false, broken: { tenantId: t, seq, reason } });
      while (true) {
        const rows = await this.db.all<Row>(
          'SELECT tenant_id, seq, at, actor, action, target, details, prev_hash, hash FROM audit_log WHERE tenant_id = ? AND seq >= ? ORDER BY seq LIMIT ?',
          [t, expectSeq, AUDIT_PAGE],
        );
        for (const r of rows) {
          const f = auditFields(r);
          if (f.seq > headSeq) return broken(f.seq, `record beyond the chain head (seq ${headSeq})`);
          if (f.seq !== expectSeq) return broken(expectSeq, `record ${expectSeq} is missing`);
          if (r.prev_hash !== prev) return broken(f.seq, 'prev_hash does not match the previous record');
          const h = auditHash({ ...f, details: r.details as string, prevHash: r.prev_hash as string });
          if (h !== r.hash) return broken(f.seq, 'hash does not match the record content');
          if (!attested && f.action === AUDIT_PRUNE_ACTION) {
            const d = JSON.parse(r.details as string) as { throughSeq?: unknown; throughHash?: unknown };
            attested = d.throughSeq === checkpoint?.seq && d.throughHash === checkpoint?.hash;
          }
          prev = h;
          expectSeq++;
          out.checked++;
        }
        if (rows.length < AUDIT_PAGE) break;
      }
      if (expectSeq - 1 !== headSeq) return broken(expectSeq, `records ${expectSeq}–${headSeq} are missing`);
      if (prev !== headHash) return broken(headSeq, 'last record does not match the chain head');
      if (!attested) return broken(checkpoint!.seq, `checkpoint at record ${checkpoint!.seq} is not attested by an ${AUDIT_PRUNE_ACTION} record`);
      out.heads[String(t)] = headHash;
      if (checkpoint) (out.checkpoints ??= {})[String(t)] = checkpoint;
    }
    return out;
  }
}

const TOKEN_COLS = 'id, tenant_id, name, prefix, role, created_at, last_used_at, expires_at, revoked_at';

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toTokenInfo(r: Row): ApiTokenInfo {
  return {
    id: Number(r.id),
    tenant: Number(r.tenant_id),
    name: String(r.name),
    prefix: String(r.prefix),
    role: String(r.role) as Role,
    createdAt: String(r.created_at),
    ...(r.last_used_at ? { lastUsedAt: String(r.last_used_at) } : {}),
    ...(r.expires_at ? { expiresAt: String(r.expires_at) } : {}),
    ...(r.revoked_at ? { revokedAt: String(r.revoked_at) } : {}),
  };
}

function toTenant(r: Row): Tenant {
  return { id: Number(r.id), slug: r.slug as string, name: r.name as string, createdAt: r.created_at as string };
}

function auditFields(r: Row): Omit<AuditRecord, 'details' | 'prevHash' | 'hash'> {
  return {
    tenantId: Number(r.tenant_id),
    seq: Number(r.seq),
    at: r.at as string,
    actor: r.actor as string,
    action: r.action as string,
    target: (r.target as string | null) ?? null,
  };
}
