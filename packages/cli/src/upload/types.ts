import type { FindingInput, ScanInput } from '@bulwark/platform';

/** The body of `POST /api/v1/scans`. */
export interface UploadBody {
  scan: ScanInput;
  findings: FindingInput[];
}

/** When the scan ran; its id (a fresh UUID per run unless given). */
export interface ScanTiming {
  scanId?: string;
  startedAt: Date;
  finishedAt: Date;
}
