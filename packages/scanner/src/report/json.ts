import type { ScanReport } from '@bulwark/core';
import { stableStringify } from './common.js';
import type { ReportWriter } from './types.js';

/** The ScanReport itself (scan-report.schema.json), keys in a stable order, suppressed findings kept. */
export function renderJson(report: ScanReport): string {
  return stableStringify(report);
}

export const json: ReportWriter = {
  id: 'json',
  mediaType: 'application/json',
  extension: 'json',
  write: (report) => renderJson(report),
};
