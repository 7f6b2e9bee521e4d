import type { Migration } from '../storage/schema.js';

/** This module's tables (version 4; written with the {{pk}}/{{json}} tokens of storage/schema.ts). */
export const REPORT_MIGRATIONS: readonly Migration[] = [];
