// JSON schemas of the alert inputs: Fastify validates requests with them (400 naming the field) and the repository
// checks the same schemas (check.ts) for callers that do not come through HTTP.
import { SEVERITIES } from '@bulwark/core';
import { FINDING_TYPES } from '../storage/types.js';
import type { JsonSchema } from './check.js';
import { DESTINATION_KINDS } from './destinations/registry.js';
import { ALERT_STATES, DELIVERY_STATUSES, FINDING_CHANGES, GROUP_FIELDS, OVERALL_DELIVERY_STATUSES } from './types.js';

const name = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$', description: 'a name without control characters' } as const;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '^[^\\u0000]+$', description: 'text without NUL' }) as const;
const id = { type: 'integer', minimum: 1, maximum: 999_999_999_999_999 } as const;
const ids = (max: number) => ({ type: 'array', maxItems: max, uniqueItems: true, items: id }) as const;
const words = (w: readonly string[], minItems = 0) => ({ type: 'array', minItems, maxItems: w.length, uniqueItems: true, items: { type: 'string', enum: [...w] } }) as const;
const strings = (max: number, len = 4096) => ({ type: 'array', minItems: 1, maxItems: max, uniqueItems: true, items: text(len) }) as const;
export const instantSchema = {
  type: 'string',
  minLength: 10,
  maxLength: 64,
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$',
  description: 'an ISO 8601 instant with zone: 2026-01-01T00:00:00Z',
} as const;

export const ruleMatchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    types: words(FINDING_TYPES, 1),
    severities: words(SEVERITIES, 1),
    minSeverity: { type: 'string', enum: [...SEVERITIES] },
    minPriority: { type: 'number', minimum: -1e9, maximum: 1e9 },
    assetGroupIds: { ...ids(100), minItems: 1 },
    changes: words(FINDING_CHANGES, 1),
    kev: { type: 'boolean' },
    ruleIds: strings(500, 4096),
  },
} as const;

const ruleProperties = {
  name,
  enabled: { type: 'boolean' },
  match: ruleMatchSchema,
  groupBy: words(GROUP_FIELDS),
  rateLimitSeconds: { type: 'integer', minimum: 0, maximum: 30 * 86400, description: 'seconds, 0–2592000 (30 days)' },
  destinationIds: { ...ids(20), minItems: 1 },
} as const;

export const ruleCreateSchema = { type: 'object', additionalProperties: false, required: ['name', 'destinationIds'], properties: ruleProperties } as const;
export const rulePatchSchema = { type: 'object', additionalProperties: false, minProperties: 1, properties: ruleProperties } as const;

export const silenceMatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    alertRuleIds: { ...ids(100), minItems: 1 },
    ruleIds: strings(500),
    types: words(FINDING_TYPES, 1),
    severities: words(SEVERITIES, 1),
    assetKeys: strings(500),
    targets: strings(500),
  },
} as const;

export const silenceCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['match', 'reason', 'expiresAt'],
  properties: { match: silenceMatchSchema, reason: text(1000), expiresAt: instantSchema },
} as const;

export const allowlistCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { ruleId: text(4096), assetKey: text(4096), fingerprint: text(200), reason: text(1000), expiresAt: instantSchema },
} as const;

const kinds = [...DESTINATION_KINDS.keys()];

/** The create body; `config` is checked against the kind's schema (if/then per kind, so errors name config.<field>). */
export const destinationCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name', 'config'],
  properties: { kind: { type: 'string', enum: kinds }, name, config: { type: 'object' } },
  allOf: [...DESTINATION_KINDS.values()].map((k) => ({
    if: { properties: { kind: { const: k.kind } }, required: ['kind'] },
    then: { properties: { config: k.configSchema } },
  })),
} as const;

/** A change: `config` fields are merged over the stored ones (omit a secret to keep it; null removes an optional field). */
export const destinationPatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { name, config: { type: 'object' } },
} as const;

function csv(w: readonly string[]) {
  return { type: 'string', maxLength: 256, pattern: `^(${w.join('|')})(,(${w.join('|')}))*$`, description: `comma-separated: ${w.join(', ')}` } as const;
}

const limit = { type: 'string', pattern: '^[0-9]{1,4}$', description: 'page size 1–1000, default 100' } as const;
const cursor = { type: 'string', pattern: '^[1-9][0-9]{0,14}$', description: 'nextCursor of the previous page' } as const;

/** GET /api/v1/alerts: `status` keeps alerts having a delivery in one of those statuses. */
export const alertQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: csv(DELIVERY_STATUSES),
    ruleId: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' },
    state: csv(ALERT_STATES),
    assignee: { type: 'string', pattern: '^(me|none|[1-9][0-9]{0,14})$', description: 'a user id, me (the caller) or none (unassigned)' },
    limit,
    cursor,
  },
} as const;

/** PATCH /api/v1/alerts/:id: the workflow of a fired alert (state, assignee, note). */
export const alertWorkflowPatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    state: { type: 'string', enum: [...ALERT_STATES] },
    assigneeId: { type: ['integer', 'null'], minimum: 1, maximum: 999_999_999_999_999 },
    note: text(2000),
  },
} as const;

// ---- responses of the alerts routes (strict: what is not listed here is not sent) ----------------------------------

const nullable = (t: 'string' | 'integer') => ({ type: [t, 'null'] }) as const;
const strictObject = <P extends Record<string, unknown>>(properties: P) => ({ type: 'object', additionalProperties: false, required: Object.keys(properties), properties }) as const;

/** One delivery of an alert, as the alert lists it. */
export const alertDeliverySchema = strictObject({
  id: { type: 'integer' },
  destinationId: { type: 'integer' },
  destinationName: nullable('string'),
  destinationKind: nullable('string'),
  status: { type: 'string', enum: [...DELIVERY_STATUSES] },
  attempts: { type: 'integer' },
  lastError: nullable('string'),
  nextAttemptAt: nullable('string'),
  sentAt: nullable('string'),
});

const alertProperties = {
  id: { type: 'integer' },
  ruleId: nullable('integer'),
  groupKey: { type: 'string' },
  payload: { type: 'object', additionalProperties: true, description: 'what the deliveries carry: title, severity, findings, scan… (AlertPayload)' },
  createdAt: { type: 'string' },
  state: { type: 'string', enum: [...ALERT_STATES] },
  assigneeId: nullable('integer'),
  assigneeName: nullable('string'),
  note: nullable('string'),
  changedBy: nullable('string'),
  changedAt: nullable('string'),
  deliveryStatus: { type: 'string', enum: [...OVERALL_DELIVERY_STATUSES], description: 'dead, failed or pending if any delivery is (in that order), sent when all are, none without deliveries' },
  deliveries: { type: 'array', items: alertDeliverySchema },
} as const;

/** A fired alert in the list: one rule firing for one group key on one scan, with its deliveries. */
export const alertSchema = strictObject(alertProperties);

export const alertListSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: { items: { type: 'array', items: alertSchema }, nextCursor: { type: 'string' } },
} as const;

const stateEventSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'actor', 'at', 'fromState', 'state', 'fromAssigneeId', 'assigneeId', 'note'],
  properties: {
    id: { type: 'integer' },
    actor: { type: 'string' },
    at: { type: 'string' },
    fromState: { type: 'string', enum: [...ALERT_STATES] },
    state: { type: 'string', enum: [...ALERT_STATES] },
    fromAssigneeId: nullable('integer'),
    assigneeId: nullable('integer'),
    note: nullable('string'),
    names: { type: 'object', additionalProperties: false, properties: { actor: { type: 'string' }, fromAssignee: { type: 'string' }, assignee: { type: 'string' } } },
  },
} as const;

/** One alert with its deliveries and the history of its workflow, oldest first. */
export const alertDetailSchema = strictObject({ ...alertProperties, history: { type: 'array', items: stateEventSchema } });

export const deadLetterQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { retried: { type: 'string', enum: ['true', 'false'] }, limit, cursor },
} as const;

export const silenceQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { active: { type: 'string', enum: ['true', 'false'] } },
} as const;

export const alertIdParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,14}$', description: 'numeric id' } },
} as const;

/** For check.ts: the schemas above as its JsonSchema type. */
export const S = {
  ruleCreate: ruleCreateSchema as unknown as JsonSchema,
  rulePatch: rulePatchSchema as unknown as JsonSchema,
  silenceCreate: silenceCreateSchema as unknown as JsonSchema,
  allowlistCreate: allowlistCreateSchema as unknown as JsonSchema,
  destinationBase: { type: 'object', additionalProperties: false, required: ['kind', 'name', 'config'], properties: destinationCreateSchema.properties } as unknown as JsonSchema,
  destinationPatch: destinationPatchSchema as unknown as JsonSchema,
  alertWorkflowPatch: alertWorkflowPatchSchema as unknown as JsonSchema,
};
