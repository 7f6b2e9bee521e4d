import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../server/server.js';
import { backends, type FreshDb } from '../storage/test-backends.js';
import type { AuditInput, AuditRecord } from '../storage/types.js';

const ADMIN = 'tok-audit-admin-0123456789abcdef';
const AUDITOR = 'tok-audit-auditor-0123456789abcd';
const DEVELOPER = 'tok-audit-developer-0123456789ab';
const OTHER = 'tok-audit-other-admin-0123456789';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** Records whose action, actor, target or details hold LIKE's wildcards and mixed case. */
const ENTRIES: AuditInput[] = [
  { actor: 'user:7', action: 'finding.status', target: 'finding:12', details: { status: 'suppressed', reason: 'Vendor says 100% safe' } },
  { actor: 'user:7', action: 'finding.status', target: 'finding:13', details: { status: 'risk-accepted', reason: 'accepted by CISO' } },
  { actor: 'token:ci_main', action: 'token.create', target: 'token:4', details: { name: 'CI_Main' } },
  { actor: 'token:cixmain', action: 'token.create', target: 'token:5', details: { name: 'CIxMain' } },
  { actor: 'user:8', action: 'report.generate', target: 'report:1', details: { path: 'C:\\reports\\weekly' } },
  { actor: 'user:8', action: 'asset-group.create', target: 'asset-group:3', details: { name: '生产 Shop' } },
  { actor: 'system', action: 'user.login', details: {} },
];

for (const backend of backends()) {
  describe(`audit log search on ${backend.name}`, () => {
    let db: FreshDb;
    let app: FastifyInstance;
    let all: AuditRecord[];

    const list = async (query: string, token = ADMIN): Promise<AuditRecord[]> => {
      const r: LightMyRequestResponse = await app.inject({ method: 'GET', url: `/api/v1/audit?${query}`, headers: auth(token) });
      assert.equal(r.statusCode, 200, `${query}: ${r.body}`);
      return (r.json() as { items: AuditRecord[] }).items;
    };
    const seqs = (xs: AuditRecord[]) => xs.map((x) => x.seq);
    /** What a search must return, computed from the whole log. */
    const expected = (needle: string) =>
      seqs(all.filter((r) => [r.action, r.actor, r.target ?? '', JSON.stringify(r.details)].some((v) => v.toLowerCase().includes(needle.toLowerCase()))));

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      const tenant = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const other = (await db.store.createTenant({ slug: 'blue', name: 'Blue' })).id;
      for (const e of ENTRIES) await db.store.appendAudit(tenant, e);
      await db.store.appendAudit(other, { actor: 'user:7', action: 'finding.status', target: 'finding:99', details: { reason: 'other tenant 100%' } });
      app = await buildServer({
        store: db.store,
        tokens: [
          { token: ADMIN, tenant, role: 'admin', name: 'admin' },
          { token: AUDITOR, tenant, role: 'auditor', name: 'auditor' },
          { token: DEVELOPER, tenant, role: 'developer', name: 'dev' },
          { token: OTHER, tenant: other, role: 'admin', name: 'other' },
        ],
      });
      all = await db.store.listAudit(tenant, { limit: 1000 });
      assert.equal(all.length, ENTRIES.length, 'every seeded record is in the log');
    });
    after(async () => {
      await app?.close();
      await db?.drop();
      await backend.teardown();
    });

    it('q is a case-insensitive substring of action, actor, target or details; LIKE wildcards match themselves', async () => {
      for (const needle of ['FINDING', 'user:7', 'finding:13', 'ciso', '100%', '%', '_', 'ci_main', '\\', 'c:\\reports', '生产', 'report.', 'nothing-like-this']) {
        assert.deepEqual(seqs(await list(`q=${encodeURIComponent(needle)}`)), expected(needle), `q=${needle}`);
      }
      for (const needle of ['%', '_', '\\']) {
        const n = expected(needle).length;
        assert.ok(n > 0 && n < all.length, `q=${needle} matches some records (${n} of ${all.length}), not every one`);
      }
      const ciMain = await list('q=ci_main');
      assert.ok(!ciMain.some((r) => r.actor === 'token:cixmain'), '_ is not a one-character wildcard');
    });

    it('action and actor are exact filters, combined with q and with each other', async () => {
      const byAction = (a: string) => seqs(all.filter((r) => r.action === a));
      assert.deepEqual(seqs(await list('action=finding.status')), byAction('finding.status'), 'action filter');
      assert.deepEqual(seqs(await list('action=finding')), [], 'action is exact, not a prefix');
      assert.deepEqual(seqs(await list('actor=user%3A8')), seqs(all.filter((r) => r.actor === 'user:8')), 'actor filter');
      assert.deepEqual(seqs(await list('actor=user%3A7&action=finding.status&q=ciso')), seqs(all.filter((r) => r.actor === 'user:7' && JSON.stringify(r.details).toLowerCase().includes('ciso'))), 'all three at once');
      assert.deepEqual(seqs(await list('actor=token%3Aci_main')), seqs(all.filter((r) => r.actor === 'token:ci_main')), 'an actor with _ is matched exactly');
    });

    it('pages through the matches with afterSeq and limit', async () => {
      const want = expected('user');
      assert.ok(want.length >= 3, `enough matches to page (${want.length})`);
      const got: number[] = [];
      let after = 0;
      for (;;) {
        const page = await list(`q=user&limit=2&afterSeq=${after}`);
        assert.ok(page.length <= 2, 'page size respected');
        got.push(...seqs(page));
        if (page.length < 2) break;
        after = page[page.length - 1].seq;
      }
      assert.deepEqual(got, want, 'pages cover the matches once, oldest first');
    });

    it("stays within the caller's tenant and the audit roles; bad filters are 400", async () => {
      assert.deepEqual(seqs(await list('q=100%25')), expected('100%'), "the other tenant's matching record is not shown");
      assert.deepEqual(
        (await list('q=100%25', OTHER)).map((r) => r.target),
        ['finding:99'],
        'the other tenant sees only its own',
      );
      assert.deepEqual(seqs(await list('q=ciso', AUDITOR)), expected('ciso'), 'auditors search too');
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/audit?q=x', headers: auth(DEVELOPER) })).statusCode, 403, 'developers may not read the log');
      for (const bad of ['q=', 'action=', 'actor=', `q=${'x'.repeat(201)}`, 'colour=red']) {
        assert.equal((await app.inject({ method: 'GET', url: `/api/v1/audit?${bad}`, headers: auth(ADMIN) })).statusCode, 400, `${bad} is refused`);
      }
      await assert.rejects(db.store.listAudit(all[0].tenantId, {}, { q: '' }), /q/, 'the store refuses an empty q');
    });
  });
}
