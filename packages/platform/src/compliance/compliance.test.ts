import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFramework, frameworks } from '@bulwark/posture';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { IdentityRepository } from '../identity/repository.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../identity/sessions.js';
import { buildReportData } from '../reports/data.js';
import { buildServer } from '../server/server.js';
import { backends, type FreshDb } from '../storage/test-backends.js';
import { ROLES, type FindingInput, type Role, type ScanInput } from '../storage/types.js';
import { expectedControlCounts } from '../reports/test-oracle.js';

const token = (tenant: 'a' | 'b', role: Role) => `tok-compliance-${tenant}-${role}-0123456789`;
const auth = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });
const ADMIN = token('a', 'admin');

interface ApiFinding {
  id: number;
  ruleId: string;
  status: string;
  asset: { id: number; key: string; kind: string };
}
interface Failing {
  findingId: number;
  ruleId: string;
  severity: string;
  resource: string;
  target: string;
  assetId?: number;
  assetKind?: string;
}
interface Control {
  id: string;
  title: string;
  titleZh?: string;
  status: 'pass' | 'fail' | 'not-evaluated';
  rules: string[];
  open: number;
  excepted: number;
  fixed: number;
  failing: Failing[];
}
interface Counts {
  pass: number;
  fail: number;
  notEvaluated: number;
  total: number;
}
interface Detail {
  scope: Record<string, unknown>;
  scopeDescription: string;
  framework: { id: string; name: string; nameZh?: string; version: string };
  summary: Counts;
  controls: Control[];
}
interface Overview {
  scope: Record<string, unknown>;
  items: { id: string; name: string; nameZh?: string; summary: Counts }[];
}

const cfg = (ruleId: string, severity: FindingInput['severity'], key: string, kind: 'workload' | 'cluster' = 'workload'): FindingInput => ({
  type: 'config',
  ruleId,
  title: `${ruleId} on ${key}`,
  severity,
  asset: { kind, key },
  locator: key,
});

function scan(id: string, target: string, finishedAt: string): ScanInput {
  return { id, target, kind: 'cluster', startedAt: finishedAt, finishedAt };
}

const PROD = [
  cfg('BLW-K8S-016', 'high', 'cluster/prod/ns/shop/deployment/web'),
  cfg('BLW-K8S-016', 'high', 'cluster/prod/ns/shop/deployment/cart'),
  cfg('BLW-K8S-120', 'medium', 'cluster/prod/ns/kube-system/pod/kube-apiserver-n1'),
  cfg('BLW-K8S-312', 'high', 'cluster/prod/clusterrole/admin-all', 'cluster'),
  cfg('BLW-K8S-103', 'medium', 'cluster/prod/ns/kube-system/pod/etcd-n1'),
];

for (const backend of backends()) {
  describe(`compliance API on ${backend.name}`, () => {
    let db: FreshDb;
    let app: FastifyInstance;
    let tenant: number;

    const get = (url: string, headers: Record<string, string> = auth(ADMIN)) => app.inject({ method: 'GET', url, headers });
    const ok = async <T>(url: string, headers?: Record<string, string>): Promise<T> => {
      const r: LightMyRequestResponse = await get(url, headers);
      assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
      return r.json() as T;
    };

    /** Every config finding the caller sees, through GET /api/v1/findings. */
    async function configFindings(headers?: Record<string, string>): Promise<ApiFinding[]> {
      const out: ApiFinding[] = [];
      let cursor: string | undefined;
      do {
        const page = await ok<{ items: ApiFinding[]; nextCursor?: string }>(`/api/v1/findings?type=config&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers);
        out.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    }

    /** Checks a detail against API findings: counts per control, status fail iff open, evidence = open findings. */
    function checkDetail(d: Detail, items: ApiFinding[], framework: string): void {
      const want = expectedControlCounts(items, framework);
      assert.deepEqual(d.controls.map((c) => c.id).sort(), [...want.keys()].sort(), `${framework}: every control of the framework`);
      const byId = new Map(items.map((f) => [f.id, f]));
      for (const c of d.controls) {
        assert.deepEqual([c.open, c.excepted, c.fixed], want.get(c.id), `${framework} ${c.id}: open, excepted, fixed`);
        assert.equal(c.status === 'fail', c.open > 0, `${framework} ${c.id}: fails exactly when a finding of its rules is open (${c.status})`);
        assert.equal(c.failing.length, Math.min(c.open, 50), `${framework} ${c.id}: failing evidence listed`);
        for (const e of c.failing) {
          const f = byId.get(e.findingId);
          assert.ok(f, `${framework} ${c.id}: evidence finding ${e.findingId} is one the caller sees`);
          assert.equal(f.status, 'open', `${framework} ${c.id}: evidence ${e.findingId} is open`);
          assert.ok(c.rules.includes(f.ruleId) && e.ruleId === f.ruleId, `${framework} ${c.id}: evidence rule ${e.ruleId} is one of the control's`);
          assert.equal(e.resource, f.asset.key, `${framework} ${c.id}: evidence resource is the asset key`);
          assert.equal(e.assetId, f.asset.id, `${framework} ${c.id}: evidence asset id`);
          assert.equal(e.assetKind, f.asset.kind, `${framework} ${c.id}: evidence asset kind`);
        }
      }
      const count = (s: Control['status']) => d.controls.filter((c) => c.status === s).length;
      assert.deepEqual(d.summary, { pass: count('pass'), fail: count('fail'), notEvaluated: count('not-evaluated'), total: d.controls.length }, `${framework}: summary counts the controls`);
    }

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      tenant = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const other = (await db.store.createTenant({ slug: 'blue', name: 'Blue' })).id;
      app = await buildServer({
        store: db.store,
        tokens: ROLES.flatMap((role) => [
          { token: token('a', role), tenant, role, name: `a-${role}` },
          { token: token('b', role), tenant: other, role, name: `b-${role}` },
        ]),
      });
      const post = async (t: string, body: unknown) => {
        const r = await app.inject({ method: 'POST', url: '/api/v1/scans', headers: auth(t), payload: body as object });
        assert.equal(r.statusCode, 201, r.body);
      };
      await post(ADMIN, { scan: scan('prod-1', 'cluster/prod', '2026-02-01T00:00:00Z'), findings: PROD });
      // The cart workload was fixed: the rescan no longer reports it.
      await post(ADMIN, { scan: scan('prod-2', 'cluster/prod', '2026-02-02T00:00:00Z'), findings: PROD.filter((f) => !f.asset.key.endsWith('/cart')) });
      await post(ADMIN, { scan: scan('staging-1', 'cluster/staging', '2026-02-03T00:00:00Z'), findings: [cfg('BLW-K8S-016', 'low', 'cluster/staging/ns/shop/deployment/web')] });
      // The other tenant has more open findings of the same rules: none may count for tenant a.
      const b = token('b', 'admin');
      await post(b, { scan: scan('prod-1', 'cluster/prod', '2026-02-01T00:00:00Z'), findings: [...PROD, cfg('BLW-K8S-016', 'critical', 'cluster/prod/ns/blue/deployment/x')] });
      const etcd = (await configFindings()).find((f) => f.ruleId === 'BLW-K8S-103');
      assert.ok(etcd, 'the etcd finding exists');
      const r = await app.inject({ method: 'PATCH', url: `/api/v1/findings/${etcd.id}/status`, headers: auth(ADMIN), payload: { status: 'risk-accepted', reason: 'test' } });
      assert.equal(r.statusCode, 200, r.body);
    });
    after(async () => {
      await app?.close();
      await db?.drop();
      await backend.teardown();
    });

    it('lists every framework with control counts equal to its detail and to the compliance report', async () => {
      const o = await ok<Overview>('/api/v1/compliance');
      assert.deepEqual(o.items.map((i) => i.id), frameworks.map((f) => f.id), 'every registered framework, in registry order');
      assert.deepEqual(o.scope, { type: 'tenant' }, 'tenant scope by default');
      for (const item of o.items) {
        const spec = frameworks.find((f) => f.id === item.id);
        assert.equal(item.nameZh, spec?.nameZh, `${item.id}: nameZh as the framework has it`);
        const d = await ok<Detail>(`/api/v1/compliance/${item.id}`);
        assert.deepEqual(item.summary, d.summary, `${item.id}: list and detail agree`);
        const report = await buildReportData(db.store, tenant, { scope: { type: 'tenant' }, kind: 'compliance', framework: item.id }, new Date());
        assert.deepEqual(d.summary, report.compliance?.summary, `${item.id}: same counts as the compliance report`);
        assert.deepEqual(
          d.controls.map((c) => [c.id, c.status]),
          report.compliance?.controls.map((c) => [c.id, c.status]),
          `${item.id}: same control statuses as the compliance report`,
        );
      }
      const mlps = o.items.find((i) => i.id === 'mlps-2.0');
      assert.ok(mlps && mlps.summary.fail > 0, 'MLPS 2.0 has failing controls');
    });

    it('details every control: status, rules, counts, failing evidence with finding and asset ids; zh titles', async () => {
      const items = await configFindings();
      assert.ok(items.some((f) => f.status === 'fixed') && items.some((f) => f.status === 'risk-accepted'), 'fixed and excepted findings exist');
      for (const f of frameworks) checkDetail(await ok<Detail>(`/api/v1/compliance/${f.id}`), items, f.id);
      const mlps = await ok<Detail>(`/api/v1/compliance/${encodeURIComponent('等保2.0')}`);
      assert.equal(mlps.framework.id, 'mlps-2.0', 'an alias names the framework');
      assert.equal(mlps.framework.nameZh, findFramework('mlps-2.0')?.nameZh, 'nameZh');
      const specZh = new Map((findFramework('mlps-2.0')?.controls ?? []).map((c) => [c.id, c.titleZh]));
      for (const c of mlps.controls) if (specZh.get(c.id)) assert.equal(c.titleZh, specZh.get(c.id), `MLPS ${c.id}: titleZh`);
      assert.ok(mlps.controls.some((c) => c.titleZh), 'MLPS controls carry Chinese titles');
      const excepted = mlps.controls.find((c) => c.rules.includes('BLW-K8S-103'));
      assert.ok(excepted && excepted.excepted > 0 && excepted.status !== 'fail', 'a risk-accepted finding is excepted and does not fail its control');
    });

    it('answers every read role; 404 names the known frameworks; bad scopes and fields are 400', async () => {
      for (const role of ROLES) {
        assert.equal((await get('/api/v1/compliance', auth(token('a', role)))).statusCode, 200, `${role} lists frameworks`);
        assert.equal((await get('/api/v1/compliance/pci-dss', auth(token('a', role)))).statusCode, 200, `${role} reads a framework`);
      }
      const missing = await get('/api/v1/compliance/iso-27001');
      assert.equal(missing.statusCode, 404, missing.body);
      const message = (missing.json() as { message: string }).message;
      for (const f of frameworks) assert.ok(message.includes(f.id), `404 message names ${f.id}: ${message}`);
      for (const bad of ['scope=tenant&target=x', 'scope=planet', 'assetId=0', 'name=a/b', 'colour=red', 'scope=image']) {
        assert.equal((await get(`/api/v1/compliance/mlps?${bad}`)).statusCode, 400, `detail ?${bad} is a 400`);
        assert.equal((await get(`/api/v1/compliance?${bad}`)).statusCode, 400, `list ?${bad} is a 400`);
      }
      assert.equal((await get('/api/v1/compliance/mlps?assetId=987654')).statusCode, 400, 'an image asset that does not exist');
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/compliance' })).statusCode, 401, 'no credentials');
    });

    it('takes a report scope: a cluster by name, an image target', async () => {
      const items = await configFindings();
      const staging = items.filter((f) => f.asset.key.startsWith('cluster/staging/'));
      for (const url of ['/api/v1/compliance/cis-kubernetes?scope=cluster&name=staging', '/api/v1/compliance/cis-kubernetes?name=staging']) {
        const d = await ok<Detail>(url);
        assert.deepEqual(d.scope, { type: 'cluster', name: 'staging' }, `${url}: scope`);
        checkDetail(d, staging, 'cis-kubernetes');
      }
      const list = await ok<Overview>('/api/v1/compliance?name=staging');
      const d = await ok<Detail>('/api/v1/compliance/cis-kubernetes?name=staging');
      assert.deepEqual(list.items.find((i) => i.id === 'cis-kubernetes')?.summary, d.summary, 'the list takes the scope too');
      const image = await ok<Detail>('/api/v1/compliance/cis-kubernetes?target=registry.example%2Fnothing%3A1');
      assert.ok(image.controls.every((c) => c.status === 'not-evaluated' && c.open === 0), 'an image without config findings: nothing evaluated');
    });

    it("limits a caller scoped to asset groups to their assets' findings", async () => {
      const items = await configFindings();
      const web = items.find((f) => f.asset.key === 'cluster/prod/ns/shop/deployment/web');
      assert.ok(web, 'the web workload has a finding');
      const g = (await app.inject({ method: 'POST', url: '/api/v1/asset-groups', headers: auth(ADMIN), payload: { name: 'web' } })).json() as { id: number };
      await app.inject({ method: 'POST', url: `/api/v1/asset-groups/${g.id}/assets`, headers: auth(ADMIN), payload: { assetIds: [web.asset.id] } });
      const identity = new IdentityRepository(db.store.sql);
      const user = await identity.createUser(tenant, { email: 'dev@acme.example', role: 'developer', assetGroups: [g.id] });
      const session = await identity.createSession(user);
      const scoped = { cookie: `${SESSION_COOKIE}=${session.token}`, [CSRF_HEADER]: session.csrf };
      const visible = await configFindings(scoped);
      assert.deepEqual([...new Set(visible.map((f) => f.asset.key))], ['cluster/prod/ns/shop/deployment/web'], 'the scoped caller sees only the web workload');
      for (const f of ['cis-kubernetes', 'mlps-2.0']) {
        const d = await ok<Detail>(`/api/v1/compliance/${f}`, scoped);
        checkDetail(d, visible, f);
        assert.ok(d.controls.flatMap((c) => c.failing).every((e) => e.assetId === web.asset.id), `${f}: only the group's resources as evidence`);
      }
      const all = await ok<Overview>('/api/v1/compliance');
      const mine = await ok<Overview>('/api/v1/compliance', scoped);
      const fails = (o: Overview) => o.items.reduce((n, i) => n + i.summary.fail, 0);
      assert.ok(fails(mine) < fails(all), `fewer failing controls in the scoped view (${fails(mine)} < ${fails(all)})`);
    });
  });
}
