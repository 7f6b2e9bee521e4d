import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../server/server.js';
import { backends, type FreshDb } from '../storage/test-backends.js';
import { IdentityRepository } from './repository.js';

const FAST = { ln: 10, r: 8, p: 1 };
const PLATFORM_ADMIN = 'tok-platform-admin-0123456789abcdef';
const PLATFORM_ANALYST = 'tok-platform-analyst-0123456789abcdef';
const BLUE_ADMIN = 'tok-blue-admin-0123456789abcdef';
const BLUE_AUDITOR = 'tok-blue-auditor-0123456789abcdef';

interface Summary {
  id: number;
  slug: string;
  name: string;
  createdAt: string;
  users: number;
  openFindings: number;
}

function items(r: LightMyRequestResponse): Summary[] {
  assert.equal(r.statusCode, 200, `list of tenants: ${r.body}`);
  return (r.json() as { items: Summary[] }).items;
}

for (const backend of backends()) {
  describe(`tenant administration on ${backend.name}`, () => {
    let db: FreshDb;
    let app: FastifyInstance;
    let platform: number;
    let blue: number;

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      // The first tenant is the platform tenant, as the `default` tenant `bulwark server` bootstraps.
      platform = (await db.store.createTenant({ slug: 'default', name: 'Default' })).id;
      blue = (await db.store.createTenant({ slug: 'blue', name: 'Blue' })).id;
      app = await buildServer({
        store: db.store,
        identity: { passwordCost: FAST, loginPerMinute: 1000 },
        tokens: [
          { token: PLATFORM_ADMIN, tenant: platform, role: 'admin', name: 'platform-admin' },
          { token: PLATFORM_ANALYST, tenant: platform, role: 'analyst', name: 'platform-analyst' },
          { token: BLUE_ADMIN, tenant: blue, role: 'admin', name: 'blue-admin' },
          { token: BLUE_AUDITOR, tenant: blue, role: 'auditor', name: 'blue-auditor' },
        ],
      });
    });
    after(async () => {
      await app?.close();
      await db?.drop();
      await backend.teardown();
    });

    const call = (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });

    it('the platform tenant is the first one created', async () => {
      assert.equal(await new IdentityRepository(db.store.sql).platformTenant(), platform, 'platform tenant = lowest id');
    });

    it('creates a tenant with its first admin, whose generated password is returned once and works', async () => {
      const r = await call(PLATFORM_ADMIN, 'POST', '/api/v1/tenants', { slug: 'acme', name: 'Acme Corp', admin: { email: 'Root@Acme.example', name: 'Root' } });
      assert.equal(r.statusCode, 201, r.body);
      const body = r.json() as { tenant: Summary; admin: { id: number; email: string; role: string; tenant: number; hasPassword: boolean }; password: string };
      assert.deepEqual([body.tenant.slug, body.tenant.name, body.tenant.users, body.tenant.openFindings], ['acme', 'Acme Corp', 1, 0], 'new tenant with one user and no findings');
      assert.deepEqual([body.admin.email, body.admin.role, body.admin.tenant, body.admin.hasPassword], ['root@acme.example', 'admin', body.tenant.id, true], 'first admin of the new tenant');
      assert.match(body.password, /^[A-Za-z0-9_-]{24}$/, 'generated password of 24 URL-safe characters');
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: 'acme', email: 'root@acme.example', password: body.password } });
      assert.equal(login.statusCode, 200, `first admin logs in with the generated password: ${login.body}`);
      assert.equal(login.json().user.role, 'admin', 'logged in as admin');
      // Shown once: never again in a list or any audit record.
      const list = await call(PLATFORM_ADMIN, 'GET', '/api/v1/tenants');
      assert.ok(!list.body.includes(body.password), 'password not in the tenant list');
      for (const t of [platform, body.tenant.id]) {
        const audit = await db.store.listAudit(t);
        assert.ok(!JSON.stringify(audit).includes(body.password), `password not in tenant ${t}'s audit log`);
      }
    });

    it("audits a creation in the platform tenant's log and in the new tenant's, both chains intact", async () => {
      const r = await call(PLATFORM_ADMIN, 'POST', '/api/v1/tenants', { slug: 'audited', name: 'Audited', admin: { email: 'first@audited.example' } });
      assert.equal(r.statusCode, 201, r.body);
      const id = (r.json() as { tenant: Summary }).tenant.id;
      const adminId = (r.json() as { admin: { id: number } }).admin.id;
      const mine = (await db.store.listAudit(platform)).at(-1);
      assert.deepEqual([mine?.action, mine?.actor, mine?.target], ['tenant.create', 'token:platform-admin', `tenant:${id}`], 'platform log records the creation');
      assert.equal(mine?.details?.slug, 'audited', 'platform log names the slug');
      const theirs = (await db.store.listAudit(id)).map((a) => [a.action, a.actor, a.target]);
      assert.deepEqual(
        theirs,
        [
          ['tenant.create', 'platform:token:platform-admin', `tenant:${id}`],
          ['user.create', 'platform:token:platform-admin', `user:${adminId}`],
        ],
        "new tenant's log records who created it and its first admin",
      );
      assert.equal((await db.store.verifyAuditChain(platform)).ok, true, 'platform chain intact');
      assert.equal((await db.store.verifyAuditChain(id)).ok, true, 'new tenant chain intact');
    });

    it('refuses a bad slug or body with 400 naming the field, a taken slug with 409, and creates nothing then', async () => {
      const before = (await db.store.listTenants()).length;
      const rows: { name: string; payload: unknown; status: number; message: RegExp }[] = [
        { name: 'uppercase slug', payload: { slug: 'Acme', name: 'X', admin: { email: 'a@x.example' } }, status: 400, message: /body\/slug/ },
        { name: 'slug with a space', payload: { slug: 'a b', name: 'X', admin: { email: 'a@x.example' } }, status: 400, message: /body\/slug/ },
        { name: 'slug starting with a dash', payload: { slug: '-acme', name: 'X', admin: { email: 'a@x.example' } }, status: 400, message: /body\/slug/ },
        { name: 'slug too long', payload: { slug: 'a'.repeat(64), name: 'X', admin: { email: 'a@x.example' } }, status: 400, message: /body\/slug/ },
        { name: 'no admin', payload: { slug: 'no-admin', name: 'X' }, status: 400, message: /admin/ },
        { name: 'blank name', payload: { slug: 'blank', name: '   ', admin: { email: 'a@x.example' } }, status: 400, message: /body\/name/ },
        { name: 'unknown field', payload: { slug: 'extra', name: 'X', admin: { email: 'a@x.example' }, plan: 'gold' }, status: 400, message: /unknown field "plan"/ },
        { name: 'unknown admin field', payload: { slug: 'extra2', name: 'X', admin: { email: 'a@x.example', role: 'analyst' } }, status: 400, message: /unknown field "role"/ },
        { name: 'admin e-mail not an address', payload: { slug: 'bad-mail', name: 'X', admin: { email: 'not an address' } }, status: 400, message: /admin\.email/ },
        { name: 'taken slug', payload: { slug: 'blue', name: 'Another Blue', admin: { email: 'a@x.example' } }, status: 409, message: /"blue" already exists/ },
      ];
      for (const row of rows) {
        const r = await call(PLATFORM_ADMIN, 'POST', '/api/v1/tenants', row.payload as object);
        assert.equal(r.statusCode, row.status, `${row.name}: ${r.body}`);
        assert.match(r.json().message as string, row.message, `${row.name}: message names the field`);
      }
      assert.equal((await db.store.listTenants()).length, before, 'no tenant created by a refused request (nor half of one)');
      assert.equal((await db.store.listTenants()).find((t) => t.slug === 'blue')?.name, 'Blue', 'the existing tenant is untouched by the duplicate');
    });

    it("lists every tenant with counts for the platform admin, only the caller's own for another admin", async () => {
      await db.store.ingestScan(
        blue,
        { id: 'count-1', target: 'registry.example/app:1', kind: 'image', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z' },
        [1, 2, 3].map((n) => ({ type: 'vulnerability' as const, ruleId: `CVE-2024-000${n}`, severity: 'high' as const, asset: { kind: 'image' as const, key: 'registry.example/app@sha256:01' }, locator: `pkg${n}@1` })),
      );
      const one = (await db.store.listFindings(blue)).items[0];
      await db.store.setFindingStatus(blue, one.id, { status: 'suppressed', reason: 'not reachable' });
      await new IdentityRepository(db.store.sql, { passwordCost: FAST }).createUser(blue, { email: 'dev@blue.example', role: 'developer' });

      const all = items(await call(PLATFORM_ADMIN, 'GET', '/api/v1/tenants'));
      const slugs = (await db.store.listTenants()).map((t) => t.slug);
      assert.deepEqual(all.map((t) => t.slug), slugs, 'every tenant, oldest first');
      const b = all.find((t) => t.id === blue);
      assert.deepEqual([b?.users, b?.openFindings], [1, 2], 'blue: one user, two open findings (one suppressed)');
      assert.equal((await call(PLATFORM_ADMIN, 'GET', '/api/v1/tenants')).json().platformAdmin, true, 'the platform admin is told so');

      const own = await call(BLUE_ADMIN, 'GET', '/api/v1/tenants');
      assert.deepEqual(items(own).map((t) => [t.id, t.slug, t.users, t.openFindings]), [[blue, 'blue', 1, 2]], "blue's admin sees only blue");
      assert.equal(own.json().platformAdmin, false, "blue's admin is no platform admin");
    });

    it('renames: the platform admin any tenant, another admin only its own; a foreign id answers like a missing one', async () => {
      const theirs = await call(PLATFORM_ADMIN, 'PATCH', `/api/v1/tenants/${blue}`, { name: 'Blue Team' });
      assert.equal(theirs.statusCode, 200, theirs.body);
      assert.deepEqual([theirs.json().slug, theirs.json().name], ['blue', 'Blue Team'], 'renamed, slug kept');
      const mine = (await db.store.listAudit(platform)).at(-1);
      assert.deepEqual([mine?.action, mine?.target, mine?.details], ['tenant.rename', `tenant:${blue}`, { name: 'Blue Team', previous: 'Blue' }], "platform log records the rename");
      const blueLog = (await db.store.listAudit(blue)).at(-1);
      assert.deepEqual([blueLog?.action, blueLog?.actor], ['tenant.rename', 'platform:token:platform-admin'], "blue's log records who renamed it");

      const self = await call(BLUE_ADMIN, 'PATCH', `/api/v1/tenants/${blue}`, { name: '  Blue  ' });
      assert.equal(self.statusCode, 200, self.body);
      assert.equal(self.json().name, 'Blue', "blue's admin renames blue (trimmed)");

      const foreign = await call(BLUE_ADMIN, 'PATCH', `/api/v1/tenants/${platform}`, { name: 'Taken over' });
      const missing = await call(BLUE_ADMIN, 'PATCH', '/api/v1/tenants/987654321', { name: 'Taken over' });
      assert.equal(foreign.statusCode, 404, foreign.body);
      assert.equal(foreign.body.replace(String(platform), '<id>'), missing.body.replace('987654321', '<id>'), 'foreign and missing ids answer alike');
      assert.equal((await db.store.listTenants()).find((t) => t.id === platform)?.name, 'Default', 'platform tenant not renamed');

      const none = await call(PLATFORM_ADMIN, 'PATCH', '/api/v1/tenants/987654321', { name: 'Nobody' });
      assert.equal(none.statusCode, 404, `platform admin on a missing tenant: ${none.body}`);
      const blank = await call(PLATFORM_ADMIN, 'PATCH', `/api/v1/tenants/${blue}`, { name: '' });
      assert.equal(blank.statusCode, 400, blank.body);
      assert.match(blank.json().message as string, /body\/name/, 'message names the field');
      const slug = await call(PLATFORM_ADMIN, 'PATCH', `/api/v1/tenants/${blue}`, { name: 'X', slug: 'other' });
      assert.equal(slug.statusCode, 400, `the slug is fixed: ${slug.body}`);
    });

    it('refuses every role but admin, and tenant creation to admins of other tenants', async () => {
      for (const [token, who] of [
        [PLATFORM_ANALYST, 'platform analyst'],
        [BLUE_AUDITOR, 'blue auditor'],
      ] as const) {
        assert.equal((await call(token, 'GET', '/api/v1/tenants')).statusCode, 403, `${who} may not list tenants`);
        assert.equal((await call(token, 'POST', '/api/v1/tenants', { slug: 'nope', name: 'Nope', admin: { email: 'a@nope.example' } })).statusCode, 403, `${who} may not create tenants`);
        assert.equal((await call(token, 'PATCH', `/api/v1/tenants/${blue}`, { name: 'Nope' })).statusCode, 403, `${who} may not rename tenants`);
      }
      const r = await call(BLUE_ADMIN, 'POST', '/api/v1/tenants', { slug: 'nope', name: 'Nope', admin: { email: 'a@nope.example' } });
      assert.equal(r.statusCode, 403, `blue's admin may not create tenants: ${r.body}`);
      assert.match(r.json().message as string, /platform tenant/, 'says who may');
      assert.ok(!(await db.store.listTenants()).some((t) => t.slug === 'nope'), 'nothing created');
    });

    it("a created tenant's admin (a session of that tenant) sees only that tenant", async () => {
      const r = await call(PLATFORM_ADMIN, 'POST', '/api/v1/tenants', { slug: 'green', name: 'Green', admin: { email: 'root@green.example' } });
      assert.equal(r.statusCode, 201, r.body);
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: 'green', email: 'root@green.example', password: r.json().password as string } });
      assert.equal(login.statusCode, 200, login.body);
      const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
      const list = await app.inject({ method: 'GET', url: '/api/v1/tenants', headers: { cookie } });
      assert.deepEqual(items(list).map((t) => t.slug), ['green'], 'only its own tenant');
      const csrf = login.json().csrfToken as string;
      const create = await app.inject({ method: 'POST', url: '/api/v1/tenants', headers: { cookie, 'x-csrf-token': csrf }, payload: { slug: 'sub', name: 'Sub', admin: { email: 'a@sub.example' } } });
      assert.equal(create.statusCode, 403, `a created tenant's admin is no platform admin: ${create.body}`);
    });
  });
}
