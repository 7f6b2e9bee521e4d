export * from './types.js';
export { SqlStore, type StoreOptions } from './sql-store.js';
export { SqliteStore } from './sqlite.js';
export { PostgresStore } from './postgres.js';
export type { PostgresOptions } from './postgres-driver.js';
export { openStore } from './open.js';
export { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
export { findingFingerprint, canonicalJson } from './validate.js';
export { auditHash, GENESIS_HASH } from './audit.js';
