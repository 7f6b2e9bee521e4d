import type { Severity } from '@bulwark/core';
import { BULK_STATUS_MAX, BULK_STATUS_MAX_IDS, FINDING_GROUP_BYS, type FindingFilter, type FindingGroupBy, type FindingInput, type FindingSortKey, type FindingStatus, type FindingType, type ManualStatus, type ScanInput } from '../storage/types.js';
import { CAN_INGEST, CAN_TRIAGE, READ_ROLES } from './auth.js';
import { principal, type ApiModule } from './context.js';
import { bearer, errorResponses, errorSchema, idParamsSchema, ingestBodySchema, listQuerySchema, statusBodySchema, summaryQuerySchema, trendsQuerySchema, type SORT_KEYS } from './schemas.js';

/** GET /findings/groups: the list's filters, what to group by, and keyset paging as the list. */
const groupsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['by'],
  properties: {
    ...summaryQuerySchema.properties,
    by: { type: 'string', enum: [...FINDING_GROUP_BYS], description: 'rule: vulnerability or rule id; package: purl (else name@version) from the finding payload; target: scan target' },
    limit: listQuerySchema.properties.limit,
    cursor: listQuerySchema.properties.cursor,
  },
} as const;

/** POST /findings/status: either `ids`, or `filter` (the list's query parameters, as strings) with `confirmCount`. */
const bulkStatusBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: {
    ids: {
      type: 'array',
      minItems: 1,
      maxItems: BULK_STATUS_MAX_IDS,
      items: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
      description: `finding ids (at most ${BULK_STATUS_MAX_IDS}); missing, foreign or out-of-scope ones come back in notFound`,
    },
    filter: { ...summaryQuerySchema, description: `the list's filters (query parameter values); at most ${BULK_STATUS_MAX} matching findings` },
    confirmCount: { type: 'integer', minimum: 0, maximum: BULK_STATUS_MAX, description: 'with filter: how many findings the client saw match; 409 when that changed' },
    ...statusBodySchema.properties,
  },
} as const;

function csv<T extends string>(v: string | undefined): T[] | undefined {
  return v === undefined ? undefined : ([...new Set(v.split(','))] as T[]);
}

interface FilterQuery {
  severity?: string;
  status?: string;
  type?: string;
  kev?: 'true' | 'false';
  fixAvailable?: 'true' | 'false';
  assetId?: string;
  target?: string;
  ruleId?: string;
  package?: string;
}

/** The store filter of a list or summary query, limited to the caller's asset groups. */
export function filterOf(q: FilterQuery, assetGroups: number[] | undefined): FindingFilter {
  return {
    severity: csv<Severity>(q.severity),
    status: csv<FindingStatus>(q.status),
    type: csv<FindingType>(q.type),
    kev: q.kev === undefined ? undefined : q.kev === 'true',
    fixAvailable: q.fixAvailable === undefined ? undefined : q.fixAvailable === 'true',
    assetId: q.assetId === undefined ? undefined : Number(q.assetId),
    target: q.target,
    ruleId: q.ruleId,
    package: q.package,
    assetGroups,
  };
}

/** Scan upload and the findings list, detail and triage. */
export const findingsModule: ApiModule = {
  name: 'findings',
  async register(app, ctx) {
    const { store } = ctx;

    app.post<{ Body: { scan: ScanInput; findings: FindingInput[] } }>(
      '/api/v1/scans',
      {
        onRequest: ctx.requireRole(CAN_INGEST),
        schema: {
          summary: 'Upload one scan and its findings (idempotent by scan.id); 202 when queued for workers',
          tags: ['findings'],
          security: bearer,
          body: ingestBodySchema,
          response: { ...errorResponses, 413: errorSchema },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const r = await ctx.ingest.submit(p.tenant, req.body.scan, req.body.findings);
        if (r.queued) {
          await ctx.audit(p, 'scan.queue', `scan:${r.scanId}`, { findings: req.body.findings.length });
          return reply.code(202).send({ scanId: r.scanId, queued: true });
        }
        const res = r.result;
        if (!res.duplicate) ctx.metrics.ingested.inc(res.counts.findings);
        await ctx.audit(p, 'scan.ingest', `scan:${res.scanId}`, { duplicate: res.duplicate, counts: res.counts });
        return reply
          .code(res.duplicate ? 200 : 201)
          .send({ scanId: res.scanId, duplicate: res.duplicate, counts: res.counts, newIds: res.newIds, reopenedIds: res.reopenedIds, fixedIds: res.fixedIds });
      },
    );

    app.get<{
      Querystring: FilterQuery & {
        sort?: (typeof SORT_KEYS)[number];
        dir?: 'asc' | 'desc';
        limit?: string;
        cursor?: string;
      };
    }>(
      '/api/v1/findings',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: { summary: "List the caller's tenant's findings (scoped to the caller's asset groups)", tags: ['findings'], security: bearer, querystring: listQuerySchema, response: errorResponses },
      },
      async (req) => {
        const p = principal(req);
        const q = req.query;
        const filter = filterOf(q, p.assetGroups);
        const sort = { by: (q.sort ?? 'priority') as FindingSortKey, dir: q.dir ?? 'desc' };
        const page = await store.listFindings(p.tenant, filter, sort, { limit: q.limit === undefined ? undefined : Number(q.limit), cursor: q.cursor });
        return page.nextCursor === undefined ? { items: page.items } : { items: page.items, nextCursor: page.nextCursor };
      },
    );

    app.get<{ Querystring: FilterQuery }>(
      '/api/v1/findings/summary',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: { summary: 'Counts of the matching findings by severity, status and type (same filters as the list)', tags: ['findings'], security: bearer, querystring: summaryQuerySchema, response: errorResponses },
      },
      async (req) => {
        const p = principal(req);
        return store.summarizeFindings(p.tenant, filterOf(req.query, p.assetGroups));
      },
    );

    app.get<{ Querystring: FilterQuery & { days?: string } }>(
      '/api/v1/findings/trends',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: {
          summary: 'Per day of the last `days` (default 30): findings first seen, fixed, and unresolved at the day\'s end (same filters as the list)',
          tags: ['findings'],
          security: bearer,
          querystring: trendsQuerySchema,
          response: errorResponses,
        },
      },
      async (req) => {
        const p = principal(req);
        const { days, ...q } = req.query;
        return { points: await store.findingTrends(p.tenant, days === undefined ? 30 : Number(days), new Date(), filterOf(q, p.assetGroups)) };
      },
    );

    app.get<{ Querystring: FilterQuery & { by: FindingGroupBy; limit?: string; cursor?: string } }>(
      '/api/v1/findings/groups',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: {
          summary:
            'The matching findings grouped by rule, package or target (same filters and scope as the list): count, counts by severity, max priority, any KEV, any fix, and a title per rule; by max priority then count, keyset-paged',
          tags: ['findings'],
          security: bearer,
          querystring: groupsQuerySchema,
          response: errorResponses,
        },
      },
      async (req) => {
        const p = principal(req);
        const { by, limit, cursor, ...q } = req.query;
        const page = await store.groupFindings(p.tenant, by, filterOf(q, p.assetGroups), { limit: limit === undefined ? undefined : Number(limit), cursor });
        return page.nextCursor === undefined ? { items: page.items } : { items: page.items, nextCursor: page.nextCursor };
      },
    );

    app.post<{ Body: { ids?: number[]; filter?: FilterQuery; confirmCount?: number; status: ManualStatus; reason?: string; owner?: string; expiresAt?: string } }>(
      '/api/v1/findings/status',
      {
        onRequest: ctx.requireRole(CAN_TRIAGE),
        schema: {
          summary: `Suppress, risk-accept or reopen many findings in one transaction (audited): listed ids, or every finding matching a filter when its count still equals confirmCount (else 409)`,
          tags: ['findings'],
          security: bearer,
          body: bulkStatusBodySchema,
          response: { ...errorResponses, 409: errorSchema, 413: errorSchema },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const { ids, filter, confirmCount, ...change } = req.body;
        if ((ids === undefined) === (filter === undefined)) return ctx.send(reply, 400, 'body: give either "ids" or "filter" (with "confirmCount")');
        if (filter !== undefined && confirmCount === undefined) return ctx.send(reply, 400, 'body: missing required field "confirmCount" (the count of findings the filter matched when shown)');
        if (ids !== undefined && confirmCount !== undefined) return ctx.send(reply, 400, 'body: "confirmCount" goes with "filter", not "ids"');
        // Listed ids are limited to the caller's scope like the filter: the rest are reported as not found.
        const selection = ids !== undefined ? { ids, filter: { assetGroups: p.assetGroups } } : { filter: filterOf(filter!, p.assetGroups), expectedCount: confirmCount! };
        // The store appends the `finding.status.bulk` audit records in the same transaction when given an actor.
        const r = await store.setFindingsStatus(p.tenant, selection, { ...change, actor: p.actor });
        if (r.countMismatch) {
          return ctx.send(reply, 409, `the filter now matches ${r.countMismatch.actual} findings, not confirmCount ${r.countMismatch.expected}: nothing was changed; show the findings again and confirm`);
        }
        return { changed: r.changed.length, ids: r.changed, notFound: r.notFound };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/findings/:id',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: { summary: 'One finding (404 when missing, of another tenant or outside the caller\'s asset groups)', tags: ['findings'], security: bearer, params: idParamsSchema, response: errorResponses },
      },
      async (req, reply) => {
        const p = principal(req);
        const f = await store.getFinding(p.tenant, Number(req.params.id));
        if (!f || !(await visible(p, p.assetGroups, f.asset.id))) return ctx.send(reply, 404, `no finding ${req.params.id}`);
        return f;
      },
    );

    app.patch<{ Params: { id: string }; Body: { status: ManualStatus; reason?: string; owner?: string; expiresAt?: string } }>(
      '/api/v1/findings/:id/status',
      {
        onRequest: ctx.requireRole(CAN_TRIAGE),
        schema: {
          summary: 'Suppress, risk-accept or reopen a finding (audited)',
          tags: ['findings'],
          security: bearer,
          params: idParamsSchema,
          body: statusBodySchema,
          response: errorResponses,
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const id = Number(req.params.id);
        const existing = await store.getFinding(p.tenant, id);
        if (!existing || !(await visible(p, p.assetGroups, existing.asset.id))) return ctx.send(reply, 404, `no finding ${req.params.id}`);
        // The store appends the `finding.status` audit record in the same transaction when given an actor.
        const f = await store.setFindingStatus(p.tenant, id, { ...req.body, actor: p.actor });
        return f ?? ctx.send(reply, 404, `no finding ${req.params.id}`);
      },
    );

    /** Whether an asset is inside the caller's scope (always, when unscoped). */
    async function visible(p: { tenant: number }, groups: number[] | undefined, assetId: number): Promise<boolean> {
      if (groups === undefined) return true;
      if (groups.length === 0) return false;
      return store.assetInGroups(p.tenant, assetId, groups);
    }
  },
};
