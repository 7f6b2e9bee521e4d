export { matchPackages, matchVersion, compareFindings } from './match.js';
export type { MatchOptions, MatchResult } from './match.js';
export { rate } from './severity.js';
export type { Rated, RatingInput } from './severity.js';
export { memoryLookup } from './memory-lookup.js';
export type { MemoryLookupData } from './memory-lookup.js';

