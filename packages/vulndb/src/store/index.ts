export { VulnDb, type OpenOptions } from './vulndb.js';
export { importMirror, type ImportOptions, type ImportProgress, type ImportSummary, type SourceImport } from './import.js';
export { normalizePackageName, normalizeEcosystem } from './names.js';
export { isStale, newestSnapshot, type DbStatus, type SourceStatus } from './status.js';
export { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
