import { CAN_TRIAGE, READ_ROLES } from '../server/auth.js';
import { principal, type ApiModule, type Principal } from '../server/context.js';
import { bearer, errorResponses } from '../server/schemas.js';
import { formatOf } from './formats.js';
import { renderReport } from './generate.js';
import { normalizeRequest, ReportRepository, visibleTo, type ScheduleInput, type StoredReport } from './repository.js';
import { generateBodySchema, idParams, listReportsQuerySchema, scheduleBodySchema, schedulePatchSchema } from './schemas.js';

interface GenerateBody {
  scope: unknown;
  kind: string;
  format: string;
  framework?: string;
}

/** `attachment; filename="…"` (names are ASCII by construction; anything else is replaced). */
function disposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

function canSee(p: Principal, owner: number[] | null): boolean {
  return visibleTo(p.assetGroups, owner);
}

/**
 * On-demand reports (generate, list, metadata, download) and report schedules. Every role may generate and
 * download; schedules are changed by analysts and admins. A report or schedule limited to asset groups is shown
 * only to callers who may see all of those groups; another tenant's ids answer 404 like missing ones.
 */
export const reportsModule: ApiModule = {
  name: 'reports',
  async register(app, ctx) {
    const repo = new ReportRepository(ctx.store.sql);
    const publicReport = (r: StoredReport) => ({ ...r, downloadUrl: `/api/v1/reports/${r.id}/download` });

    app.post<{ Body: GenerateBody }>(
      '/api/v1/reports',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: { summary: 'Generate a report now (PDF, XLSX or DOCX) for a scope and kind', tags: ['reports'], security: bearer, body: generateBodySchema, response: errorResponses },
      },
      async (req, reply) => {
        const p = principal(req);
        const request = await normalizeRequest(req.body);
        const format = formatOf(req.body.format);
        const { report } = await renderReport(ctx.store, p.tenant, request, format, { now: new Date(), actor: p.actor, ...(p.assetGroups !== undefined ? { assetGroups: p.assetGroups } : {}) });
        const stored = await repo.insertReport(p.tenant, report);
        await ctx.audit(p, 'report.generate', `report:${stored.id}`, { kind: stored.kind, format: stored.format, scope: request.scope, framework: request.framework, sizeBytes: stored.sizeBytes });
        return reply.code(201).send(publicReport(stored));
      },
    );

    app.get<{ Querystring: { limit?: string; cursor?: string; scheduleId?: string } }>(
      '/api/v1/reports',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: { summary: "The tenant's reports, newest first (those the caller's asset groups allow)", tags: ['reports'], security: bearer, querystring: listReportsQuerySchema, response: errorResponses },
      },
      async (req, reply) => {
        const p = principal(req);
        const limit = req.query.limit === undefined ? 50 : Number(req.query.limit);
        if (limit < 1 || limit > 200) return ctx.send(reply, 400, 'querystring/limit: expected 1–200');
        const page = await repo.listReports(p.tenant, {
          limit,
          cursor: req.query.cursor === undefined ? undefined : Number(req.query.cursor),
          scheduleId: req.query.scheduleId === undefined ? undefined : Number(req.query.scheduleId),
        });
        const items = page.items.filter((r) => canSee(p, r.assetGroups)).map(publicReport);
        return page.nextCursor === undefined ? { items } : { items, nextCursor: String(page.nextCursor) };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/reports/:id',
      { onRequest: ctx.requireRole(READ_ROLES), schema: { summary: "One report's metadata and summary counts", tags: ['reports'], security: bearer, params: idParams, response: errorResponses } },
      async (req, reply) => {
        const p = principal(req);
        const r = await repo.getReport(p.tenant, Number(req.params.id));
        if (!r || !canSee(p, r.assetGroups)) return ctx.send(reply, 404, `no report ${req.params.id}`);
        return publicReport(r);
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/reports/:id/download',
      { onRequest: ctx.requireRole(READ_ROLES), schema: { summary: 'The report file', tags: ['reports'], security: bearer, params: idParams, response: errorResponses } },
      async (req, reply) => {
        const p = principal(req);
        const id = Number(req.params.id);
        const r = await repo.getReport(p.tenant, id);
        const content = r && canSee(p, r.assetGroups) ? await repo.reportContent(p.tenant, id) : undefined;
        if (!r || !content) return ctx.send(reply, 404, `no report ${req.params.id}`);
        return reply
          .type(r.contentType)
          .header('content-disposition', disposition(r.filename))
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, no-store')
          .header('etag', `"${r.sha256}"`)
          .send(content);
      },
    );

    app.delete<{ Params: { id: string } }>(
      '/api/v1/reports/:id',
      {
        onRequest: ctx.requireRole(CAN_TRIAGE),
        schema: { summary: 'Delete a report', tags: ['reports'], security: bearer, params: idParams, response: { ...errorResponses, 204: { type: 'null' } } },
      },
      async (req, reply) => {
        const p = principal(req);
        const r = await repo.getReport(p.tenant, Number(req.params.id));
        if (!r || !canSee(p, r.assetGroups) || !(await repo.deleteReport(p.tenant, r.id))) return ctx.send(reply, 404, `no report ${req.params.id}`);
        await ctx.audit(p, 'report.delete', `report:${r.id}`, { filename: r.filename });
        return reply.code(204).send();
      },
    );

    // ------------------------------------------------------------ schedules

    app.post<{ Body: ScheduleInput }>(
      '/api/v1/report-schedules',
      {
        onRequest: ctx.requireRole(CAN_TRIAGE),
        schema: { summary: 'Create a daily, weekly or monthly report schedule (UTC)', tags: ['reports'], security: bearer, body: scheduleBodySchema, response: errorResponses },
      },
      async (req, reply) => {
        const p = principal(req);
        const s = await repo.createSchedule(p.tenant, req.body, { now: new Date(), actor: p.actor, ...(p.assetGroups !== undefined ? { assetGroups: p.assetGroups } : {}) });
        await ctx.audit(p, 'report.schedule.create', `report-schedule:${s.id}`, { name: s.name, request: s.request, format: s.format, cadence: s.cadence });
        return reply.code(201).send(s);
      },
    );

    app.get(
      '/api/v1/report-schedules',
      { onRequest: ctx.requireRole(CAN_TRIAGE), schema: { summary: "The tenant's report schedules", tags: ['reports'], security: bearer, response: errorResponses } },
      async (req) => {
        const p = principal(req);
        return { items: (await repo.listSchedules(p.tenant)).filter((s) => canSee(p, s.assetGroups)) };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/report-schedules/:id',
      { onRequest: ctx.requireRole(CAN_TRIAGE), schema: { summary: 'One report schedule', tags: ['reports'], security: bearer, params: idParams, response: errorResponses } },
      async (req, reply) => {
        const p = principal(req);
        const s = await repo.getSchedule(p.tenant, Number(req.params.id));
        if (!s || !canSee(p, s.assetGroups)) return ctx.send(reply, 404, `no report schedule ${req.params.id}`);
        return s;
      },
    );

    app.patch<{ Params: { id: string }; Body: Partial<ScheduleInput> }>(
      '/api/v1/report-schedules/:id',
      {
        onRequest: ctx.requireRole(CAN_TRIAGE),
        schema: { summary: 'Change a report schedule (any subset of its fields)', tags: ['reports'], security: bearer, params: idParams, body: schedulePatchSchema, response: errorResponses },
      },
      async (req, reply) => {
        const p = principal(req);
        const id = Number(req.params.id);
        const cur = await repo.getSchedule(p.tenant, id);
        if (!cur || !canSee(p, cur.assetGroups)) return ctx.send(reply, 404, `no report schedule ${req.params.id}`);
        const s = await repo.updateSchedule(p.tenant, id, req.body, new Date());
        if (!s) return ctx.send(reply, 404, `no report schedule ${req.params.id}`);
        await ctx.audit(p, 'report.schedule.update', `report-schedule:${id}`, { changed: Object.keys(req.body).sort() });
        return s;
      },
    );

    app.delete<{ Params: { id: string } }>(
      '/api/v1/report-schedules/:id',
      {
        onRequest: ctx.requireRole(CAN_TRIAGE),
        schema: { summary: 'Delete a report schedule (its reports stay)', tags: ['reports'], security: bearer, params: idParams, response: { ...errorResponses, 204: { type: 'null' } } },
      },
      async (req, reply) => {
        const p = principal(req);
        const id = Number(req.params.id);
        const cur = await repo.getSchedule(p.tenant, id);
        if (!cur || !canSee(p, cur.assetGroups) || !(await repo.deleteSchedule(p.tenant, id))) return ctx.send(reply, 404, `no report schedule ${req.params.id}`);
        await ctx.audit(p, 'report.schedule.delete', `report-schedule:${id}`, { name: cur.name });
        return reply.code(204).send();
      },
    );
  },
};
