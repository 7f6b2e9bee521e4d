import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import { resolve } from 'node:path';
import { ExternalError, InputError, LimitError } from '@bulwark/core';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Role, Store } from '../storage/types.js';
import { TokenRegistry, type AuthResult, type StaticToken } from './auth.js';
import { OidcClient, type OidcOptions } from '../identity/oidc.js';
import { IdentityRepository, type IdentityOptions } from '../identity/repository.js';
import { createIdentityModule } from '../identity/routes.js';
import { sessionAuthenticator } from '../identity/sessions.js';
import type { ApiContext, ApiModule, IngestQueue } from './context.js';
import { alertsModule } from '../alerts/routes.js';
import { assetsModule } from '../assets/routes.js';
import { complianceModule } from '../compliance/routes.js';
import { reportsModule } from '../reports/routes.js';
import { retentionModule } from '../retention/routes.js';
import { findingsModule } from './findings.js';
import { IngestPipeline, LocalIngestQueue } from './ingest.js';
import { createMetrics } from './metrics.js';

/** The API's route modules, one line each. */
const API_MODULES: readonly ApiModule[] = [findingsModule, assetsModule, alertsModule, reportsModule, complianceModule, retentionModule];

export interface ServerOptions {
  store: Store;
  /** Bearer tokens accepted by /api/v1 besides those the store issued (`createApiToken`). */
  tokens?: readonly StaticToken[];
  /** Fastify's logger option: false (default), true, or a pino configuration. */
  logger?: FastifyServerOptions['logger'];
  /** Largest request body in bytes; default 32 MiB. Larger bodies get 413. */
  bodyLimit?: number;
  /** Where uploads go; default in-process (stored before the reply). `bulwark server --nats` passes a JetStream queue. */
  ingest?: IngestQueue;
  /** Stores in-process uploads and notifies listeners; one is made when absent. */
  pipeline?: IngestPipeline;
  /** Users, sessions and login: password cost, lockout, session lifetime, cookies, an OIDC provider. */
  identity?: IdentityOptions & {
    oidc?: OidcOptions;
    /** `Secure` on cookies (default true; browsers accept it on http://localhost). */
    cookieSecure?: boolean;
    loginPerMinute?: number;
  };
  /** Directory of the built web console (packages/web/dist) served at `/`; none: API only. */
  consoleDir?: string;
  /** Route modules besides the built-in ones; one named like a built-in module replaces it. */
  modules?: readonly ApiModule[];
}

export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;


interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** "body/scan/startedAt must be string", naming an unknown field by its name. */
function validationMessage(err: FastifyError): string {
  const v = (err.validation as ValidationIssue[] | undefined)?.[0];
  if (!v) return err.message;
  const where = `${err.validationContext ?? 'request'}${v.instancePath}`;
  if (v.keyword === 'additionalProperties') return `${where}: unknown field "${String(v.params.additionalProperty)}"`;
  if (v.keyword === 'required') return `${where}: missing required field "${String(v.params.missingProperty)}"`;
  return `${where}: ${v.message ?? 'invalid'}`;
}

function send(reply: FastifyReply, statusCode: number, message: string): FastifyReply {
  const error = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 413: 'Payload Too Large', 429: 'Too Many Requests', 502: 'Bad Gateway', 503: 'Service Unavailable' }[statusCode] ?? (statusCode >= 500 ? 'Internal Server Error' : 'Error');
  return reply.code(statusCode).type('application/json; charset=utf-8').send({ statusCode, error, message });
}


/**
 * Builds the HTTP API over a store (routes registered, not listening). The caller owns the store and closes it;
 * `app.close()` leaves it open.
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const { store } = opts;
  const tokens = new TokenRegistry(opts.tokens ?? []);
  const metrics = createMetrics();
  const pipeline = opts.pipeline ?? new IngestPipeline(store);
  const identity = new IdentityRepository(store.sql, opts.identity);
  const sessions = sessionAuthenticator(identity);
  const identityModule = createIdentityModule({
    repo: identity,
    cookies: { secure: opts.identity?.cookieSecure ?? true },
    oidc: opts.identity?.oidc && new OidcClient(opts.identity.oidc),
    loginPerMinute: opts.identity?.loginPerMinute,
  });
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Unknown fields are refused (Fastify's default strips them) and no type is coerced in bodies.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    // `/__proto__` keys are refused by the JSON parser.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Bulwark platform API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'bulwark_session' } } },
    },
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? '(unmatched)';
    const labels = { method: req.method, route, status: String(reply.statusCode) };
    metrics.requests.inc(labels);
    metrics.duration.observe(labels, reply.elapsedTime / 1000);
  });

  // The console (a single-page app) is served from `consoleDir`: its files, and index.html for any other GET
  // outside /api so that deep links work; API paths keep their JSON 404.
  if (opts.consoleDir) {
    await app.register(fastifyStatic, {
      root: resolve(opts.consoleDir),
      wildcard: false,
      index: ['index.html'],
      cacheControl: false,
      // Vite names built assets by content hash: cache them for good; index.html always revalidates.
      setHeaders(res, path) {
        res.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    if (opts.consoleDir && (req.method === 'GET' || req.method === 'HEAD') && !path.startsWith('/api/') && !/\.[a-z0-9]{1,8}$/i.test(path)) {
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('index.html');
    }
    return send(reply, 404, `no route ${req.method} ${path.slice(0, 200)}`);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) return send(reply, 400, validationMessage(err));
    if (err instanceof LimitError) return send(reply, 413, err.message);
    if (err instanceof InputError) return send(reply, 400, err.message);
    if (err instanceof ExternalError && err.retryable) {
      req.log.warn({ err }, 'dependency unavailable');
      reply.header('retry-after', '1');
      return send(reply, 503, 'temporarily unavailable; retry');
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, 413, `request body exceeds the limit of ${opts.bodyLimit ?? DEFAULT_BODY_LIMIT} bytes`);
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    // Fastify's own client errors (malformed JSON, bad content type) carry their safe message.
    if (status >= 400 && status < 500) return send(reply, status, err.message);
    req.log.error({ err }, 'request failed');
    return send(reply, 500, 'internal error');
  });

  function requireRole(roles: readonly Role[]) {
    return async (req: FastifyRequest, reply: FastifyReply) => {
      const r = await authenticate(req);
      if (!r.ok) {
        if (r.status === 403) return send(reply, 403, r.message);
        reply.header('www-authenticate', 'Bearer');
        return send(reply, 401, r.message);
      }
      if (!roles.includes(r.principal.role)) return send(reply, 403, `role ${r.principal.role} may not do this`);
      req.principal = r.principal;
    };
  }

  async function authenticate(req: FastifyRequest): Promise<AuthResult> {
    if (req.headers.authorization === undefined) {
      const s = await sessions(req);
      if (s) return s;
    }
    return tokens.authenticate(req.headers.authorization, async (token) => {
      const t = await store.authenticateApiToken(token);
      return t && { tenant: t.tenant, role: t.role, actor: `token:${t.name}`, via: 'token' as const };
    });
  }

  const ctx: ApiContext = {
    store,
    identity,
    metrics,
    requireRole,
    send,
    ingest: opts.ingest ?? new LocalIngestQueue(pipeline),
    onIngested: (l) => pipeline.onIngested(l),
    async audit(p, action, target, details) {
      await store.appendAudit(p.tenant, { actor: p.actor, action, target, details });
    },
  };

  app.get('/healthz', { schema: { summary: 'Process is up', tags: ['ops'] } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { summary: 'Store is reachable', tags: ['ops'] } }, async (req, reply) => {
    try {
      return { status: 'ready', schemaVersion: await store.schemaVersion() };
    } catch (err) {
      req.log.warn({ err }, 'store not reachable');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['ops'] } }, async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // A given module replaces the built-in one of the same name (an alerts module with its own options, say).
  const given = new Map((opts.modules ?? []).map((m) => [m.name, m]));
  const modules = [identityModule, ...API_MODULES].map((m) => given.get(m.name) ?? m);
  for (const m of given.values()) if (!modules.includes(m)) modules.push(m);
  for (const m of modules) await m.register(app, ctx);

  await app.ready();
  return app;
}

export interface StartOptions extends ServerOptions {
  host: string;
  port: number;
}

/** Builds the server and listens; returns it with the bound address (port 0 picks a free port). */
export async function startServer(opts: StartOptions): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildServer(opts);
  const url = await app.listen({ host: opts.host, port: opts.port });
  return { app, url };
}
