import { SEVERITIES } from '@bulwark/core';
import { ASSET_KINDS } from '../storage/types.js';
import { READ_ROLES } from '../server/auth.js';
import { principal, type ApiModule, type Principal } from '../server/context.js';
import { bearer, errorResponses } from '../server/schemas.js';
import { normalizeScope } from '../reports/data.js';
import { scopeSchema } from '../reports/schemas.js';
import type { ReportScope } from '../reports/types.js';
import { complianceDetail, complianceOverview, frameworkId, frameworkIds, type ComplianceRequest } from './compliance.js';

interface ScopeQuery {
  scope?: 'tenant' | 'image' | 'cluster';
  target?: string;
  assetId?: string;
  name?: string;
}

const scopeQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    scope: { type: 'string', enum: ['tenant', 'image', 'cluster'], description: 'as the reports API: default tenant, or image when target/assetId is given, cluster when name is' },
    target: { type: 'string', minLength: 1, maxLength: 4096, description: 'image: the scanned image reference' },
    assetId: { type: 'string', pattern: '^[1-9][0-9]{0,14}$', description: 'image: the image asset id' },
    name: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$', description: 'cluster: its name, as in asset keys cluster/<name>/…' },
  },
} as const;

const frameworkParams = {
  type: 'object',
  additionalProperties: false,
  required: ['framework'],
  properties: { framework: { type: 'string', minLength: 1, maxLength: 64, description: 'cis-kubernetes, nsa-cisa, pci-dss, mlps-2.0, cis-docker (or an alias: mlps, 等保2.0, cis-k8s…)' } },
} as const;

const counts = {
  type: 'object',
  additionalProperties: false,
  required: ['pass', 'fail', 'notEvaluated', 'total'],
  properties: { pass: { type: 'integer' }, fail: { type: 'integer' }, notEvaluated: { type: 'integer' }, total: { type: 'integer' } },
} as const;

const frameworkInfo = {
  id: { type: 'string' },
  name: { type: 'string' },
  nameZh: { type: 'string' },
  version: { type: 'string' },
} as const;

const head = {
  scope: scopeSchema,
  scopeDescription: { type: 'string', description: 'which findings the scope selects' },
} as const;

const overviewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'scopeDescription', 'items'],
  properties: {
    ...head,
    items: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['id', 'name', 'version', 'summary'], properties: { ...frameworkInfo, summary: counts } },
    },
  },
} as const;

const controlSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'status', 'rules', 'open', 'excepted', 'fixed', 'failing'],
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    titleZh: { type: 'string' },
    status: { type: 'string', enum: ['pass', 'fail', 'not-evaluated'], description: 'fail: an open finding of its rules; pass: none open and resources of its rules\' classes were scanned; not-evaluated: no such evidence' },
    rules: { type: 'array', items: { type: 'string' } },
    open: { type: 'integer', description: 'open findings of its rules (all of them; failing lists at most 50)' },
    excepted: { type: 'integer', description: 'suppressed or risk-accepted findings of its rules' },
    fixed: { type: 'integer' },
    failing: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['findingId', 'ruleId', 'severity', 'resource', 'target'],
        properties: {
          findingId: { type: 'integer' },
          ruleId: { type: 'string' },
          severity: { type: 'string', enum: [...SEVERITIES] },
          resource: { type: 'string', description: 'asset key' },
          target: { type: 'string', description: 'scan target' },
          assetId: { type: 'integer' },
          assetKind: { type: 'string', enum: [...ASSET_KINDS] },
        },
      },
    },
  },
} as const;

const detailSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'scopeDescription', 'framework', 'summary', 'controls'],
  properties: {
    ...head,
    framework: { type: 'object', additionalProperties: false, required: ['id', 'name', 'version'], properties: frameworkInfo },
    summary: counts,
    controls: { type: 'array', items: controlSchema },
  },
} as const;

/** The report scope the query names (checked by the reports code: a bad combination is a 400 naming the field). */
function scopeOf(q: ScopeQuery): ReportScope {
  const type = q.scope ?? (q.target !== undefined || q.assetId !== undefined ? 'image' : q.name !== undefined ? 'cluster' : 'tenant');
  return normalizeScope({
    type,
    ...(q.target !== undefined ? { target: q.target } : {}),
    ...(q.assetId !== undefined ? { assetId: Number(q.assetId) } : {}),
    ...(q.name !== undefined ? { name: q.name } : {}),
  });
}

function request(p: Principal, q: ScopeQuery): ComplianceRequest {
  return { scope: scopeOf(q), now: new Date(), ...(p.assetGroups !== undefined ? { assetGroups: p.assetGroups } : {}) };
}

/**
 * Compliance posture per framework for every read role: the compliance report's control statuses (pass, fail, not
 * evaluated) and failing evidence, for the tenant or a report scope, limited to the caller's asset groups.
 */
export const complianceModule: ApiModule = {
  name: 'compliance',
  async register(app, ctx) {
    app.get<{ Querystring: ScopeQuery }>(
      '/api/v1/compliance',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: {
          summary: 'Every compliance framework with its pass / fail / not-evaluated control counts (tenant or a report scope)',
          tags: ['compliance'],
          security: bearer,
          querystring: scopeQuery,
          response: { 200: overviewSchema, ...errorResponses },
        },
      },
      async (req) => {
        const p = principal(req);
        return complianceOverview(ctx.store, p.tenant, request(p, req.query));
      },
    );

    app.get<{ Params: { framework: string }; Querystring: ScopeQuery }>(
      '/api/v1/compliance/:framework',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: {
          summary: "One framework's controls: status, rules, open / excepted / fixed counts and failing resources with their finding ids",
          tags: ['compliance'],
          security: bearer,
          params: frameworkParams,
          querystring: scopeQuery,
          response: { 200: detailSchema, ...errorResponses },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const id = await frameworkId(req.params.framework);
        if (id === undefined) return ctx.send(reply, 404, `no framework ${req.params.framework} (known: ${(await frameworkIds()).join(', ')})`);
        return complianceDetail(ctx.store, p.tenant, id, request(p, req.query));
      },
    );
  },
};
