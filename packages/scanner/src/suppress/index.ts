export { parseIgnoreFile, applyIgnoreRules, ruleMatches, isExpired, MAX_IGNORE_FILE_BYTES } from './ignore-file.js';
export type { IgnoreRule } from './ignore-file.js';
export { parseOpenVex, applyVex, MAX_VEX_BYTES } from './openvex.js';
export type { VexDocument, VexStatement, VexProduct, VexStatus, VexApplyOptions } from './openvex.js';
export { filterFindings, exitCodeFor } from './filter.js';
export type { FilterOptions, ExitCodeOptions } from './filter.js';
export { purlMatches } from './purl-match.js';
