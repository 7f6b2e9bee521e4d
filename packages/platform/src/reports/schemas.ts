// JSON schemas of the reports API (additionalProperties false everywhere); values are checked again in code
// (repository.ts, data.ts) so a combination the schema cannot express still gets a 400 naming the field.
import { FORMAT_IDS } from './formats.js';
import { CADENCES } from './repository.js';
import { REPORT_KINDS } from './types.js';

export const scopeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  description: 'tenant; image by target (scan target) or assetId (image asset); cluster by name',
  properties: {
    type: { type: 'string', enum: ['tenant', 'image', 'cluster'] },
    target: { type: 'string', minLength: 1, maxLength: 4096, description: 'image: the scanned image reference' },
    assetId: { type: 'integer', minimum: 1, description: 'image: the image asset id' },
    name: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$', description: 'cluster: its name, as in asset keys cluster/<name>/…' },
  },
} as const;

const kind = { type: 'string', enum: [...REPORT_KINDS] } as const;
const format = { type: 'string', enum: [...FORMAT_IDS] } as const;
const framework = { type: 'string', minLength: 1, maxLength: 64, description: 'compliance only: cis-kubernetes, nsa-cisa, pci-dss, mlps-2.0, cis-docker (or an alias)' } as const;

export const generateBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'kind', 'format'],
  properties: { scope: scopeSchema, kind, format, framework },
} as const;

export const listReportsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'string', pattern: '^[0-9]{1,3}$', description: 'page size 1–200, default 50' },
    cursor: { type: 'string', pattern: '^[1-9][0-9]{0,14}$', description: 'nextCursor of the previous page' },
    scheduleId: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' },
  },
} as const;

export const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } },
} as const;

const scheduleProps = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  scope: scopeSchema,
  kind,
  format,
  framework,
  cadence: { type: 'string', enum: [...CADENCES] },
  hour: { type: 'integer', minimum: 0, maximum: 23, description: 'UTC hour, default 6' },
  weekday: { type: 'integer', minimum: 0, maximum: 6, description: 'weekly: 0 Sunday … 6 Saturday' },
  dayOfMonth: { type: 'integer', minimum: 1, maximum: 28, description: 'monthly' },
  keep: { type: 'integer', minimum: 1, maximum: 1000, description: 'newest reports kept, default 12' },
  enabled: { type: 'boolean' },
} as const;

export const scheduleBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'scope', 'kind', 'format', 'cadence'],
  properties: scheduleProps,
} as const;

export const schedulePatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: scheduleProps,
} as const;
