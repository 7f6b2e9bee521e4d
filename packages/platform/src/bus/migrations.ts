import type { Migration } from '../storage/schema.js';

/** This module's tables (version 5; written with the {{pk}}/{{json}} tokens of storage/schema.ts). */
export const BUS_MIGRATIONS: readonly Migration[] = [];
