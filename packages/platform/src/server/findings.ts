import type { Severity } from '@bulwark/core';
import type { FindingFilter, FindingInput, FindingSortKey, FindingStatus, FindingType, ManualStatus, ScanInput } from '../storage/types.js';
import { CAN_INGEST, CAN_TRIAGE, READ_ROLES } from './auth.js';
import { principal, type ApiModule } from './context.js';
import { bearer, errorResponses, errorSchema, idParamsSchema, ingestBodySchema, listQuerySchema, statusBodySchema, summaryQuerySchema, trendsQuerySchema, type SORT_KEYS } from './schemas.js';

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
