export { writeReport, reportFormats, isReportFormat } from './formats.js';
export type { ReportFormat, ReportWriter } from './types.js';
export type { ReportOptions } from './common.js';
export { visibleFindings, stableStringify, statusLabel } from './common.js';
export { renderTable } from './table.js';
export { renderJson } from './json.js';
export { renderSarif } from './sarif.js';
export { renderCycloneDx, CDX_PROPS } from './cyclonedx.js';
export { renderSpdx, SPDX_ATTR } from './spdx.js';
