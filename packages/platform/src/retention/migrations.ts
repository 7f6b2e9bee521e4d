import type { Migration } from '../storage/schema.js';

/** This module's tables (version 12; written with the {{pk}}/{{json}} tokens of storage/schema.ts). */
export const RETENTION_MIGRATIONS: readonly Migration[] = [
  {
    version: 12,
    sql: `
-- Per-tenant retention in days (0 = keep forever); a NULL column takes the built-in default, so a tenant that never
-- saved its settings follows later changes of the defaults. The pruner records its last run per tenant here too.
CREATE TABLE retention_settings (
  tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id),
  findings_days INTEGER,
  scans_days INTEGER,
  reports_days INTEGER,
  alerts_days INTEGER,
  audit_days INTEGER,
  updated_by TEXT,
  updated_at TEXT,
  last_run_at TEXT,
  last_counts TEXT                  -- JSON: rows deleted per kind by the last run
);

-- The periodic prune of all tenants, claimed with a lease (conditional UPDATE) so one of several processes runs it.
CREATE TABLE retention_runs (
  name TEXT PRIMARY KEY,
  next_run_at TEXT NOT NULL,
  lease_owner TEXT,
  lease_until TEXT,
  last_run_at TEXT,
  last_error TEXT
);

-- The last audit record pruned from a tenant's chain: verification starts after it (see storage/sql-store.ts).
CREATE TABLE audit_checkpoints (
  tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  pruned_at TEXT NOT NULL
);

-- Old rows are found per tenant by age: scans by when they were received, deliveries by creation.
CREATE INDEX scans_received ON scans (tenant_id, received_at);
CREATE INDEX alert_deliveries_created ON alert_deliveries (tenant_id, created_at);
CREATE INDEX alert_scan_events_processed ON alert_scan_events (tenant_id, processed_at);
`,
  },
];
