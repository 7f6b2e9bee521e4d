import type { ScanReport } from '@bulwark/core';
import type { ReportOptions } from './common.js';

export type ReportFormat = 'table' | 'json' | 'sarif' | 'cyclonedx' | 'spdx-json';

export interface ReportWriter {
  /** Format name as the CLI's --format takes it. */
  readonly id: ReportFormat;
  readonly mediaType: string;
  /** File extension without the dot, for default output names. */
  readonly extension: string;
  /** Pure: same report and options give the same text. */
  write(report: ScanReport, opts?: ReportOptions): string;
}
