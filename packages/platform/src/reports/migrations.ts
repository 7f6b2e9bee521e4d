import type { Migration } from '../storage/schema.js';

/** This module's tables (version 4; written with the {{pk}}/{{json}} tokens of storage/schema.ts). */
export const REPORT_MIGRATIONS: readonly Migration[] = [
  {
    version: 4,
    sql: `
-- A recurring report: what to build (request: scope, kind, framework), in which format, when (UTC), and the
-- creator's asset-group scope applied to every run. A run is claimed by setting lease_owner/lease_until with a
-- conditional UPDATE, so one process of several builds it; an expired lease can be taken over.
CREATE TABLE report_schedules (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  name TEXT NOT NULL,
  request {{json}} NOT NULL,
  format TEXT NOT NULL,
  cadence TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly', 'monthly')),
  hour INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
  weekday INTEGER CHECK (weekday BETWEEN 0 AND 6),        -- weekly: 0 Sunday … 6 Saturday
  month_day INTEGER CHECK (month_day BETWEEN 1 AND 28),    -- monthly
  keep INTEGER NOT NULL,                                    -- newest reports of this schedule kept
  asset_groups {{json}},                                    -- NULL = whole tenant
  enabled BOOLEAN NOT NULL,
  next_run_at TEXT NOT NULL,
  lease_owner TEXT,
  lease_until TEXT,
  last_run_at TEXT,
  last_report_id BIGINT,
  last_error TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (tenant_id, name)
);
CREATE INDEX report_schedules_due ON report_schedules (next_run_at);

-- Generated report files with their metadata; the bytes are base64 text (portable across both drivers).
CREATE TABLE reports (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  schedule_id BIGINT REFERENCES report_schedules (id) ON DELETE SET NULL,
  title TEXT NOT NULL,
  kind TEXT NOT NULL,
  format TEXT NOT NULL,
  request {{json}} NOT NULL,
  asset_groups {{json}},                                    -- the scope the report was limited to; NULL = whole tenant
  summary {{json}} NOT NULL,                                -- the model's summary counts
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  content TEXT NOT NULL,
  generated_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX reports_tenant ON reports (tenant_id, id);
CREATE INDEX reports_schedule ON reports (schedule_id, id);
`,
  },
];
