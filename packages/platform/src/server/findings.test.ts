// GET /api/v1/findings/groups and POST /api/v1/findings/status over HTTP, on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { IdentityRepository } from '../identity/repository.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../identity/sessions.js';
import { backends, type FreshDb } from '../storage/test-backends.js';
import type { FindingInput, ScanInput } from '../storage/types.js';
import { buildServer } from './server.js';

const TOKEN_A = 'tok-a-admin-0123456789abcdef';
const TOKEN_A_ANALYST = 'tok-a-analyst-0123456789abcdef';
const TOKEN_A_DEV = 'tok-a-developer-0123456789abcdef';
const TOKEN_A_AUDITOR = 'tok-a-auditor-0123456789abcdef';
const TOKEN_B = 'tok-b-admin-0123456789abcdef';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

function scan(id: string, image: string): ScanInput {
  return { id, target: `image:registry.example/${image}:1`, kind: 'image', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z' };
}

function finding(i: number, image: string): FindingInput {
  return {
    type: 'vulnerability',
    ruleId: `CVE-2024-${1000 + (i % 4)}`,
    title: `overflow ${i % 4}`,
    severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4],
    kev: i === 1,
    fixAvailable: i % 2 === 0,
    asset: { kind: 'image', key: `registry.example/${image}@sha256:01` },
    locator: `${image}/${i}`,
    priority: { score: i % 5, factors: [] },
    payload: { package: { name: `lib-${i % 3}`, version: '1.0.0', purl: `pkg:npm/lib-${i % 3}@1.0.0` } },
  };
}

interface Group {
  key: string | null;
  title?: string;
  count: number;
  bySeverity: Record<string, number>;
  maxPriority: number;
  kev: boolean;
  fixAvailable: boolean;
}

for (const backend of backends()) {
  describe(`findings groups and bulk status API on ${backend.name}`, () => {
    let db: FreshDb;
    let app: FastifyInstance;
    let tenantA: number;
    let scoped: Record<string, string>;
    const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = auth(TOKEN_A), payload?: unknown): Promise<LightMyRequestResponse> =>
      app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
    const ids = async (q: string, headers?: Record<string, string>): Promise<number[]> =>
      ((await call('GET', `/api/v1/findings?limit=1000&sort=id&dir=asc&${q}`, headers)).json().items as { id: number }[]).map((f) => f.id);

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      tenantA = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const tenantB = (await db.store.createTenant({ slug: 'blue', name: 'Blue' })).id;
      app = await buildServer({
        store: db.store,
        identity: { passwordCost: { ln: 10, r: 8, p: 1 } },
        tokens: [
          { token: TOKEN_A, tenant: tenantA, role: 'admin', name: 'a-admin' },
          { token: TOKEN_A_ANALYST, tenant: tenantA, role: 'analyst', name: 'a-analyst' },
          { token: TOKEN_A_DEV, tenant: tenantA, role: 'developer', name: 'a-dev' },
          { token: TOKEN_A_AUDITOR, tenant: tenantA, role: 'auditor', name: 'a-auditor' },
          { token: TOKEN_B, tenant: tenantB, role: 'admin', name: 'b-admin' },
        ],
      });
      for (const [token, image, n] of [[TOKEN_A, 'shop', 12], [TOKEN_A, 'cart', 8], [TOKEN_B, 'shop', 5]] as const) {
        const r = await call('POST', '/api/v1/scans', auth(token), { scan: scan(`${token}-${image}`, image), findings: Array.from({ length: n }, (_, i) => finding(i, image)) });
        assert.equal(r.statusCode, 201, r.body);
      }
      // An analyst limited to the cart image (a real user with a session).
      const group = (await call('POST', '/api/v1/asset-groups', auth(TOKEN_A), { name: 'cart' })).json() as { id: number };
      const cart = ((await call('GET', '/api/v1/assets?kind=image')).json().items as { id: number; key: string }[]).find((a) => a.key.includes('/cart@'))!;
      assert.equal((await call('POST', `/api/v1/asset-groups/${group.id}/assets`, auth(TOKEN_A), { assetIds: [cart.id] })).statusCode, 200, 'cart in the group');
      const identity = new IdentityRepository(db.store.sql);
      const user = await identity.createUser(tenantA, { email: 'ana@acme.example', role: 'analyst', assetGroups: [group.id] });
      const session = await identity.createSession(user);
      scoped = { cookie: `${SESSION_COOKIE}=${session.token}`, [CSRF_HEADER]: session.csrf };
    });
    after(async () => {
      await app?.close();
      await db?.drop();
      await backend.teardown();
    });

    it('groups with the list filters, pages with nextCursor, and counts add up to the summary', async () => {
      for (const by of ['rule', 'package', 'target']) {
        for (const q of ['', 'severity=critical,high', 'fixAvailable=true&target=image%3Aregistry.example%2Fshop%3A1']) {
          const groups: Group[] = [];
          let cursor: string | undefined;
          do {
            const r = await call('GET', `/api/v1/findings/groups?by=${by}&limit=2${q ? `&${q}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
            assert.equal(r.statusCode, 200, r.body);
            const page = r.json() as { items: Group[]; nextCursor?: string };
            assert.ok(page.items.length <= 2, 'page size');
            groups.push(...page.items);
            cursor = page.nextCursor;
          } while (cursor);
          const summary = (await call('GET', `/api/v1/findings/summary${q ? `?${q}` : ''}`)).json() as { total: number; kev: number };
          const what = `by=${by} ${q}`;
          assert.ok(summary.total > 0, `${what}: matches findings`);
          assert.equal(groups.reduce((n, g) => n + g.count, 0), summary.total, `${what}: counts add up to the summary total`);
          assert.equal(new Set(groups.map((g) => g.key)).size, groups.length, `${what}: each group once`);
          for (const g of groups) assert.equal(Object.values(g.bySeverity).reduce((a, b) => a + b, 0), g.count, `${what}: severities of ${g.key} add up`);
          assert.equal(groups.some((g) => g.kev), summary.kev > 0, `${what}: KEV flag`);
          if (by === 'rule') assert.ok(groups.every((g) => typeof g.title === 'string' && g.title.startsWith('overflow')), `${what}: titles`);
          else assert.ok(groups.every((g) => g.title === undefined), `${what}: no title`);
        }
      }
      const byTarget = (await call('GET', '/api/v1/findings/groups?by=target')).json() as { items: Group[] };
      assert.deepEqual(byTarget.items.map((g) => [g.key, g.count]).sort(), [['image:registry.example/cart:1', 8], ['image:registry.example/shop:1', 12]], 'only this tenant');
      const rows: [string, string, RegExp][] = [
        ['no by', '/api/v1/findings/groups', /querystring: missing required field "by"|by/],
        ['unknown by', '/api/v1/findings/groups?by=owner', /querystring\/by/],
        ['unknown param', '/api/v1/findings/groups?by=rule&sort=id', /unknown field "sort"/],
        ['list cursor', `/api/v1/findings/groups?by=rule&cursor=${encodeURIComponent((await call('GET', '/api/v1/findings?limit=1')).json().nextCursor as string)}`, /cursor/],
        ['bad limit', '/api/v1/findings/groups?by=rule&limit=0', /limit/],
      ];
      for (const [name, url, message] of rows) {
        const r = await call('GET', url);
        assert.equal(r.statusCode, 400, `${name}: ${r.body}`);
        assert.match(r.json().message as string, message, name);
      }
      assert.equal((await call('GET', '/api/v1/findings/groups?by=rule', auth(TOKEN_A_AUDITOR))).statusCode, 200, 'auditors read groups');
    });

    it('a scoped caller groups and bulk-changes only findings of its asset groups; other ids are not found', async () => {
      const groups = (await call('GET', '/api/v1/findings/groups?by=target', scoped)).json() as { items: Group[] };
      assert.deepEqual(groups.items.map((g) => [g.key, g.count]), [['image:registry.example/cart:1', 8]], 'only the cart image');
      const cart = await ids('target=image%3Aregistry.example%2Fcart%3A1');
      const shop = await ids('target=image%3Aregistry.example%2Fshop%3A1');
      const r = await call('POST', '/api/v1/findings/status', scoped, { ids: [cart[0], shop[0]], status: 'suppressed', reason: 'scoped' });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { changed: 1, ids: [cart[0]], notFound: [shop[0]] }, 'the shop finding is outside the scope');
      assert.equal((await db.store.getFinding(tenantA, shop[0]))?.status, 'open', 'out-of-scope finding unchanged');
      // A filter over everything matches only the scope's open findings.
      const open = (await call('GET', '/api/v1/findings/summary?status=open', scoped)).json().total as number;
      const all = await call('POST', '/api/v1/findings/status', scoped, { filter: { status: 'open' }, confirmCount: open, status: 'risk-accepted', reason: 'scoped filter' });
      assert.equal(all.statusCode, 200, all.body);
      assert.equal(all.json().changed, 7, 'the seven other cart findings');
      assert.deepEqual(await ids('status=risk-accepted'), cart.slice(1), 'only cart findings accepted');
      const reopen = await call('POST', '/api/v1/findings/status', auth(TOKEN_A), { ids: cart, status: 'open' });
      assert.deepEqual(reopen.json().ids, cart, 'reopened for the next tests');
    });

    it('bulk by ids: roles as the single change, foreign and missing ids alike, audited', async () => {
      const mine = await ids('target=image%3Aregistry.example%2Fshop%3A1');
      const foreign = ((await call('GET', '/api/v1/findings?limit=1', auth(TOKEN_B))).json().items as { id: number }[])[0].id;
      const body = (list: number[]) => ({ ids: list, status: 'suppressed', reason: 'bulk', owner: 'sec', expiresAt: '2099-01-01T00:00:00Z' });
      for (const token of [TOKEN_A_DEV, TOKEN_A_AUDITOR]) {
        assert.equal((await call('POST', '/api/v1/findings/status', auth(token), body(mine.slice(0, 2)))).statusCode, 403, `${token} may not triage`);
      }
      const foreignAnswer = await call('POST', '/api/v1/findings/status', auth(TOKEN_A), body([foreign]));
      const missingAnswer = await call('POST', '/api/v1/findings/status', auth(TOKEN_A), body([987654321]));
      assert.equal(foreignAnswer.statusCode, 200, foreignAnswer.body);
      assert.equal(foreignAnswer.body.replace(String(foreign), '<id>'), missingAnswer.body.replace('987654321', '<id>'), 'a foreign id answers like a missing one');
      assert.equal(((await call('GET', `/api/v1/findings/${foreign}`, auth(TOKEN_B))).json() as { status: string }).status, 'open', "the other tenant's finding is unchanged");

      const auditBefore = (await db.store.listAudit(tenantA, { limit: 1000 })).length;
      const r = await call('POST', '/api/v1/findings/status', auth(TOKEN_A_ANALYST), body([mine[0], mine[1], foreign]));
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { changed: 2, ids: [mine[0], mine[1]], notFound: [foreign] }, 'answer');
      for (const id of [mine[0], mine[1]]) {
        const f = (await call('GET', `/api/v1/findings/${id}`)).json() as { status: string; statusReason: string; statusOwner: string };
        assert.deepEqual([f.status, f.statusReason, f.statusOwner], ['suppressed', 'bulk', 'sec'], `finding ${id}`);
      }
      const audit = (await db.store.listAudit(tenantA, { afterSeq: auditBefore, limit: 1000 })).filter((a) => a.action === 'finding.status.bulk');
      assert.equal(audit.length, 1, 'one audit record');
      assert.deepEqual([audit[0].actor, audit[0].details.from, audit[0].details.to, audit[0].details.reason], ['token:a-analyst', { open: [mine[0], mine[1]] }, 'suppressed', 'bulk'], 'audit details');
      assert.equal((await db.store.verifyAuditChain(tenantA)).ok, true, 'chain intact');
    });

    it('bulk by filter: 409 when the count changed, else applied; bad bodies are 400 naming the field', async () => {
      const filter = { severity: 'critical', target: 'image:registry.example/cart:1', status: 'open' };
      const n = (await call('GET', `/api/v1/findings/summary?${new URLSearchParams(filter)}`)).json().total as number;
      assert.ok(n > 0, 'the filter matches');
      const stale = await call('POST', '/api/v1/findings/status', auth(TOKEN_A), { filter, confirmCount: n + 1, status: 'suppressed', reason: 'stale' });
      assert.equal(stale.statusCode, 409, stale.body);
      assert.match(stale.json().message as string, new RegExp(`now matches ${n} findings, not confirmCount ${n + 1}`));
      assert.equal((await call('GET', `/api/v1/findings/summary?${new URLSearchParams(filter)}`)).json().total, n, 'nothing changed');
      const ok = await call('POST', '/api/v1/findings/status', auth(TOKEN_A), { filter, confirmCount: n, status: 'suppressed', reason: 'fresh' });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().changed, n, 'all matching changed');
      assert.deepEqual(ok.json().notFound, [], 'no ids, none missing');

      const bad: [string, unknown, RegExp][] = [
        ['neither ids nor filter', { status: 'open' }, /either "ids" or "filter"/],
        ['both ids and filter', { ids: [1], filter: {}, confirmCount: 1, status: 'open' }, /either "ids" or "filter"/],
        ['filter without count', { filter: {}, status: 'open' }, /confirmCount/],
        ['count with ids', { ids: [1], confirmCount: 1, status: 'open' }, /confirmCount/],
        ['too many ids', { ids: Array.from({ length: 1001 }, (_, i) => i + 1), status: 'open' }, /body\/ids/],
        ['string id', { ids: ['1'], status: 'open' }, /body\/ids\/0/],
        ['unknown filter field', { filter: { tenant: '2' }, confirmCount: 0, status: 'open' }, /body\/filter: unknown field "tenant"/],
        ['bad filter value', { filter: { severity: 'urgent' }, confirmCount: 0, status: 'open' }, /body\/filter\/severity/],
        ['fixed by hand', { ids: [1], status: 'fixed' }, /body\/status/],
        ['no reason', { ids: [1], status: 'suppressed' }, /reason/],
        ['unknown field', { ids: [1], status: 'open', note: 'x' }, /body: unknown field "note"/],
      ];
      for (const [name, payload, message] of bad) {
        const r = await call('POST', '/api/v1/findings/status', auth(TOKEN_A), payload);
        assert.equal(r.statusCode, 400, `${name}: ${r.body}`);
        assert.match(r.json().message as string, message, name);
      }
    });
  });
}
