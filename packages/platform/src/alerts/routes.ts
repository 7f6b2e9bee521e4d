// The alerts API: rules, destinations (+ test message), silences, allow-list, fired alerts (each with its
// deliveries and its workflow: state, assignee, note, history) and dead letters.
import { ExternalError, InputError } from '@bulwark/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_ONLY, CAN_TRIAGE, READ_ROLES } from '../server/auth.js';
import { principal, type ApiModule, type Principal } from '../server/context.js';
import { bearer, errorResponses, errorSchema } from '../server/schemas.js';
import type { TenantId } from '../storage/types.js';
import { destinationKind } from './destinations/registry.js';
import { AlertDispatcher, type DispatcherOptions } from './dispatcher.js';
import { createAlertListener, type AlertListenerOptions } from './listener.js';
import { AlertRepository, maskDestination } from './repository.js';
import {
  alertDetailSchema,
  alertIdParams,
  alertListSchema,
  alertQuerySchema,
  alertWorkflowPatchSchema,
  allowlistCreateSchema,
  deadLetterQuerySchema,
  destinationCreateSchema,
  destinationPatchSchema,
  ruleCreateSchema,
  rulePatchSchema,
  silenceCreateSchema,
  silenceQuerySchema,
} from './schemas.js';
import { ALERT_TRANSITIONS, type AlertPayload, type AlertRuleInput, type AlertState, type AlertWorkflowPatch, type AllowlistInput, type DeliveryStatus, type Destination, type DestinationInput, type SilenceInput } from './types.js';

export interface AlertsModuleOptions {
  /** Run a dispatcher in this process (started on register, stopped on app close): true or its options. Default off. */
  dispatcher?: boolean | DispatcherOptions;
  /**
   * Seals destination secrets at rest (≥ 32 random characters); the dispatcher gets the same key. Default: the
   * BULWARK_ALERT_SECRET_KEY environment variable, read at register time; unset = secrets stored as given.
   */
  secretKey?: string;
  /** Options of the ingest listener (clock, engine limits). */
  listener?: AlertListenerOptions;
}

type IdReq = { Params: { id: string } };

const tags = ['alerts'];
const withConflict = { ...errorResponses, 409: errorSchema } as const;

/** The payload of POST /alert-destinations/:id/test. */
export function testPayload(tenant: TenantId, d: Destination, now: Date): AlertPayload {
  return {
    version: 1,
    kind: 'test',
    tenant,
    rule: { id: 0, name: 'test' },
    groupKey: 'test',
    group: {},
    title: `Bulwark test message for destination "${d.name}"`,
    severity: 'low',
    total: 0,
    counts: { new: 0, reopened: 0, fixed: 0 },
    findings: [],
    suppressedSince: 0,
    scan: { id: 'test', target: '-', kind: 'test' },
    createdAt: now.toISOString(),
  };
}

/**
 * The alerts module. Registers the ingest listener (rules are evaluated after every committed ingest) and, when
 * asked, a dispatcher that sends the queued deliveries from this process.
 */
export function createAlertsModule(opts: AlertsModuleOptions = {}): ApiModule {
  return {
    name: 'alerts',
    async register(app, ctx) {
      const secretKey = opts.secretKey ?? (process.env.BULWARK_ALERT_SECRET_KEY || undefined);
      const repo = new AlertRepository(ctx.store, { secretKey });
      ctx.onIngested(createAlertListener(ctx.store, opts.listener));
      if (opts.dispatcher) {
        const dOpts = opts.dispatcher === true ? {} : opts.dispatcher;
        const dispatcher = new AlertDispatcher(ctx.store, {
          secretKey,
          onError: (err) => app.log.error({ err }, 'alert dispatcher round failed'),
          ...dOpts,
        });
        app.addHook('onReady', async () => dispatcher.start());
        app.addHook('onClose', async () => dispatcher.stop());
      }

      const read = { onRequest: ctx.requireRole(READ_ROLES) };
      const triage = { onRequest: ctx.requireRole(CAN_TRIAGE) };
      const admin = { onRequest: ctx.requireRole(ADMIN_ONLY) };
      const id = (req: FastifyRequest<IdReq>) => Number(req.params.id);
      const notFound = (reply: FastifyReply, what: string, req: FastifyRequest<IdReq>) => ctx.send(reply, 404, `no ${what} ${req.params.id}`);
      /** Delivery payloads list findings of any asset: callers scoped to asset groups may not read them. */
      const unscoped = (p: Principal, reply: FastifyReply) =>
        p.assetGroups === undefined ? undefined : ctx.send(reply, 403, 'alerts list findings of the whole tenant; a caller scoped to asset groups may not read them');

      // ---- rules -----------------------------------------------------------------------------------------------------

      app.get('/api/v1/alert-rules', { ...read, schema: { summary: 'List alert rules', tags, security: bearer, response: errorResponses } }, async (req) => ({
        items: await repo.listRules(principal(req).tenant),
      }));

      app.post<{ Body: AlertRuleInput }>(
        '/api/v1/alert-rules',
        { ...triage, schema: { summary: 'Create an alert rule', tags, security: bearer, body: ruleCreateSchema, response: errorResponses } },
        async (req, reply) => {
          const p = principal(req);
          const r = await repo.createRule(p.tenant, req.body);
          await ctx.audit(p, 'alert.rule.create', `alert-rule:${r.id}`, { name: r.name });
          return reply.code(201).send(r);
        },
      );

      app.get<IdReq>('/api/v1/alert-rules/:id', { ...read, schema: { summary: 'One alert rule', tags, security: bearer, params: alertIdParams, response: errorResponses } }, async (req, reply) => {
        return (await repo.getRule(principal(req).tenant, id(req))) ?? notFound(reply, 'alert rule', req);
      });

      app.patch<IdReq & { Body: Partial<AlertRuleInput> }>(
        '/api/v1/alert-rules/:id',
        { ...triage, schema: { summary: 'Change an alert rule (given fields replace the stored ones)', tags, security: bearer, params: alertIdParams, body: rulePatchSchema, response: errorResponses } },
        async (req, reply) => {
          const p = principal(req);
          const r = await repo.updateRule(p.tenant, id(req), req.body);
          if (!r) return notFound(reply, 'alert rule', req);
          await ctx.audit(p, 'alert.rule.update', `alert-rule:${r.id}`, { fields: Object.keys(req.body).sort() });
          return r;
        },
      );

      app.delete<IdReq>(
        '/api/v1/alert-rules/:id',
        { ...triage, schema: { summary: 'Delete an alert rule (its past deliveries stay)', tags, security: bearer, params: alertIdParams, response: errorResponses } },
        async (req, reply) => {
          const p = principal(req);
          if (!(await repo.deleteRule(p.tenant, id(req)))) return notFound(reply, 'alert rule', req);
          await ctx.audit(p, 'alert.rule.delete', `alert-rule:${req.params.id}`);
          return reply.code(204).send();
        },
      );

      // ---- destinations ----------------------------------------------------------------------------------------------

      app.get(
        '/api/v1/alert-destinations',
        { ...read, schema: { summary: 'List alert destinations (secrets masked)', tags, security: bearer, response: errorResponses } },
        async (req) => ({ items: (await repo.listDestinations(principal(req).tenant)).map(maskDestination) }),
      );

      app.post<{ Body: DestinationInput }>(
        '/api/v1/alert-destinations',
        {
          ...admin,
          schema: {
            summary: 'Create an alert destination: webhook, slack, dingtalk, wecom, feishu, email, syslog or cef. The server will connect to whatever host is configured.',
            tags,
            security: bearer,
            body: destinationCreateSchema,
            response: errorResponses,
          },
        },
        async (req, reply) => {
          const p = principal(req);
          const d = await repo.createDestination(p.tenant, req.body);
          await ctx.audit(p, 'alert.destination.create', `alert-destination:${d.id}`, { kind: d.kind, name: d.name });
          return reply.code(201).send(maskDestination(d));
        },
      );

      app.get<IdReq>(
        '/api/v1/alert-destinations/:id',
        { ...read, schema: { summary: 'One alert destination (secrets masked)', tags, security: bearer, params: alertIdParams, response: errorResponses } },
        async (req, reply) => {
          const d = await repo.getDestination(principal(req).tenant, id(req));
          return d ? maskDestination(d) : notFound(reply, 'alert destination', req);
        },
      );

      app.patch<IdReq & { Body: { name?: string; config?: Record<string, unknown> } }>(
        '/api/v1/alert-destinations/:id',
        {
          ...admin,
          schema: {
            summary: 'Rename or change config fields (omitted secrets are kept; null removes an optional field)',
            tags,
            security: bearer,
            params: alertIdParams,
            body: destinationPatchSchema,
            response: errorResponses,
          },
        },
        async (req, reply) => {
          const p = principal(req);
          const d = await repo.updateDestination(p.tenant, id(req), req.body);
          if (!d) return notFound(reply, 'alert destination', req);
          await ctx.audit(p, 'alert.destination.update', `alert-destination:${d.id}`, { name: d.name, configFields: Object.keys(req.body.config ?? {}).sort() });
          return maskDestination(d);
        },
      );

      app.delete<IdReq>(
        '/api/v1/alert-destinations/:id',
        { ...admin, schema: { summary: 'Delete a destination no rule uses (with its deliveries and dead letters)', tags, security: bearer, params: alertIdParams, response: withConflict } },
        async (req, reply) => {
          const p = principal(req);
          const r = await repo.deleteDestination(p.tenant, id(req));
          if (!r.ok && r.reason === 'missing') return notFound(reply, 'alert destination', req);
          if (!r.ok && r.reason === 'in-use') return ctx.send(reply, 409, `alert destination ${req.params.id} is used by rule(s) ${r.rules.map((n) => `"${n}"`).join(', ')}: remove it from them first`);
          await ctx.audit(p, 'alert.destination.delete', `alert-destination:${req.params.id}`);
          return reply.code(204).send();
        },
      );

      app.post<IdReq>(
        '/api/v1/alert-destinations/:id/test',
        {
          ...admin,
          schema: { summary: 'Send a test message now (502 with the reason when the destination refuses it)', tags, security: bearer, params: alertIdParams, response: { ...errorResponses, 502: errorSchema } },
        },
        async (req, reply) => {
          const p = principal(req);
          const d = await repo.getDestination(p.tenant, id(req));
          const kind = d && destinationKind(d.kind);
          if (!d || !kind) return notFound(reply, 'alert destination', req);
          const now = new Date();
          let error: string | undefined;
          try {
            await kind.send(d.config as never, testPayload(p.tenant, d, now), { timeoutMs: 10_000, now });
          } catch (e) {
            if (!(e instanceof ExternalError)) throw e;
            error = e.message;
          }
          await ctx.audit(p, 'alert.destination.test', `alert-destination:${d.id}`, { ok: error === undefined });
          return error === undefined ? { ok: true } : ctx.send(reply, 502, `test message not delivered: ${error}`);
        },
      );

      // ---- silences --------------------------------------------------------------------------------------------------

      app.get<{ Querystring: { active?: 'true' | 'false' } }>(
        '/api/v1/alert-silences',
        { ...read, schema: { summary: 'List silences (active=true: in force now)', tags, security: bearer, querystring: silenceQuerySchema, response: errorResponses } },
        async (req) => ({ items: await repo.listSilences(principal(req).tenant, { active: req.query.active === undefined ? undefined : req.query.active === 'true' }) }),
      );

      app.post<{ Body: SilenceInput }>(
        '/api/v1/alert-silences',
        { ...triage, schema: { summary: 'Silence matching findings until expiresAt', tags, security: bearer, body: silenceCreateSchema, response: errorResponses } },
        async (req, reply) => {
          const p = principal(req);
          const s = await repo.createSilence(p.tenant, req.body, p.actor);
          await ctx.audit(p, 'alert.silence.create', `alert-silence:${s.id}`, { expiresAt: s.expiresAt, reason: s.reason });
          return reply.code(201).send(s);
        },
      );

      app.get<IdReq>('/api/v1/alert-silences/:id', { ...read, schema: { summary: 'One silence', tags, security: bearer, params: alertIdParams, response: errorResponses } }, async (req, reply) => {
        return (await repo.getSilence(principal(req).tenant, id(req))) ?? notFound(reply, 'alert silence', req);
      });

      app.delete<IdReq>(
        '/api/v1/alert-silences/:id',
        { ...triage, schema: { summary: 'Delete a silence', tags, security: bearer, params: alertIdParams, response: errorResponses } },
        async (req, reply) => {
          const p = principal(req);
          if (!(await repo.deleteSilence(p.tenant, id(req)))) return notFound(reply, 'alert silence', req);
          await ctx.audit(p, 'alert.silence.delete', `alert-silence:${req.params.id}`);
          return reply.code(204).send();
        },
      );

      // ---- allow-list ------------------------------------------------------------------------------------------------

      app.get('/api/v1/alert-allowlist', { ...read, schema: { summary: 'List false-positive allow-list entries', tags, security: bearer, response: errorResponses } }, async (req) => ({
        items: await repo.listAllowlist(principal(req).tenant),
      }));

      app.post<{ Body: AllowlistInput }>(
        '/api/v1/alert-allowlist',
        {
          ...triage,
          schema: { summary: 'Never alert on a finding (fingerprint) or a finding rule, anywhere or on one asset', tags, security: bearer, body: allowlistCreateSchema, response: errorResponses },
        },
        async (req, reply) => {
          const p = principal(req);
          const e = await repo.createAllowlistEntry(p.tenant, req.body, p.actor);
          await ctx.audit(p, 'alert.allowlist.create', `alert-allowlist:${e.id}`, { ruleId: e.ruleId, assetKey: e.assetKey, fingerprint: e.fingerprint, reason: e.reason });
          return reply.code(201).send(e);
        },
      );

      app.get<IdReq>('/api/v1/alert-allowlist/:id', { ...read, schema: { summary: 'One allow-list entry', tags, security: bearer, params: alertIdParams, response: errorResponses } }, async (req, reply) => {
        return (await repo.getAllowlistEntry(principal(req).tenant, id(req))) ?? notFound(reply, 'allow-list entry', req);
      });

      app.delete<IdReq>(
        '/api/v1/alert-allowlist/:id',
        { ...triage, schema: { summary: 'Delete an allow-list entry', tags, security: bearer, params: alertIdParams, response: errorResponses } },
        async (req, reply) => {
          const p = principal(req);
          if (!(await repo.deleteAllowlistEntry(p.tenant, id(req)))) return notFound(reply, 'allow-list entry', req);
          await ctx.audit(p, 'alert.allowlist.delete', `alert-allowlist:${req.params.id}`);
          return reply.code(204).send();
        },
      );

      // ---- fired alerts and dead letters -------------------------------------------------------------------------------

      app.get<{ Querystring: { status?: string; ruleId?: string; state?: string; assignee?: string; limit?: string; cursor?: string } }>(
        '/api/v1/alerts',
        {
          ...read,
          schema: {
            summary:
              'Fired alerts, newest first, each with its deliveries (state: open, acknowledged, resolved; assignee: a user id, me or none; status: pending, failed, sent, dead = alerts having a delivery in it)',
            tags,
            security: bearer,
            querystring: alertQuerySchema,
            response: { 200: alertListSchema, ...errorResponses },
          },
        },
        async (req, reply) => {
          const p = principal(req);
          const denied = unscoped(p, reply);
          if (denied) return denied;
          const q = req.query;
          const status = q.status === undefined ? undefined : ([...new Set(q.status.split(','))] as DeliveryStatus[]);
          const state = q.state === undefined ? undefined : ([...new Set(q.state.split(','))] as AlertState[]);
          let assignee: number | 'none' | undefined;
          if (q.assignee === 'me') {
            if (p.userId === undefined) throw new InputError({ file: 'query', field: 'assignee', expected: 'a user id or none: "me" needs a caller signed in as a user (this token belongs to none)' });
            assignee = p.userId;
          } else if (q.assignee !== undefined) assignee = q.assignee === 'none' ? 'none' : Number(q.assignee);
          return repo.listAlerts(
            p.tenant,
            { status, ruleId: q.ruleId === undefined ? undefined : Number(q.ruleId), state, assignee },
            { limit: q.limit === undefined ? undefined : Number(q.limit), cursor: q.cursor },
          );
        },
      );

      app.get<IdReq>(
        '/api/v1/alerts/:id',
        {
          ...read,
          schema: {
            summary: 'One fired alert with its deliveries and the history of its workflow (state, assignee, notes), oldest first',
            tags,
            security: bearer,
            params: alertIdParams,
            response: { 200: alertDetailSchema, ...errorResponses },
          },
        },
        async (req, reply) => {
          const p = principal(req);
          const denied = unscoped(p, reply);
          if (denied) return denied;
          const a = await repo.getAlert(p.tenant, id(req));
          return a ? { ...a, history: await repo.alertHistory(p.tenant, a.id) } : notFound(reply, 'alert', req);
        },
      );

      app.patch<IdReq & { Body: AlertWorkflowPatch }>(
        '/api/v1/alerts/:id',
        {
          ...triage,
          schema: {
            summary: 'Acknowledge, resolve or reopen a fired alert, assign it (assigneeId: a user of the tenant, null unassigns) and/or add a note',
            tags,
            security: bearer,
            params: alertIdParams,
            body: alertWorkflowPatchSchema,
            response: { 200: alertDetailSchema, ...withConflict },
          },
        },
        async (req, reply) => {
          const p = principal(req);
          const denied = unscoped(p, reply);
          if (denied) return denied;
          const r = await repo.updateWorkflow(p.tenant, id(req), req.body, p.actor);
          if (!r.ok && r.reason === 'missing') return notFound(reply, 'alert', req);
          if (!r.ok && r.reason === 'transition') {
            return ctx.send(reply, 409, `alert ${req.params.id} is ${r.from}: it may become ${ALERT_TRANSITIONS[r.from].join(' or ')}, not ${r.to}`);
          }
          if (!r.ok) return ctx.send(reply, 409, `alert ${req.params.id} was changed meanwhile: reload it and try again`);
          if (r.event) {
            const e = r.event;
            await ctx.audit(p, 'alert.update', `alert:${r.alert.id}`, { fromState: e.fromState, state: e.state, fromAssigneeId: e.fromAssigneeId, assigneeId: e.assigneeId, note: e.note });
          }
          return { ...r.alert, history: await repo.alertHistory(p.tenant, r.alert.id) };
        },
      );

      app.get<{ Querystring: { retried?: 'true' | 'false'; limit?: string; cursor?: string } }>(
        '/api/v1/alert-dead-letters',
        { ...read, schema: { summary: 'Deliveries that failed for good, newest first', tags, security: bearer, querystring: deadLetterQuerySchema, response: errorResponses } },
        async (req, reply) => {
          const p = principal(req);
          const denied = unscoped(p, reply);
          if (denied) return denied;
          const q = req.query;
          return repo.listDeadLetters(p.tenant, { retried: q.retried === undefined ? undefined : q.retried === 'true' }, { limit: q.limit === undefined ? undefined : Number(q.limit), cursor: q.cursor });
        },
      );

      app.post<IdReq>(
        '/api/v1/alert-dead-letters/:id/retry',
        { ...triage, schema: { summary: 'Queue a dead letter again (once; attempts start over)', tags, security: bearer, params: alertIdParams, response: withConflict } },
        async (req, reply) => {
          const p = principal(req);
          const r = await repo.retryDeadLetter(p.tenant, id(req));
          if (!r.ok && r.reason === 'missing') return notFound(reply, 'dead letter', req);
          if (!r.ok) return ctx.send(reply, 409, `dead letter ${req.params.id} was already retried`);
          await ctx.audit(p, 'alert.dead-letter.retry', `alert-dead-letter:${req.params.id}`, { deliveryId: r.delivery.id });
          return { delivery: r.delivery };
        },
      );
    },
  };
}

/** The alerts module with defaults: listener on, no dispatcher in the API process, secrets stored as given. */
export const alertsModule: ApiModule = createAlertsModule();
