export { evaluateAffected, isWithdrawn, MAX_EVENTS_PER_RANGE, MAX_RANGES } from './affects.js';
export type { AffectedVerdict } from './affects.js';
