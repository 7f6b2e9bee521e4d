export { retentionModule, RETENTION_READERS } from './routes.js';
export { RetentionPruner, pruneTenant, RETENTION_ACTOR, DEFAULT_BATCH } from './pruner.js';
export type { PrunerOptions, PruneOptions, PruneOutcome } from './pruner.js';
export { RetentionRepository, DEFAULT_RETENTION, RETENTION_KINDS, MIN_DAYS, MAX_DAYS, validateSettings } from './repository.js';
export type { RetentionCounts, RetentionKind, RetentionSettings, StoredRetention } from './repository.js';
export { RETENTION_MIGRATIONS } from './migrations.js';
