import type Database from 'better-sqlite3';

/** Numbered migrations; each runs once, in order, inside a transaction, recorded in schema_migrations. */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE sources (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  checksum TEXT NOT NULL,
  files TEXT NOT NULL,            -- JSON array of mirror-relative paths
  imported_at TEXT NOT NULL,
  snapshot_date TEXT,
  record_count INTEGER NOT NULL,
  counts TEXT NOT NULL            -- JSON: {advisories, kev, epss, cve, ecosystems: {eco: n}}
);
CREATE TABLE advisories (
  rowid INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  feed TEXT NOT NULL,
  modified TEXT NOT NULL,
  withdrawn TEXT,
  record BLOB NOT NULL,           -- OSV JSON, raw-deflated
  UNIQUE (source, id)
);
CREATE TABLE affected (
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  advisory INTEGER NOT NULL,
  PRIMARY KEY (ecosystem, name, advisory)
) WITHOUT ROWID;
CREATE INDEX affected_advisory ON affected (advisory);
CREATE TABLE aliases (
  alias TEXT NOT NULL,
  advisory INTEGER NOT NULL,
  PRIMARY KEY (alias, advisory)
) WITHOUT ROWID;
CREATE INDEX aliases_advisory ON aliases (advisory);
CREATE TABLE kev (
  cve TEXT PRIMARY KEY,
  date_added TEXT NOT NULL,
  due_date TEXT,
  ransomware TEXT,
  required_action TEXT
) WITHOUT ROWID;
CREATE TABLE epss (
  cve TEXT PRIMARY KEY,
  score REAL NOT NULL,
  percentile REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE cve_enrichment (
  cve TEXT PRIMARY KEY,
  data BLOB NOT NULL              -- CveEnrichment JSON, raw-deflated
) WITHOUT ROWID;
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
  {
    // CVE enrichment from several feeds (CVE JSON 5 first, NVD vectors from Ubuntu's tracker for older CVEs), one row
    // per (cve, source), merged on lookup; each feed replaces only its own rows.
    version: 2,
    sql: `
CREATE TABLE cve_enrichment_by_source (
  cve TEXT NOT NULL,
  source TEXT NOT NULL,
  data BLOB NOT NULL              -- CveEnrichment JSON, raw-deflated
  , PRIMARY KEY (cve, source)
) WITHOUT ROWID;
INSERT INTO cve_enrichment_by_source (cve, source, data) SELECT cve, 'cve-json5', data FROM cve_enrichment;
DROP TABLE cve_enrichment;
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const newest = Math.max(0, ...applied);
  if (newest > SCHEMA_VERSION) {
    throw new Error(`database schema version ${newest} is newer than this Bulwark supports (${SCHEMA_VERSION}); upgrade Bulwark or delete the database`);
  }
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, new Date().toISOString());
    })();
  }
}

export function schemaVersion(db: Database.Database): number {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!hasTable) return 0;
  return (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
}
