import type { Migration } from '../storage/schema.js';

/** This module's tables (version 2; written with the {{pk}}/{{json}} tokens of storage/schema.ts). */
export const IDENTITY_MIGRATIONS: readonly Migration[] = [];
