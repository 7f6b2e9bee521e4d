import type { Migration } from '../storage/schema.js';

/** Version 17, common to both dialects (the history table differs: see below). */
const ALERTS_V17 = `
-- One fired alert (an alert rule firing for one group key on one scan) with one delivery per destination: the
-- people's workflow moves from the deliveries to the alert. alert_key is the listener's dedup key (rule|group|scan).
CREATE TABLE alerts (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  rule_id BIGINT REFERENCES alert_rules (id),
  group_key TEXT NOT NULL,
  alert_key TEXT NOT NULL,
  payload {{json}} NOT NULL,
  created_at TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
  assignee_id BIGINT REFERENCES users (id),
  note TEXT,
  changed_by TEXT,
  changed_at TEXT
);
CREATE UNIQUE INDEX alerts_key ON alerts (tenant_id, alert_key);
CREATE INDEX alerts_tenant ON alerts (tenant_id, id);
CREATE INDEX alerts_state ON alerts (tenant_id, state, id);
CREATE INDEX alerts_assignee ON alerts (tenant_id, assignee_id, id);

-- Deliveries by key: the backfill below looks each key's deliveries up (without it, a scan of the table per row).
CREATE INDEX alert_deliveries_key ON alert_deliveries (tenant_id, dedup_key);

-- Backfill: one alert per tenant and dedup key (a delivery without one gets its own, keyed delivery:<id>), in
-- delivery order. Its workflow is that of the key's most recently changed delivery (else its first one).
INSERT INTO alerts (tenant_id, rule_id, group_key, alert_key, payload, created_at, state, assignee_id, note, changed_by, changed_at)
SELECT d.tenant_id, d.rule_id, d.group_key, COALESCE(d.dedup_key, 'delivery:' || d.id), d.payload, d.created_at, d.state, d.assignee_id, d.note, d.changed_by, d.changed_at
  FROM alert_deliveries d
 WHERE d.dedup_key IS NULL
    OR d.id = (SELECT x.id FROM alert_deliveries x WHERE x.tenant_id = d.tenant_id AND x.dedup_key = d.dedup_key
                ORDER BY CASE WHEN x.changed_at IS NULL THEN 1 ELSE 0 END, x.changed_at DESC, x.id LIMIT 1)
 ORDER BY d.id;

ALTER TABLE alert_deliveries ADD COLUMN alert_id BIGINT REFERENCES alerts (id);
UPDATE alert_deliveries SET alert_id = (SELECT a.id FROM alerts a
  WHERE a.tenant_id = alert_deliveries.tenant_id AND a.alert_key = COALESCE(alert_deliveries.dedup_key, 'delivery:' || alert_deliveries.id));
-- One delivery per alert and destination; also how an alert's deliveries are read.
CREATE UNIQUE INDEX alert_deliveries_alert ON alert_deliveries (alert_id, destination_id);
-- The deliveries' workflow columns stay (unused) for older readers; their indexes go.
DROP INDEX alert_deliveries_state;
DROP INDEX alert_deliveries_assignee;
`;

/** This module's tables (versions 3, 11 and 17; written with the {{pk}}/{{json}} tokens of storage/schema.ts). */
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
  {
    version: 17,
    sql: {
      sqlite: `${ALERTS_V17}
-- SQLite cannot drop a referencing column: the history table is rebuilt around alert_id (ids kept).
CREATE TABLE alert_state_events_v17 (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  alert_id BIGINT NOT NULL REFERENCES alerts (id),
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  from_state TEXT NOT NULL,
  state TEXT NOT NULL,
  from_assignee_id BIGINT,
  assignee_id BIGINT,
  note TEXT
);
INSERT INTO alert_state_events_v17 (id, tenant_id, alert_id, actor, at, from_state, state, from_assignee_id, assignee_id, note)
SELECT e.id, e.tenant_id, d.alert_id, e.actor, e.at, e.from_state, e.state, e.from_assignee_id, e.assignee_id, e.note
  FROM alert_state_events e JOIN alert_deliveries d ON d.id = e.delivery_id AND d.tenant_id = e.tenant_id
 ORDER BY e.id;
DROP TABLE alert_state_events;
ALTER TABLE alert_state_events_v17 RENAME TO alert_state_events;
CREATE INDEX alert_state_events_alert ON alert_state_events (tenant_id, alert_id, id);
`,
      postgres: `${ALERTS_V17}
ALTER TABLE alert_state_events ADD COLUMN alert_id BIGINT REFERENCES alerts (id);
UPDATE alert_state_events SET alert_id = d.alert_id FROM alert_deliveries d WHERE d.id = alert_state_events.delivery_id AND d.tenant_id = alert_state_events.tenant_id;
DELETE FROM alert_state_events WHERE alert_id IS NULL;
ALTER TABLE alert_state_events ALTER COLUMN alert_id SET NOT NULL;
ALTER TABLE alert_state_events DROP COLUMN delivery_id;
CREATE INDEX alert_state_events_alert ON alert_state_events (tenant_id, alert_id, id);
`,
    },
  },
];
