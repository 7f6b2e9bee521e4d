export { readSbom } from './read.js';
export { readCycloneDx } from './cyclonedx.js';
export { readSpdx } from './spdx.js';
export { packageFromPurl, distroEcosystem } from './purl-package.js';
export { DEFAULT_SBOM_LIMITS } from './json.js';
export type { SbomResult, SbomLimits } from './types.js';
