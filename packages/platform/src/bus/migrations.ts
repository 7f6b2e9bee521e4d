import type { Migration } from '../storage/schema.js';

/** This module's tables (version 5; written with the {{pk}}/{{json}} tokens of storage/schema.ts). */
export const BUS_MIGRATIONS: readonly Migration[] = [
  {
    version: 5,
    sql: `
-- Parts of uploads too big for one NATS message, kept until all parts of the upload are here; the worker then
-- ingests the assembled scan once and deletes them. No foreign key: rows are transient and the tenant is checked
-- when the assembled scan is ingested.
CREATE TABLE bus_scan_parts (
  digest TEXT NOT NULL,             -- sha256 of the whole compressed upload: names one upload of one scan
  part INTEGER NOT NULL,            -- 0 … parts - 1
  parts INTEGER NOT NULL,
  tenant_id BIGINT NOT NULL,
  scan_id TEXT NOT NULL,
  data TEXT NOT NULL,               -- the part's bytes, base64
  staged_at TEXT NOT NULL,
  PRIMARY KEY (digest, part)
);
CREATE INDEX bus_scan_parts_staged ON bus_scan_parts (staged_at);
`,
  },
];
