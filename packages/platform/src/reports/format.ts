import type { ReportData } from './types.js';

export type FormatId = 'pdf' | 'xlsx' | 'docx';

/** One output format: a folder with its renderer, registered in formats.ts. */
export interface ReportFormat {
  /** Folder name and API value: "pdf", "xlsx", "docx". */
  readonly id: FormatId;
  readonly contentType: string;
  /** File name extension without the dot. */
  readonly extension: string;
  /** Lays the model out; adds and recomputes no number. */
  render(data: ReportData): Promise<Buffer>;
}
