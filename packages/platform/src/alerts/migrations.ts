import type { Migration } from '../storage/schema.js';

/** This module's tables (versions 3 and 11; written with the {{pk}}/{{json}} tokens of storage/schema.ts). */
export const ALERT_MIGRATIONS: readonly Migration[] = [
  {
    version: 3,
    sql: `
-- Deliveries are keyed by alert rule + group + scan (and destination): the same ingest event told twice enqueues once.
ALTER TABLE alert_deliveries ADD COLUMN dedup_key TEXT;
-- Set when a dispatcher claims the delivery; only the claimant may record its outcome.
ALTER TABLE alert_deliveries ADD COLUMN claim_token TEXT;
CREATE UNIQUE INDEX alert_deliveries_dedup ON alert_deliveries (tenant_id, destination_id, dedup_key);
CREATE INDEX alert_deliveries_tenant ON alert_deliveries (tenant_id, id);

ALTER TABLE alert_dead_letters ADD COLUMN retried_at TEXT;

-- False positives that never alert: a finding (fingerprint) or a finding rule, anywhere or on one asset.
CREATE TABLE alert_allowlist (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  rule_id TEXT,
  asset_key TEXT,
  fingerprint TEXT,
  reason TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT
);
CREATE INDEX alert_allowlist_tenant ON alert_allowlist (tenant_id);

-- Rate-limit state per (alert rule, group key): last alert and findings held back since.
CREATE TABLE alert_groups (
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  rule_id BIGINT NOT NULL REFERENCES alert_rules (id),
  group_key TEXT NOT NULL,
  last_alert_at TEXT NOT NULL,
  suppressed INTEGER NOT NULL,
  PRIMARY KEY (rule_id, group_key)
);

-- Ingest events already evaluated (the same event twice evaluates once).
CREATE TABLE alert_scan_events (
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  scan_id TEXT NOT NULL,
  processed_at TEXT NOT NULL,
  alerts INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, scan_id)
);
`,
  },
  {
    version: 11,
    sql: `
-- The people's workflow of a fired alert: open → acknowledged → resolved (and reopened), who has it, why.
ALTER TABLE alert_deliveries ADD COLUMN state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved'));
ALTER TABLE alert_deliveries ADD COLUMN assignee_id BIGINT REFERENCES users (id);
ALTER TABLE alert_deliveries ADD COLUMN note TEXT;
ALTER TABLE alert_deliveries ADD COLUMN changed_by TEXT;
ALTER TABLE alert_deliveries ADD COLUMN changed_at TEXT;
CREATE INDEX alert_deliveries_state ON alert_deliveries (tenant_id, state, id);
CREATE INDEX alert_deliveries_assignee ON alert_deliveries (tenant_id, assignee_id, id);

-- Every workflow change of an alert, for its timeline (the audit log has them too, across all objects).
CREATE TABLE alert_state_events (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  delivery_id BIGINT NOT NULL REFERENCES alert_deliveries (id),
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  from_state TEXT NOT NULL,
  state TEXT NOT NULL,
  from_assignee_id BIGINT,
  assignee_id BIGINT,
  note TEXT
);
CREATE INDEX alert_state_events_delivery ON alert_state_events (tenant_id, delivery_id, id);
`,
  },
];
