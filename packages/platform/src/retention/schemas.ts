// JSON schemas of the retention API (additionalProperties false); the gap between 0 and a field's minimum is
// checked in code (repository.ts validateSettings), which answers 400 naming the field.
import { MAX_DAYS } from './repository.js';

const days = (what: string, min: number) =>
  ({ type: 'integer', minimum: 0, maximum: MAX_DAYS, description: `${what}: 0 keeps forever, otherwise ${min}–${MAX_DAYS} days` }) as const;

export const retentionBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['findingsDays', 'scansDays', 'reportsDays', 'alertsDays', 'auditDays'],
  properties: {
    findingsDays: days('fixed findings and long-lapsed suppressions', 7),
    scansDays: days('scan records', 7),
    reportsDays: days('generated report files', 7),
    alertsDays: days('sent or dead alert deliveries and dead letters', 7),
    auditDays: days('audit records (pruned behind a verified checkpoint)', 365),
  },
} as const;
