// JSON schemas of the API's requests. They mirror ScanInput/FindingInput/StatusChange of the store (storage/types.ts)
// with additionalProperties false everywhere; the store still validates values (text limits, NUL, instants).
import { SEVERITIES } from '@bulwark/core';
import { ASSET_KINDS, CRITICALITIES, FINDING_STATUSES, FINDING_TYPES, RELATION_KINDS } from '../storage/types.js';

const text = (max = 4096) => ({ type: 'string', maxLength: max }) as const;
const instant = { type: 'string', minLength: 1, maxLength: 64, description: 'ISO 8601 instant' } as const;

const assetRef = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'key'],
  properties: { kind: { type: 'string', enum: [...ASSET_KINDS] }, key: { type: 'string', minLength: 1, maxLength: 4096 } },
} as const;

const assetInput = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'key'],
  properties: {
    ...assetRef.properties,
    name: text(),
    attributes: { type: 'object' },
    criticality: { type: 'string', enum: [...CRITICALITIES] },
  },
} as const;

const relationInput = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to', 'kind'],
  properties: { from: assetRef, to: assetRef, kind: { type: 'string', enum: [...RELATION_KINDS] } },
} as const;

export const scanInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'target', 'kind', 'startedAt', 'finishedAt'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200, description: 'Idempotency key chosen by the uploader (a UUID)' },
    target: { type: 'string', minLength: 1, maxLength: 4096 },
    kind: { type: 'string', minLength: 1, maxLength: 64 },
    startedAt: instant,
    finishedAt: instant,
    assets: { type: 'array', items: assetInput },
    relations: { type: 'array', items: relationInput },
  },
} as const;

export const findingInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'ruleId', 'severity', 'asset'],
  properties: {
    fingerprint: { type: 'string', minLength: 1, maxLength: 200 },
    type: { type: 'string', enum: [...FINDING_TYPES] },
    ruleId: { type: 'string', minLength: 1, maxLength: 4096 },
    title: text(),
    severity: { type: 'string', enum: [...SEVERITIES] },
    cvss: { type: ['number', 'null'], minimum: 0, maximum: 10 },
    epss: { type: ['number', 'null'], minimum: 0, maximum: 1 },
    kev: { type: 'boolean' },
    fixAvailable: { type: 'boolean' },
    asset: assetRef,
    locator: text(),
    priority: {
      type: 'object',
      additionalProperties: false,
      required: ['score', 'factors'],
      properties: {
        score: { type: 'number' },
        factors: {
          type: 'array',
          maxItems: 64,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'weight'],
            properties: { name: text(64), weight: { type: 'number' }, detail: text() },
          },
        },
      },
    },
    payload: { description: 'Any JSON (the scanner finding), bounded by the store limit maxPayloadBytes' },
  },
} as const;

export const ingestBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['scan', 'findings'],
  properties: { scan: scanInputSchema, findings: { type: 'array', items: findingInputSchema } },
} as const;

/** Comma-separated list of allowed words, e.g. "critical,high". */
function csv(words: readonly string[]) {
  return { type: 'string', maxLength: 512, pattern: `^(${words.join('|')})(,(${words.join('|')}))*$`, description: `comma-separated: ${words.join(', ')}` } as const;
}

export const SORT_KEYS = ['priority', 'severity', 'lastSeen', 'firstSeen', 'id'] as const;

export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    severity: csv(SEVERITIES),
    status: csv(FINDING_STATUSES),
    type: csv(FINDING_TYPES),
    kev: { type: 'string', enum: ['true', 'false'], description: 'only findings in (or not in) CISA KEV' },
    fixAvailable: { type: 'string', enum: ['true', 'false'], description: 'only findings with (or without) a fix' },
    assetId: { type: 'string', pattern: '^[1-9][0-9]{0,14}$', description: 'only findings on this asset' },
    target: { type: 'string', minLength: 1, maxLength: 4096, description: 'only findings last seen by scans of this target' },
    ruleId: { type: 'string', minLength: 1, maxLength: 4096, description: 'only this vulnerability or rule id' },
    package: { type: 'string', minLength: 1, maxLength: 1024, description: 'only findings of this package (purl, else name@version, as groups by package key it)' },
    sort: { type: 'string', enum: [...SORT_KEYS] },
    dir: { type: 'string', enum: ['asc', 'desc'] },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'page size 1–1000, default 100' },
    cursor: { type: 'string', minLength: 1, maxLength: 1024, description: 'nextCursor of the previous page' },
  },
} as const;

/** The list's filters without sorting and paging. */
export const summaryQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(Object.entries(listQuerySchema.properties).filter(([k]) => !['sort', 'dir', 'limit', 'cursor'].includes(k))),
} as const;

export const trendsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...summaryQuerySchema.properties, days: { type: 'string', pattern: '^[1-9][0-9]{0,2}$', description: 'days back, 1–366, default 30' } },
} as const;

export const idParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,14}$', description: 'finding id' } },
} as const;

export const statusBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: {
    status: { type: 'string', enum: FINDING_STATUSES.filter((s) => s !== 'fixed') },
    reason: text(),
    owner: text(256),
    expiresAt: instant,
  },
} as const;

export const errorSchema = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string' } },
} as const;

export const bearer = [{ bearer: [] }];
/** The error answers every authenticated route may give. */
export const errorResponses = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema } as const;
