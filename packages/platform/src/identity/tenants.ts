// Tenant administration: the platform tenant's admins list, create and rename every tenant; any other admin sees
// and renames only their own (README.md, "Platform administrators").
import type { FastifyInstance } from 'fastify';
import { ADMIN_ONLY } from '../server/auth.js';
import { principal, type ApiContext, type Principal } from '../server/context.js';
import { bearer, errorResponses, errorSchema } from '../server/schemas.js';
import { generatePassword } from './password.js';
import type { IdentityRepository } from './repository.js';

const tenantName = { type: 'string', minLength: 1, maxLength: 256, pattern: '\\S', description: 'display name' } as const;

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['slug', 'name', 'admin'],
  properties: {
    slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'tenant slug: lowercase letters, digits and dashes, unique, fixed' },
    name: tenantName,
    admin: {
      type: 'object',
      additionalProperties: false,
      required: ['email'],
      description: "the tenant's first admin user; a password is generated and returned once",
      properties: { email: { type: 'string', minLength: 3, maxLength: 384 }, name: { type: 'string', minLength: 1, maxLength: 256 } },
    },
  },
} as const;

const tenantParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,14}$', description: 'tenant id' } },
} as const;

const renameBody = { type: 'object', additionalProperties: false, required: ['name'], properties: { name: tenantName } } as const;

/** Audit actor of a platform admin in another tenant's log: "platform:user:1" (user 1 of the platform tenant). */
function platformActor(p: Principal): string {
  return `platform:${p.actor}`;
}

/** `GET/POST /api/v1/tenants`, `PATCH /api/v1/tenants/:id`. */
export async function registerTenantRoutes(app: FastifyInstance, ctx: ApiContext, repo: IdentityRepository): Promise<void> {
  const { store } = ctx;

  async function isPlatformAdmin(p: Principal): Promise<boolean> {
    return p.role === 'admin' && p.tenant === (await repo.platformTenant());
  }

  app.get(
    '/api/v1/tenants',
    {
      onRequest: ctx.requireRole(ADMIN_ONLY),
      schema: { summary: "Tenants with their user and open finding counts: every tenant for the platform tenant's admins, else the caller's own", tags: ['tenants'], security: bearer, response: errorResponses },
    },
    async (req) => {
      const p = principal(req);
      const platformAdmin = await isPlatformAdmin(p);
      return { items: await repo.listTenants(platformAdmin ? undefined : p.tenant), platformAdmin };
    },
  );

  app.post<{ Body: { slug: string; name: string; admin: { email: string; name?: string } } }>(
    '/api/v1/tenants',
    {
      onRequest: ctx.requireRole(ADMIN_ONLY),
      schema: {
        summary: "Create a tenant and its first admin (platform tenant's admins only): the admin's generated password is in this response only; 409 when the slug is taken",
        tags: ['tenants'],
        security: bearer,
        body: createBody,
        response: { ...errorResponses, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      if (!(await isPlatformAdmin(p))) return ctx.send(reply, 403, 'only administrators of the platform tenant may create tenants');
      const password = generatePassword();
      const created = await repo.createTenant(req.body, password);
      if (!created) return ctx.send(reply, 409, `a tenant "${req.body.slug}" already exists`);
      const { tenant, admin } = created;
      await ctx.audit(p, 'tenant.create', `tenant:${tenant.id}`, { slug: tenant.slug, name: tenant.name, admin: admin.email });
      await store.appendAudit(tenant.id, { actor: platformActor(p), action: 'tenant.create', target: `tenant:${tenant.id}`, details: { slug: tenant.slug, name: tenant.name } });
      await store.appendAudit(tenant.id, { actor: platformActor(p), action: 'user.create', target: `user:${admin.id}`, details: { email: admin.email, role: admin.role, password: 'generated' } });
      return reply.code(201).send({ tenant, admin, password });
    },
  );

  app.patch<{ Params: { id: string }; Body: { name: string } }>(
    '/api/v1/tenants/:id',
    {
      onRequest: ctx.requireRole(ADMIN_ONLY),
      schema: {
        summary: "Rename a tenant (its display name; the slug stays): the platform tenant's admins any tenant, other admins their own",
        tags: ['tenants'],
        security: bearer,
        params: tenantParams,
        body: renameBody,
        response: errorResponses,
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const id = Number(req.params.id);
      const missing = `no tenant ${req.params.id}`;
      // Another tenant's id answers like a missing one unless the caller administers the platform.
      if (id !== p.tenant && !(await isPlatformAdmin(p))) return ctx.send(reply, 404, missing);
      const before = (await repo.listTenants(id))[0];
      if (!before) return ctx.send(reply, 404, missing);
      const after = await repo.renameTenant(id, req.body.name);
      if (!after) return ctx.send(reply, 404, missing);
      const details = { name: after.name, previous: before.name };
      await ctx.audit(p, 'tenant.rename', `tenant:${id}`, details);
      if (id !== p.tenant) await store.appendAudit(id, { actor: platformActor(p), action: 'tenant.rename', target: `tenant:${id}`, details });
      return after;
    },
  );
}
