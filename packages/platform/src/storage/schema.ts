import { ConfigError } from '@bulwark/core';
import { ALERT_MIGRATIONS } from '../alerts/migrations.js';
import { BUS_MIGRATIONS } from '../bus/migrations.js';
import { IDENTITY_MIGRATIONS } from '../identity/migrations.js';
import { REPORT_MIGRATIONS } from '../reports/migrations.js';
import { RETENTION_MIGRATIONS } from '../retention/migrations.js';
import type { Dialect, SqlDriver } from './driver.js';

/**
 * Numbered migrations; each runs once, in order, inside a transaction, recorded in schema_migrations (as the
 * vulndb store does). The SQL is written once for both dialects: `{{pk}}` is an auto-assigned integer key and
 * `{{json}}` a JSON column (TEXT on SQLite, JSONB on PostgreSQL); everything else is common SQL. Instants are
 * ISO 8601 UTC text (`toISOString()`), so they compare as text identically on both. The audit log keeps its
 * details as TEXT on both so the hashed bytes survive storage unchanged (JSONB would reorder keys).
 */
export interface Migration {
  version: number;
  /** Common SQL, or one text per dialect (an empty or missing text only records the version). */
  sql: string | Partial<Record<Dialect, string>>;
}

/** The platform's core tables; other modules keep their migrations in their folder (registered below). */
const CORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE tenants (
  id {{pk}},
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE users (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'developer', 'auditor')),
  password_hash TEXT,               -- memory-hard hash string (scrypt/argon2 PHC format); NULL for OIDC-only users
  oidc_issuer TEXT,
  oidc_subject TEXT,
  created_at TEXT NOT NULL,
  disabled_at TEXT,
  UNIQUE (tenant_id, email),
  UNIQUE (oidc_issuer, oidc_subject)
);

CREATE TABLE asset_groups (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  name TEXT NOT NULL,
  selector {{json}},                -- optional rule that adds assets automatically (later)
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, name)
);

-- A user with rows here sees only assets of these groups; no rows = whole tenant.
CREATE TABLE user_asset_groups (
  user_id BIGINT NOT NULL REFERENCES users (id),
  group_id BIGINT NOT NULL REFERENCES asset_groups (id),
  PRIMARY KEY (user_id, group_id)
);

CREATE TABLE api_tokens (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  user_id BIGINT REFERENCES users (id),   -- NULL for agent/CI tokens owned by the tenant
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,             -- first characters, shown in lists to recognise a token
  token_hash TEXT NOT NULL UNIQUE,  -- SHA-256 of the secret; the secret itself is shown once and never stored
  role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'developer', 'auditor')),
  scopes {{json}},
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  expires_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_tokens_tenant ON api_tokens (tenant_id);

CREATE TABLE assets (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  kind TEXT NOT NULL CHECK (kind IN ('image', 'package', 'repository', 'cluster', 'namespace', 'workload', 'node', 'cloud-resource')),
  asset_key TEXT NOT NULL,
  name TEXT NOT NULL,
  attributes {{json}} NOT NULL,
  criticality TEXT NOT NULL CHECK (criticality IN ('low', 'medium', 'high', 'critical')),
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  UNIQUE (tenant_id, kind, asset_key)
);

CREATE TABLE asset_relations (
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  from_id BIGINT NOT NULL REFERENCES assets (id),
  to_id BIGINT NOT NULL REFERENCES assets (id),
  kind TEXT NOT NULL CHECK (kind IN ('installed-in', 'used-by', 'scheduled-on', 'part-of')),
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (from_id, to_id, kind)
);
CREATE INDEX asset_relations_to ON asset_relations (to_id);

CREATE TABLE asset_group_members (
  group_id BIGINT NOT NULL REFERENCES asset_groups (id),
  asset_id BIGINT NOT NULL REFERENCES assets (id),
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  PRIMARY KEY (group_id, asset_id)
);
CREATE INDEX asset_group_members_asset ON asset_group_members (asset_id);

CREATE TABLE scans (
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  id TEXT NOT NULL,                 -- uploader's idempotency key
  target TEXT NOT NULL,
  kind TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  received_at TEXT NOT NULL,
  counts {{json}} NOT NULL,         -- ScanCounts
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX scans_target ON scans (tenant_id, target, finished_at);

CREATE TABLE findings (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  fingerprint TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('vulnerability', 'config', 'secret', 'runtime')),
  rule_id TEXT NOT NULL,
  title TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'negligible', 'unknown')),
  severity_rank SMALLINT NOT NULL,  -- 5 critical … 0 unknown: sorts and filters through an index
  cvss DOUBLE PRECISION,
  epss DOUBLE PRECISION,
  kev BOOLEAN NOT NULL,
  fix_available BOOLEAN NOT NULL,
  asset_id BIGINT NOT NULL REFERENCES assets (id),
  target TEXT NOT NULL,             -- scan target that last saw it: scope of "absent from a later scan"
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  fixed_at TEXT,
  first_scan_id TEXT NOT NULL,
  last_scan_id TEXT NOT NULL,
  reopened_scan_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'fixed', 'suppressed', 'risk-accepted')),
  status_reason TEXT,
  status_owner TEXT,
  status_expires_at TEXT,
  priority_score DOUBLE PRECISION NOT NULL,
  priority_factors {{json}} NOT NULL,
  payload {{json}}
);
CREATE UNIQUE INDEX findings_fingerprint ON findings (tenant_id, fingerprint);
CREATE INDEX findings_status_priority ON findings (tenant_id, status, priority_score, id);
CREATE INDEX findings_severity ON findings (tenant_id, severity_rank, id);
CREATE INDEX findings_asset ON findings (tenant_id, asset_id);
CREATE INDEX findings_target ON findings (tenant_id, target, status);

CREATE TABLE audit_log (
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  seq BIGINT NOT NULL,              -- 1, 2, 3… per tenant, no gaps
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  details TEXT NOT NULL,            -- canonical JSON (sorted keys), hashed as stored
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,               -- sha256(canonical record including prev_hash)
  PRIMARY KEY (tenant_id, seq)
);
-- Last seq and hash per tenant: appends lock this row, and a truncated tail no longer matches it.
CREATE TABLE audit_heads (
  tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE alert_destinations (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  kind TEXT NOT NULL,               -- webhook, slack, dingtalk, wecom, feishu, email, syslog, cef
  name TEXT NOT NULL,
  config {{json}} NOT NULL,         -- secrets sealed by the server before they get here
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, name)
);

CREATE TABLE alert_rules (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  name TEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  match {{json}} NOT NULL,          -- finding type, severity, priority, asset group, new-vs-existing
  group_by {{json}} NOT NULL,
  rate_limit_seconds INTEGER NOT NULL,
  destination_ids {{json}} NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (tenant_id, name)
);

CREATE TABLE alert_silences (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  match {{json}} NOT NULL,
  reason TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX alert_silences_tenant ON alert_silences (tenant_id, expires_at);

CREATE TABLE alert_deliveries (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  rule_id BIGINT REFERENCES alert_rules (id),
  destination_id BIGINT NOT NULL REFERENCES alert_destinations (id),
  group_key TEXT NOT NULL,          -- one root cause, one alert
  payload {{json}} NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'dead')),
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
CREATE INDEX alert_deliveries_group ON alert_deliveries (tenant_id, group_key, created_at);

CREATE TABLE alert_dead_letters (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  delivery_id BIGINT REFERENCES alert_deliveries (id),
  destination_id BIGINT NOT NULL REFERENCES alert_destinations (id),
  payload {{json}} NOT NULL,
  error TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  failed_at TEXT NOT NULL
);
CREATE INDEX alert_dead_letters_tenant ON alert_dead_letters (tenant_id, failed_at);
`,
  },
  {
    // Finding payloads and priority factors are stored and returned whole, never queried inside: JSON text on
    // PostgreSQL too, which parses JSONB on every insert (ingest ran 2.5× faster as text in a measurement here).
    version: 6,
    sql: {
      postgres: `ALTER TABLE findings ALTER COLUMN payload TYPE TEXT USING payload::text,
                 ALTER COLUMN priority_factors TYPE TEXT USING priority_factors::text;`,
    },
  },
  {
    // "Where is CVE-X?" looks findings up by rule; "fixed" marking scans one target's open findings by last seen.
    version: 7,
    sql: `DROP INDEX findings_target;
CREATE INDEX findings_target ON findings (tenant_id, target, status, last_seen);
CREATE INDEX findings_rule ON findings (tenant_id, rule_id);`,
  },
  {
    // Each finding insert checked and share-locked its tenant and asset rows; the store writes both ids itself in
    // the same transaction (assets upserted first), so PostgreSQL drops the two checks from the hottest table.
    version: 8,
    sql: {
      postgres: `ALTER TABLE findings DROP CONSTRAINT IF EXISTS findings_tenant_id_fkey;
ALTER TABLE findings DROP CONSTRAINT IF EXISTS findings_asset_id_fkey;`,
    },
  },
  {
    // The console's counts (GET /findings/summary) group the tenant's findings by severity, status and type with
    // KEV and fix totals: a covering index answers them without reading a row.
    version: 10,
    sql: `CREATE INDEX findings_summary ON findings (tenant_id, status, severity_rank, type, kev, fix_available);`,
  },
  {
    // The console's groups (GET /findings/groups by rule or target, with the list's filters and scope) aggregate
    // count, severities, max priority, KEV and fix per group over every matching finding: with priority, rule,
    // target and asset in the summary index both aggregations read only the index (200k findings, open ones by
    // rule: SQLite 0.7 s → 0.1 s; PostgreSQL 0.85 s → 0.35 s, an index-only scan of 2k pages instead of a 21k-page
    // table scan). Widened rather than a second index: one index to write per new finding; a rescan writes it only
    // for findings whose indexed values changed (the upsert leaves them out of its SET).
    version: 13,
    sql: `DROP INDEX findings_summary;
CREATE INDEX findings_summary ON findings (tenant_id, status, severity_rank, type, kev, fix_available, priority_score, rule_id, target, asset_id);`,
  },
  {
    // The console's "last seen" sort (newest sightings first, with any filter) read every open finding and sorted
    // them: 0.4 s at 100k and 0.2–0.3 s at 1M on SQLite even from a covering index. This index gives the order:
    // a page reads its rows and stops. Its keys are sequential (one last_seen per scan, ids ascending), so a new scan
    // appends; a rescan moves its rows' entries as it already did in findings_target. The upsert's SET no longer
    // names indexed columns (a rescan rewrites only these two last_seen indexes).
    version: 14,
    sql: `CREATE INDEX findings_last_seen ON findings (tenant_id, status, last_seen, id);`,
  },
  {
    // The package of a finding (payload.package: purl, else name@version) as a column, written at ingest: the
    // list filters by it ("every finding in openssl 3.0.11") and groups by it without parsing every payload. Kept
    // in the summary index only, the filter read a whole tenant's index at 1M findings (seconds per request).
    version: 15,
    sql: {
      sqlite: `ALTER TABLE findings ADD COLUMN package TEXT;
UPDATE findings SET package = COALESCE(NULLIF(json_extract(payload, '$.package.purl'), ''),
    NULLIF(json_extract(payload, '$.package.name'), '') || COALESCE('@' || NULLIF(json_extract(payload, '$.package.version'), ''), ''))
  WHERE payload IS NOT NULL AND json_valid(payload) AND json_type(payload, '$.package') = 'object';
CREATE INDEX findings_package ON findings (tenant_id, package);`,
      postgres: `ALTER TABLE findings ADD COLUMN package TEXT;
UPDATE findings SET package = COALESCE(NULLIF(x.p ->> 'purl', ''), NULLIF(x.p ->> 'name', '') || COALESCE('@' || NULLIF(x.p ->> 'version', ''), ''))
  FROM (SELECT id, payload::jsonb -> 'package' AS p FROM findings WHERE payload IS NOT NULL) x
  WHERE findings.id = x.id AND jsonb_typeof(x.p) = 'object';
CREATE INDEX findings_package ON findings (tenant_id, package);`,
    },
  },
  {
    // The overview's daily trends count findings first seen and fixed per day and those unresolved before: three
    // reads of every row of the tenant (1 s at 100k on SQLite, on the thread that answers the API). From this
    // index they read only index entries. Its keys grow with time (first_seen is set once, fixed_at rarely
    // changes), so a new scan appends to it.
    version: 16,
    sql: `CREATE INDEX findings_first_seen ON findings (tenant_id, first_seen, fixed_at);`,
  },
];

/** Every migration of the platform, in version order: one schema across modules, one line per module. */
export const MIGRATIONS: readonly Migration[] = [
  ...CORE_MIGRATIONS,
  ...IDENTITY_MIGRATIONS, // 2
  ...ALERT_MIGRATIONS, // 3, 11, 17
  ...REPORT_MIGRATIONS, // 4
  ...BUS_MIGRATIONS, // 5
  ...RETENTION_MIGRATIONS, // 12
].sort((a, b) => a.version - b.version);

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

const TOKENS: Record<Dialect, Record<string, string>> = {
  sqlite: { pk: 'INTEGER PRIMARY KEY', json: 'TEXT' },
  postgres: { pk: 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY', json: 'JSONB' },
};

/** The migration text for one dialect. */
export function dialectSql(sql: string, dialect: Dialect): string {
  return sql.replace(/\{\{(\w+)\}\}/g, (_, t: string) => {
    const v = TOKENS[dialect][t];
    if (v === undefined) throw new Error(`unknown schema token {{${t}}}`);
    return v;
  });
}

const MIGRATIONS_TABLE = 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)';

export async function schemaVersion(db: SqlDriver): Promise<number> {
  if (!(await db.hasTable('schema_migrations'))) return 0;
  const rows = await db.all<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return Number(rows[0]?.v ?? 0);
}

/** Applies pending migrations, each in its own transaction, serialized across processes by the driver's lock. */
export async function migrate(db: SqlDriver, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const newestKnown = migrations[migrations.length - 1]?.version ?? 0;
  const applied: number[] = [];
  await db.transaction(async (tx) => {
    await tx.lockForMigration();
    await tx.exec(MIGRATIONS_TABLE);
  });
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.lockForMigration();
      const rows = await tx.all<{ version: number }>('SELECT version FROM schema_migrations');
      const have = new Set(rows.map((r) => Number(r.version)));
      const newest = Math.max(0, ...have);
      if (newest > newestKnown) {
        throw new ConfigError(
          'database',
          `database schema version ${newest} is newer than this Bulwark supports (${newestKnown}); upgrade Bulwark`,
        );
      }
      if (have.has(m.version)) return false;
      const sql = typeof m.sql === 'string' ? m.sql : (m.sql[tx.dialect] ?? '');
      if (sql.trim() !== '') await tx.exec(dialectSql(sql, tx.dialect));
      await tx.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [m.version, new Date().toISOString()]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
