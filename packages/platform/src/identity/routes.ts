import rateLimit from '@fastify/rate-limit';
import { ROLES, type Role } from '../storage/types.js';
import { ADMIN_ONLY, READ_ROLES } from '../server/auth.js';
import { principal, type ApiModule } from '../server/context.js';
import { bearer, errorResponses, errorSchema, idParamsSchema } from '../server/schemas.js';
import type { OidcClient } from './oidc.js';
import type { IdentityRepository, User } from './repository.js';
import { clearSessionCookies, setSessionCookies, type CookieOptions } from './sessions.js';
import { registerTenantRoutes } from './tenants.js';

export interface IdentityModuleOptions {
  repo: IdentityRepository;
  cookies: CookieOptions;
  oidc?: OidcClient;
  /** Login attempts per client address per minute; default 10. */
  loginPerMinute?: number;
}

const slug = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'tenant slug' } as const;
const email = { type: 'string', minLength: 3, maxLength: 384 } as const;
const password = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const role = { type: 'string', enum: [...ROLES] } as const;
const groups = { type: 'array', maxItems: 1000, items: { type: 'integer', minimum: 1 } } as const;
const instant = { type: 'string', minLength: 1, maxLength: 64, description: 'ISO 8601 instant' } as const;

const loginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: { tenant: slug, email, password },
} as const;

const userBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'role'],
  properties: { email, name: { type: 'string', minLength: 1, maxLength: 256 }, role, password: { type: 'string', minLength: 12, maxLength: 1024 }, assetGroups: groups },
} as const;

const userPatch = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { name: { type: 'string', minLength: 1, maxLength: 256 }, role, disabled: { type: 'boolean' }, assetGroups: groups, password: { type: 'string', minLength: 12, maxLength: 1024 } },
} as const;

const tokenBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'role'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, role, expiresAt: instant },
} as const;

const auditQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    afterSeq: { type: 'string', pattern: '^[0-9]{1,15}$', description: 'seq of the last record of the previous page' },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'records per page, 1–1000, default 100' },
    q: { type: 'string', minLength: 1, maxLength: 200, description: 'case-insensitive substring of the action, actor, target or details' },
    action: { type: 'string', minLength: 1, maxLength: 200, description: 'exact action ("finding.status")' },
    actor: { type: 'string', minLength: 1, maxLength: 200, description: 'exact actor ("user:42", "token:ci-main")' },
  },
} as const;

const oidcLoginQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { tenant: slug, returnTo: { type: 'string', maxLength: 1024, pattern: '^/(?!/)[^\\\\]*$', description: 'path on this server to return to' } },
} as const;

const oidcCallbackQuery = {
  type: 'object',
  properties: { code: { type: 'string', maxLength: 4096 }, state: { type: 'string', maxLength: 512 }, error: { type: 'string', maxLength: 512 } },
} as const;

function publicUser(u: User) {
  return u;
}

/** Login (local and OIDC), sessions, the caller's identity, users, API tokens, tenants and the audit log. */
export function createIdentityModule(opts: IdentityModuleOptions): ApiModule {
  const { repo } = opts;
  return {
    name: 'identity',
    async register(app, ctx) {
      const { store } = ctx;
      await app.register(rateLimit, { global: false });

      async function tenantBySlug(s: string | undefined) {
        const tenants = await store.listTenants();
        if (s === undefined) return tenants.length === 1 ? tenants[0] : tenants.find((t) => t.slug === 'default');
        return tenants.find((t) => t.slug === s);
      }

      app.post<{ Body: { tenant?: string; email: string; password: string } }>(
        '/api/v1/auth/login',
        {
          config: { rateLimit: { max: opts.loginPerMinute ?? 10, timeWindow: 60_000 } },
          schema: { summary: 'Log in with e-mail and password: sets the session cookie, returns the CSRF token', tags: ['auth'], body: loginBody, response: { 400: errorSchema, 401: errorSchema, 429: errorSchema } },
        },
        async (req, reply) => {
          const tenant = await tenantBySlug(req.body.tenant);
          const refused = 'wrong tenant, e-mail or password, or the account is locked or disabled';
          if (!tenant) {
            await repo.login(0, req.body.email, req.body.password); // same cost as a real attempt
            return ctx.send(reply, 401, refused);
          }
          const r = await repo.login(tenant.id, req.body.email, req.body.password);
          if (!r.ok) {
            await store.appendAudit(tenant.id, { actor: 'anonymous', action: 'user.login.failed', details: { email: req.body.email.slice(0, 384).toLowerCase(), reason: r.reason, ip: req.ip } });
            return ctx.send(reply, 401, refused);
          }
          const s = await repo.createSession(r.user, { ip: req.ip, userAgent: req.headers['user-agent'] });
          setSessionCookies(reply, s, opts.cookies);
          await store.appendAudit(tenant.id, { actor: `user:${r.user.id}`, action: 'user.login', details: { method: 'password', ip: req.ip } });
          return { user: publicUser(r.user), tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name }, csrfToken: s.csrf, expiresAt: s.expiresAt };
        },
      );

      app.post(
        '/api/v1/auth/logout',
        { onRequest: ctx.requireRole(READ_ROLES), schema: { summary: 'End the current session', tags: ['auth'], security: bearer, response: { ...errorResponses, 204: { type: 'null' } } } },
        async (req, reply) => {
          const p = principal(req);
          if (req.sessionId !== undefined) await repo.revokeSession(req.sessionId);
          clearSessionCookies(reply, opts.cookies);
          await ctx.audit(p, 'user.logout');
          return reply.code(204).send();
        },
      );

      app.get('/api/v1/auth/me', { onRequest: ctx.requireRole(READ_ROLES), schema: { summary: 'Who the caller is', tags: ['auth'], security: bearer, response: errorResponses } }, async (req) => {
        const p = principal(req);
        const tenant = (await store.listTenants()).find((t) => t.id === p.tenant);
        const user = p.userId === undefined ? undefined : await repo.getUser(p.tenant, p.userId);
        return { tenant: tenant && { id: tenant.id, slug: tenant.slug, name: tenant.name }, role: p.role, actor: p.actor, via: p.via, user, assetGroups: p.assetGroups ?? null, oidc: opts.oidc !== undefined };
      });

      app.get(
        '/api/v1/auth/providers',
        {
          schema: {
            summary: 'How users may log in here (public: the login page asks before anyone is signed in)',
            tags: ['auth'],
            response: { 200: { type: 'object', additionalProperties: false, required: ['password', 'oidc'], properties: { password: { type: 'boolean' }, oidc: { type: 'boolean' } } } },
          },
        },
        async () => ({ password: true, oidc: opts.oidc !== undefined }),
      );

      app.get<{ Querystring: { tenant?: string; returnTo?: string } }>(
        '/api/v1/auth/oidc/login',
        { schema: { summary: 'Start an OpenID Connect login (redirects to the provider)', tags: ['auth'], querystring: oidcLoginQuery, response: { 400: errorSchema, 404: errorSchema } } },
        async (req, reply) => {
          if (!opts.oidc) return ctx.send(reply, 404, 'OIDC login is not configured on this server');
          const tenant = await tenantBySlug(req.query.tenant);
          if (!tenant) return ctx.send(reply, 400, `query/tenant: no tenant ${req.query.tenant ?? '(default)'}`);
          const start = await opts.oidc.start();
          await repo.saveOidcLogin(start.state, { tenant: tenant.id, nonce: start.nonce, codeVerifier: start.codeVerifier, returnTo: req.query.returnTo ?? '/' });
          return reply.redirect(start.url, 302);
        },
      );

      app.get<{ Querystring: { code?: string; state?: string; error?: string } }>(
        '/api/v1/auth/oidc/callback',
        { schema: { summary: 'OpenID Connect redirect target', tags: ['auth'], querystring: oidcCallbackQuery, response: { 400: errorSchema, 401: errorSchema, 404: errorSchema } } },
        async (req, reply) => {
          if (!opts.oidc) return ctx.send(reply, 404, 'OIDC login is not configured on this server');
          if (req.query.error) return ctx.send(reply, 401, `the identity provider refused the login: ${req.query.error}`);
          if (!req.query.state || !req.query.code) return ctx.send(reply, 400, 'query: expected code and state from the identity provider');
          const pending = await repo.takeOidcLogin(req.query.state);
          if (!pending) return ctx.send(reply, 400, 'query/state: unknown or expired login; start again');
          const callback = new URL(opts.oidc.opts.redirectUri);
          callback.search = new URL(req.url, 'http://x').search;
          let claims;
          try {
            claims = await opts.oidc.finish(callback, { state: req.query.state, ...pending });
          } catch (err) {
            req.log.warn({ err }, 'OIDC code exchange failed');
            return ctx.send(reply, 401, `OIDC login failed: ${(err as Error).message.slice(0, 200)}`);
          }
          const user = await repo.oidcUser(pending.tenant, claims, opts.oidc.opts.provisionRole);
          if (!user) {
            await store.appendAudit(pending.tenant, { actor: 'anonymous', action: 'user.login.failed', details: { method: 'oidc', issuer: claims.issuer, subject: claims.subject } });
            return ctx.send(reply, 401, 'this identity has no account on this tenant; ask an administrator');
          }
          const s = await repo.createSession(user, { ip: req.ip, userAgent: req.headers['user-agent'] });
          setSessionCookies(reply, s, opts.cookies);
          await store.appendAudit(pending.tenant, { actor: `user:${user.id}`, action: 'user.login', details: { method: 'oidc', issuer: claims.issuer, ip: req.ip } });
          return reply.redirect(pending.returnTo, 302);
        },
      );

      // ---------------------------------------------------------------- users
      app.get('/api/v1/users', { onRequest: ctx.requireRole(ADMIN_ONLY), schema: { summary: "The tenant's users", tags: ['users'], security: bearer, response: errorResponses } }, async (req) => ({
        items: (await repo.listUsers(principal(req).tenant)).map(publicUser),
      }));

      app.post<{ Body: { email: string; name?: string; role: Role; password?: string; assetGroups?: number[] } }>(
        '/api/v1/users',
        { onRequest: ctx.requireRole(ADMIN_ONLY), schema: { summary: 'Create a user (password for local login; none for OIDC-only)', tags: ['users'], security: bearer, body: userBody, response: errorResponses } },
        async (req, reply) => {
          const p = principal(req);
          const u = await repo.createUser(p.tenant, req.body);
          await ctx.audit(p, 'user.create', `user:${u.id}`, { email: u.email, role: u.role, assetGroups: u.assetGroups });
          return reply.code(201).send(publicUser(u));
        },
      );

      app.get<{ Params: { id: string } }>(
        '/api/v1/users/:id',
        { onRequest: ctx.requireRole(ADMIN_ONLY), schema: { summary: 'One user', tags: ['users'], security: bearer, params: idParamsSchema, response: errorResponses } },
        async (req, reply) => (await repo.getUser(principal(req).tenant, Number(req.params.id))) ?? ctx.send(reply, 404, `no user ${req.params.id}`),
      );

      app.patch<{ Params: { id: string }; Body: { name?: string; role?: Role; disabled?: boolean; assetGroups?: number[]; password?: string } }>(
        '/api/v1/users/:id',
        { onRequest: ctx.requireRole(ADMIN_ONLY), schema: { summary: "Change a user's name, role, scope, password or disable them (ends their sessions)", tags: ['users'], security: bearer, params: idParamsSchema, body: userPatch, response: errorResponses } },
        async (req, reply) => {
          const p = principal(req);
          const u = await repo.updateUser(p.tenant, Number(req.params.id), req.body);
          if (!u) return ctx.send(reply, 404, `no user ${req.params.id}`);
          const { password: pw, ...changed } = req.body;
          await ctx.audit(p, 'user.update', `user:${u.id}`, { ...changed, ...(pw !== undefined ? { password: 'changed' } : {}) });
          return publicUser(u);
        },
      );

      // ---------------------------------------------------------------- tokens
      app.get('/api/v1/tokens', { onRequest: ctx.requireRole(ADMIN_ONLY), schema: { summary: "The tenant's API tokens (never their secrets)", tags: ['tokens'], security: bearer, response: errorResponses } }, async (req) => ({
        items: await store.listApiTokens(principal(req).tenant),
      }));

      app.post<{ Body: { name: string; role: Role; expiresAt?: string } }>(
        '/api/v1/tokens',
        { onRequest: ctx.requireRole(ADMIN_ONLY), schema: { summary: 'Issue an API token for CI or an agent: the secret is in this response only', tags: ['tokens'], security: bearer, body: tokenBody, response: errorResponses } },
        async (req, reply) => {
          const p = principal(req);
          const t = await store.createApiToken(p.tenant, req.body);
          await ctx.audit(p, 'token.create', `token:${t.info.id}`, { name: t.info.name, role: t.info.role, expiresAt: t.info.expiresAt ?? null });
          return reply.code(201).send(t);
        },
      );

      app.delete<{ Params: { id: string } }>(
        '/api/v1/tokens/:id',
        { onRequest: ctx.requireRole(ADMIN_ONLY), schema: { summary: 'Revoke an API token', tags: ['tokens'], security: bearer, params: idParamsSchema, response: { ...errorResponses, 204: { type: 'null' } } } },
        async (req, reply) => {
          const p = principal(req);
          if (!(await store.revokeApiToken(p.tenant, Number(req.params.id)))) return ctx.send(reply, 404, `no live token ${req.params.id}`);
          await ctx.audit(p, 'token.revoke', `token:${req.params.id}`);
          return reply.code(204).send();
        },
      );

      // ---------------------------------------------------------------- tenants
      await registerTenantRoutes(app, ctx, repo);

      // ---------------------------------------------------------------- audit
      const AUDIT_READERS: readonly Role[] = ['admin', 'auditor'];
      app.get<{ Querystring: { afterSeq?: string; limit?: string; q?: string; action?: string; actor?: string } }>(
        '/api/v1/audit',
        {
          onRequest: ctx.requireRole(AUDIT_READERS),
          schema: { summary: "The tenant's audit log, oldest first; q, action and actor narrow it (pages of matches)", tags: ['audit'], security: bearer, querystring: auditQuery, response: errorResponses },
        },
        async (req) => {
          const q = req.query;
          const filter = { ...(q.q !== undefined ? { q: q.q } : {}), ...(q.action !== undefined ? { action: q.action } : {}), ...(q.actor !== undefined ? { actor: q.actor } : {}) };
          return { items: await store.listAudit(principal(req).tenant, { afterSeq: q.afterSeq === undefined ? undefined : Number(q.afterSeq), limit: q.limit === undefined ? undefined : Number(q.limit) }, filter) };
        },
      );

      app.get('/api/v1/audit/verify', { onRequest: ctx.requireRole(AUDIT_READERS), schema: { summary: "Recompute the tenant's audit hash chain", tags: ['audit'], security: bearer, response: errorResponses } }, async (req) =>
        store.verifyAuditChain(principal(req).tenant),
      );
    },
  };
}

export { generatePassword } from './password.js';
