export * from './ecosystems/index.js';
export * from './osv/index.js';
export * from './cvss/index.js';
export * from './store/index.js';
export * from './update/index.js';
export { sources, sourceFor } from './sources/index.js';
export type { ImportContext, Source, SourceItem } from './sources/index.js';
