// Report formats: one export line per format.
export { table } from './table.js';
export { json } from './json.js';
export { sarif } from './sarif.js';
export { cyclonedx } from './cyclonedx.js';
export { spdxJson } from './spdx.js';
