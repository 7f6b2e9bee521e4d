import type { Migration } from '../storage/schema.js';

/** This module's tables (version 3; written with the {{pk}}/{{json}} tokens of storage/schema.ts). */
export const ALERT_MIGRATIONS: readonly Migration[] = [];
