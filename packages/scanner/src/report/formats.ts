import { ConfigError, type ScanReport } from '@bulwark/core';
import * as all from './all.js';
import type { ReportOptions } from './common.js';
import type { ReportFormat, ReportWriter } from './types.js';

function registryOf(writers: ReportWriter[]): ReadonlyMap<string, ReportWriter> {
  const m = new Map<string, ReportWriter>();
  for (const w of writers) {
    if (m.has(w.id)) throw new Error(`duplicate report format ${w.id}`);
    m.set(w.id, w);
  }
  return m;
}

export const reportFormats: ReadonlyMap<string, ReportWriter> = registryOf(Object.values(all));

export function isReportFormat(s: string): s is ReportFormat {
  return reportFormats.has(s);
}

/** Renders the report in the named format; an unknown name (from a flag or config) is a ConfigError. */
export function writeReport(format: ReportFormat | string, report: ScanReport, opts: ReportOptions = {}): string {
  const w = reportFormats.get(format);
  if (!w) throw new ConfigError('format', `unknown report format "${format}" (one of ${[...reportFormats.keys()].join(', ')})`);
  return w.write(report, opts);
}
