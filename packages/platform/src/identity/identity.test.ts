import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
// oidc-provider ships no type declarations.
// @ts-expect-error -- untyped module
import Provider from 'oidc-provider';
import { buildServer, startServer } from '../server/server.js';
import { backends, type FreshDb } from '../storage/test-backends.js';
import { checkPasswordPolicy, hashPassword, needsRehash, verifyPassword } from './password.js';

const ADMIN_TOKEN = 'tok-identity-admin-0123456789abcdef';
const FAST = { ln: 12, r: 8, p: 1 };
const PW = 'correct horse battery staple';

/** Cookies from a response as a Cookie header, and the raw Set-Cookie lines. */
function cookiesOf(r: LightMyRequestResponse): { header: string; raw: string[] } {
  const raw = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
  return { header: raw.map((c) => c.split(';')[0]).join('; '), raw };
}

describe('password hashing', () => {
  it('stores scrypt in PHC format with a fresh salt and verifies only the right password', async () => {
    const a = await hashPassword(PW, FAST);
    const b = await hashPassword(PW, FAST);
    assert.match(a, /^\$scrypt\$ln=12,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    assert.notEqual(a, b, 'two hashes of one password differ by salt');
    assert.equal(await verifyPassword(PW, a), true);
    assert.equal(await verifyPassword(`${PW}!`, a), false);
    assert.equal(await verifyPassword(PW, 'not-a-hash'), false);
    assert.equal(needsRehash(a), true, 'ln 12 is below the default cost');
  });

  it('uses OWASP cost by default (N = 2^17, r = 8, p = 1)', async () => {
    const h = await hashPassword(PW);
    assert.match(h, /^\$scrypt\$ln=17,r=8,p=1\$/);
    assert.equal(await verifyPassword(PW, h), true);
    assert.equal(needsRehash(h), false);
  });

  it('refuses short passwords naming the field', () => {
    assert.throws(() => checkPasswordPolicy('short'), /password.*12/);
    assert.throws(() => checkPasswordPolicy(42), /password/);
  });
});

for (const backend of backends()) {
  describe(`identity on ${backend.name}`, () => {
    let db: FreshDb;
    let app: FastifyInstance;
    let tenant: number;

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      tenant = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      await db.store.createTenant({ slug: 'blue', name: 'Blue' });
      app = await buildServer({
        store: db.store,
        tokens: [{ token: ADMIN_TOKEN, tenant, role: 'admin', name: 'bootstrap' }],
        identity: { passwordCost: FAST, maxFailedLogins: 3, loginPerMinute: 1000 },
      });
    });
    after(async () => {
      await app?.close();
      await db?.drop();
      await backend.teardown();
    });

    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    async function createUser(body: Record<string, unknown>): Promise<Record<string, unknown>> {
      const r = await app.inject({ method: 'POST', url: '/api/v1/users', headers: admin, payload: body });
      assert.equal(r.statusCode, 201, r.body);
      return r.json();
    }
    async function login(email: string, password = PW, slug = 'acme') {
      const r = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: slug, email, password } });
      return { r, cookie: cookiesOf(r), csrf: r.statusCode === 200 ? (r.json().csrfToken as string) : '' };
    }

    it('logs in with a password: HttpOnly Secure SameSite session cookie, CSRF token, /auth/me', async () => {
      await createUser({ email: 'Ana@Acme.example', name: 'Ana', role: 'analyst', password: PW });
      const { r, cookie, csrf } = await login('ana@acme.example');
      assert.equal(r.statusCode, 200, r.body);
      const session = cookie.raw.find((c) => c.startsWith('bulwark_session='));
      assert.ok(session, 'session cookie set');
      assert.match(session, /HttpOnly/);
      assert.match(session, /Secure/);
      assert.match(session, /SameSite=Lax/);
      assert.match(csrf, /^[A-Za-z0-9_-]{43}$/);
      const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: cookie.header } });
      assert.equal(me.statusCode, 200, me.body);
      assert.equal(me.json().role, 'analyst');
      assert.equal(me.json().user.email, 'ana@acme.example');
      assert.equal(me.json().via, 'session');
    });

    it('refuses wrong passwords, unknown users and tenants alike, and audits the failure', async () => {
      const wrong = await login('ana@acme.example', 'wrong password here');
      const unknown = await login('nobody@acme.example');
      const tenantMismatch = await login('ana@acme.example', PW, 'blue');
      for (const x of [wrong, unknown, tenantMismatch]) {
        assert.equal(x.r.statusCode, 401);
        assert.equal(x.r.json().message, wrong.r.json().message, 'one message for every refusal');
        assert.equal(x.cookie.raw.length, 0, 'no cookie on refusal');
      }
      const audit = await app.inject({ method: 'GET', url: '/api/v1/audit', headers: admin });
      assert.ok(audit.json().items.some((a: { action: string }) => a.action === 'user.login.failed'), 'failed login audited');
    });

    it('requires the CSRF token on unsafe requests made with the session cookie', async () => {
      await createUser({ email: 'boss@acme.example', role: 'admin', password: PW });
      const { cookie, csrf } = await login('boss@acme.example');
      const body = { name: 'ci', role: 'developer' };
      const without = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie: cookie.header }, payload: body });
      assert.equal(without.statusCode, 403);
      assert.match(without.json().message, /x-csrf-token/);
      const wrong = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie: cookie.header, 'x-csrf-token': 'A'.repeat(43) }, payload: body });
      assert.equal(wrong.statusCode, 403);
      const ok = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie: cookie.header, 'x-csrf-token': csrf }, payload: body });
      assert.equal(ok.statusCode, 201, ok.body);
      const token = ok.json().token as string;
      assert.match(token, /^bwk_/);
      const list = await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: { cookie: cookie.header } });
      assert.ok(!list.body.includes(token), 'the secret is never listed');
      const id = ok.json().info.id as number;
      const scan = { scan: { id: 'csrf-1', target: 't', kind: 'image', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:00Z' }, findings: [] };
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/scans', headers: { authorization: `Bearer ${token}` }, payload: scan })).statusCode, 201);
      const del = await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: { cookie: cookie.header, 'x-csrf-token': csrf } });
      assert.equal(del.statusCode, 204, del.body);
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/scans', headers: { authorization: `Bearer ${token}` }, payload: { ...scan, scan: { ...scan.scan, id: 'csrf-2' } } })).statusCode, 401);
    });

    it('logout and disabling a user end sessions', async () => {
      const u = await createUser({ email: 'dev@acme.example', role: 'developer', password: PW });
      const s1 = await login('dev@acme.example');
      const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s1.cookie.header, 'x-csrf-token': s1.csrf } });
      assert.equal(out.statusCode, 204, out.body);
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s1.cookie.header } })).statusCode, 401);
      const s2 = await login('dev@acme.example');
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s2.cookie.header } })).statusCode, 200);
      const dis = await app.inject({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: admin, payload: { disabled: true } });
      assert.equal(dis.statusCode, 200, dis.body);
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s2.cookie.header } })).statusCode, 401);
      assert.equal((await login('dev@acme.example')).r.statusCode, 401, 'a disabled user cannot log in');
    });

    it('locks an account after repeated failures, even for the right password', async () => {
      await createUser({ email: 'lock@acme.example', role: 'auditor', password: PW });
      for (let i = 0; i < 3; i++) assert.equal((await login('lock@acme.example', 'wrong password!!')).r.statusCode, 401);
      assert.equal((await login('lock@acme.example')).r.statusCode, 401, 'locked');
    });

    it('scopes a developer to asset groups: findings of other assets are invisible', async () => {
      const scan = (id: string, key: string) => ({
        scan: { id, target: key, kind: 'image', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:00Z' },
        findings: [{ type: 'vulnerability', ruleId: 'CVE-2024-0001', severity: 'high', asset: { kind: 'image', key } }],
      });
      for (const [id, key] of [['s-shop', 'shop:1'], ['s-pay', 'pay:1']]) {
        assert.equal((await app.inject({ method: 'POST', url: '/api/v1/scans', headers: admin, payload: scan(id, key) })).statusCode, 201);
      }
      const assets = await db.store.listAssets(tenant, { kind: 'image' });
      const shop = assets.items.find((a) => a.key === 'shop:1');
      assert.ok(shop, 'shop asset stored');
      const group = await db.store.createAssetGroup(tenant, 'shop');
      await db.store.addAssetsToGroup(tenant, group.id, [shop.id]);
      await createUser({ email: 'scoped@acme.example', role: 'developer', password: PW, assetGroups: [group.id] });
      const { cookie } = await login('scoped@acme.example');
      const list = await app.inject({ method: 'GET', url: '/api/v1/findings', headers: { cookie: cookie.header } });
      assert.equal(list.statusCode, 200, list.body);
      const items = list.json().items as { id: number; asset: { key: string } }[];
      assert.deepEqual(items.map((f) => f.asset.key), ['shop:1']);
      const all = await app.inject({ method: 'GET', url: '/api/v1/findings', headers: admin });
      const other = (all.json().items as { id: number; asset: { key: string } }[]).find((f) => f.asset.key === 'pay:1');
      assert.ok(other, 'admin sees the other finding');
      assert.equal((await app.inject({ method: 'GET', url: `/api/v1/findings/${other.id}`, headers: { cookie: cookie.header } })).statusCode, 404);
      const bad = await app.inject({ method: 'POST', url: '/api/v1/users', headers: admin, payload: { email: 'x@acme.example', role: 'developer', assetGroups: [999999] } });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().message, /assetGroups/);
    });

    it('audits user actions in a hash chain that verifies', async () => {
      const audit = await app.inject({ method: 'GET', url: '/api/v1/audit?limit=1000', headers: admin });
      const actions = new Set((audit.json().items as { action: string }[]).map((a) => a.action));
      for (const a of ['user.create', 'user.login', 'user.logout', 'user.update', 'token.create', 'token.revoke', 'scan.ingest']) assert.ok(actions.has(a), `audited ${a}`);
      const v = await app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: admin });
      assert.equal(v.json().ok, true, v.body);
    });

    it('says OIDC is off when no provider is configured', async () => {
      const r = await app.inject({ method: 'GET', url: '/api/v1/auth/providers' });
      assert.deepEqual(r.json(), { password: true, oidc: false });
    });

    it('rate-limits logins per client address', async () => {
      const limited = await buildServer({ store: db.store, identity: { passwordCost: FAST, loginPerMinute: 3 } });
      try {
        const codes: number[] = [];
        for (let i = 0; i < 5; i++) codes.push((await limited.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: 'acme', email: 'ana@acme.example', password: 'wrong password!!' } })).statusCode);
        assert.deepEqual(codes, [401, 401, 401, 429, 429]);
      } finally {
        await limited.close();
      }
    });
  });
}

describe('OIDC login against a real OpenID provider (oidc-provider)', () => {
  const [backend] = backends();
  let db: FreshDb;
  let op: Server;
  let bulwark: { app: FastifyInstance; url: string };
  let issuer: string;

  before(async () => {
    await backend.setup();
    db = await backend.fresh();
    const tenant = (await db.store.createTenant({ slug: 'default', name: 'Default' })).id;
    const { IdentityRepository } = await import('./repository.js');
    await new IdentityRepository(db.store.sql, { passwordCost: FAST }).createUser(tenant, { email: 'grace@example.com', role: 'auditor' });
    op = createServer();
    await new Promise<void>((r) => op.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(op.address() as AddressInfo).port}`;
    // Bulwark listens first so the client's redirect URI is known.
    bulwark = await startServer({ store: db.store, host: '127.0.0.1', port: 0, identity: { passwordCost: FAST, oidc: { issuer, clientId: 'bulwark', clientSecret: 'x'.repeat(32), redirectUri: 'http://placeholder/' } } });
    await bulwark.app.close();
    const port = Number(new URL(bulwark.url).port);
    const redirectUri = `http://127.0.0.1:${port}/api/v1/auth/oidc/callback`;
    const provider = new Provider(issuer, {
      clients: [{ client_id: 'bulwark', client_secret: 'x'.repeat(32), redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
      findAccount: async (_ctx: unknown, sub: string) => ({
        accountId: sub,
        claims: async () => ({ sub, email: `${sub}@example.com`, email_verified: true, name: sub }),
      }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      features: { devInteractions: { enabled: true } },
    });
    op.on('request', provider.callback());
    bulwark = await startServer({
      store: db.store,
      host: '127.0.0.1',
      port,
      identity: { passwordCost: FAST, cookieSecure: false, oidc: { issuer, clientId: 'bulwark', clientSecret: 'x'.repeat(32), redirectUri, provisionRole: 'developer' } },
    });
  });
  after(async () => {
    await bulwark?.app.close();
    op?.closeAllConnections();
    await new Promise((r) => op?.close(r));
    await db?.drop();
    await backend.teardown();
  });

  /** Follows redirects by hand like a browser, with one cookie jar per host, posting the provider's login and consent forms. */
  async function browserLogin(login: string): Promise<{ final: Response; jar: Map<string, Map<string, string>>; trail: string[] }> {
    const jar = new Map<string, Map<string, string>>();
    const trail: string[] = [];
    const cookieHeader = (u: URL) => [...(jar.get(u.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
    const store = (u: URL, res: Response) => {
      const m = jar.get(u.host) ?? new Map<string, string>();
      for (const c of res.headers.getSetCookie()) {
        const [kv] = c.split(';');
        const i = kv.indexOf('=');
        m.set(kv.slice(0, i), kv.slice(i + 1));
      }
      jar.set(u.host, m);
    };
    let url = new URL(`${bulwark.url}/api/v1/auth/oidc/login?returnTo=/console`);
    let method = 'GET';
    let body: string | undefined;
    for (let hop = 0; hop < 20; hop++) {
      trail.push(`${method} ${url.pathname}`);
      const res = await fetch(url, { method, body, redirect: 'manual', headers: { cookie: cookieHeader(url), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } });
      store(url, res);
      method = 'GET';
      body = undefined;
      if (res.status >= 300 && res.status < 400) {
        url = new URL(res.headers.get('location') as string, url);
        if (url.pathname === '/console') return { final: res, jar, trail };
        continue;
      }
      const html = await res.text();
      if (res.status === 200 && url.pathname.startsWith('/interaction/')) {
        method = 'POST';
        body = html.includes('name="login"') ? new URLSearchParams({ prompt: 'login', login, password: 'any' }).toString() : new URLSearchParams({ prompt: 'consent' }).toString();
        continue;
      }
      trail.push(`→ ${res.status} ${html.slice(0, 300)}`);
      return { final: new Response(html, { status: res.status }), jar, trail };
    }
    throw new Error(`too many redirects: ${trail.join(' → ')}`);
  }

  it('tells the login page which providers exist, without credentials', async () => {
    const r = await fetch(`${bulwark.url}/api/v1/auth/providers`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { password: true, oidc: true });
  });

  it('links an existing user by verified e-mail and starts a session', async () => {
    const { final, jar, trail } = await browserLogin('grace');
    assert.equal(final.status, 302, trail.join(' → '));
    const cookies = jar.get(new URL(bulwark.url).host);
    assert.ok(cookies?.get('bulwark_session'), `session cookie set after ${trail.join(' → ')}`);
    const me = await fetch(`${bulwark.url}/api/v1/auth/me`, { headers: { cookie: `bulwark_session=${cookies?.get('bulwark_session')}` } });
    assert.equal(me.status, 200);
    const body = (await me.json()) as { role: string; user: { email: string; oidc: { issuer: string; subject: string } } };
    assert.equal(body.role, 'auditor', 'the existing user keeps their role');
    assert.equal(body.user.email, 'grace@example.com');
    assert.deepEqual(body.user.oidc, { issuer, subject: 'grace' });
  });

  it('provisions a new user with the configured role, and refuses a replayed state', async () => {
    const { jar } = await browserLogin('linus');
    const session = jar.get(new URL(bulwark.url).host)?.get('bulwark_session');
    assert.ok(session, 'provisioned user logged in');
    const me = (await (await fetch(`${bulwark.url}/api/v1/auth/me`, { headers: { cookie: `bulwark_session=${session}` } })).json()) as { role: string };
    assert.equal(me.role, 'developer');
    const replay = await fetch(`${bulwark.url}/api/v1/auth/oidc/callback?code=abc&state=${'s'.repeat(43)}`, { redirect: 'manual' });
    assert.equal(replay.status, 400);
    assert.match(((await replay.json()) as { message: string }).message, /state/);
  });
});
