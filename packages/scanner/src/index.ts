export { scanTarget } from './scan.js';
export type { ScanProgress, ScanRequest } from './scan.js';
export * from './artifact/index.js';
export { allCatalogers, selectCatalogers } from './catalogers/all.js';
export type { Cataloger, CatalogResult, FileInput } from './catalogers/types.js';
export * from './match/index.js';
export * from './report/index.js';
export * from './sbom/index.js';
export * from './suppress/index.js';
