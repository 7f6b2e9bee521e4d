import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { StaticToken } from '../server/auth.js';
import { buildServer } from '../server/server.js';
import { IdentityRepository } from '../identity/repository.js';
import { SESSION_COOKIE, CSRF_HEADER } from '../identity/sessions.js';
import { backends, type FreshDb } from '../storage/test-backends.js';
import type { Asset, AssetRef, ScanInput } from '../storage/types.js';
import { listAssets } from './repository.js';

const TOKEN_A = 'tok-a-admin-0123456789abcdef';
const TOKEN_A_DEV = 'tok-a-developer-0123456789abcdef';
const TOKEN_A_AUDITOR = 'tok-a-auditor-0123456789abcdef';
const TOKEN_B = 'tok-b-admin-0123456789abcdef';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const json = <T = Record<string, unknown>>(r: LightMyRequestResponse) => r.json() as T;

const ref = (kind: AssetRef['kind'], key: string): AssetRef => ({ kind, key });
const cluster = ref('cluster', 'cluster/prod');
const node = ref('node', 'cluster/prod/node/worker-1');
const ns = ref('namespace', 'cluster/prod/ns/shop');
const web = ref('workload', 'cluster/prod/ns/shop/deployment/web');
const image = ref('image', 'registry.example/shop/web:1.4.2');
const lodash = ref('package', 'pkg:npm/lodash@4.17.15');
const qs = ref('package', 'pkg:npm/qs@6.5.2');

function inventoryScan(id: string): ScanInput {
  return {
    id,
    target: 'k8s:cluster/prod',
    kind: 'cluster',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:01:00Z',
    assets: [
      { ...cluster, name: 'prod', criticality: 'critical' },
      { ...node, name: 'worker-1', attributes: { kubeletVersion: 'v1.30.2' } },
      { ...ns, name: 'shop' },
      { ...web, name: 'Deployment/shop/web', attributes: { privileged: true, internetFacing: true, exposedVia: ['Ingress/shop/shop'], nested: { a: [1, 2] } } },
      { ...image, name: 'registry.example/shop/web:1.4.2' },
      { ...lodash, name: 'lodash@4.17.15' },
      { ...qs, name: 'qs@6.5.2' },
    ],
    relations: [
      { from: lodash, to: image, kind: 'installed-in' },
      { from: qs, to: image, kind: 'installed-in' },
      { from: image, to: web, kind: 'used-by' },
      { from: web, to: node, kind: 'scheduled-on' },
      { from: web, to: ns, kind: 'part-of' },
      { from: ns, to: cluster, kind: 'part-of' },
      { from: node, to: cluster, kind: 'part-of' },
    ],
  };
}

for (const backend of backends()) {
  describe(`assets API on ${backend.name}`, () => {
    let db: FreshDb;
    let app: FastifyInstance;
    let tenantA: number;
    let tenantB: number;
    const ids = new Map<string, number>();
    let foreignAssetId: number;

    const get = (url: string, headers: Record<string, string> = auth(TOKEN_A)) => app.inject({ method: 'GET', url, headers });
    const post = (url: string, payload: unknown, headers: Record<string, string> = auth(TOKEN_A)) => app.inject({ method: 'POST', url, headers, payload: payload as object });
    const idOf = (r: AssetRef): number => {
      const v = ids.get(`${r.kind}:${r.key}`);
      assert.ok(v, `asset ${r.kind} ${r.key} was ingested`);
      return v;
    };

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      tenantA = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      tenantB = (await db.store.createTenant({ slug: 'blue', name: 'Blue' })).id;
      await db.store.ingestScan(tenantA, inventoryScan('inv-1'), []);
      await db.store.ingestScan(tenantB, { ...inventoryScan('inv-b'), assets: [{ ...image, name: 'b image' }], relations: [] }, []);
      for (const t of [tenantA, tenantB]) {
        for (const a of (await db.store.listAssets(t, {}, { limit: 1000 })).items) if (t === tenantA) ids.set(`${a.kind}:${a.key}`, a.id);
        else foreignAssetId = a.id;
      }
      const opts = {
        store: db.store,
        tokens: [
          { token: TOKEN_A, tenant: tenantA, role: 'admin', name: 'a-admin' },
          { token: TOKEN_A_DEV, tenant: tenantA, role: 'developer', name: 'a-dev' },
          { token: TOKEN_A_AUDITOR, tenant: tenantA, role: 'auditor', name: 'a-auditor' },
          { token: TOKEN_B, tenant: tenantB, role: 'admin', name: 'b-admin' },
        ] satisfies StaticToken[],
      };
      app = await buildServer(opts);
    });
    after(async () => {
      await app?.close();
      await db?.drop();
      await backend.teardown();
    });

    it('documents every route in OpenAPI', async () => {
      const o = json(await get('/openapi.json'));
      const paths = o.paths as Record<string, Record<string, unknown>>;
      for (const [path, method] of [
        ['/api/v1/assets', 'get'],
        ['/api/v1/assets/{id}', 'get'],
        ['/api/v1/assets/{id}/relations', 'get'],
        ['/api/v1/assets/{id}/sbom', 'get'],
        ['/api/v1/asset-groups', 'get'],
        ['/api/v1/asset-groups', 'post'],
        ['/api/v1/asset-groups/{id}/assets', 'post'],
      ] as const) {
        assert.ok(paths[path]?.[method], `OpenAPI documents ${method} ${path}`);
      }
    });

    it('lists the tenant\'s assets, filters by kind, pages with a cursor, never shows another tenant\'s', async () => {
      const all = json<{ items: Asset[]; nextCursor?: string }>(await get('/api/v1/assets'));
      assert.equal(all.items.length, 7);
      assert.equal(all.nextCursor, undefined);
      const w = all.items.find((a) => a.kind === 'workload');
      assert.deepEqual(w?.attributes, { privileged: true, internetFacing: true, exposedVia: ['Ingress/shop/shop'], nested: { a: [1, 2] } }, 'attributes come back whole');
      assert.equal(all.items.find((a) => a.kind === 'cluster')?.criticality, 'critical');

      const pkgs = json<{ items: Asset[] }>(await get('/api/v1/assets?kind=package'));
      assert.deepEqual(pkgs.items.map((a) => a.key).sort(), [lodash.key, qs.key]);

      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = json<{ items: Asset[]; nextCursor?: string }>(await get(`/api/v1/assets?limit=3${cursor ? `&cursor=${cursor}` : ''}`));
        assert.ok(page.items.length <= 3, 'page size respected');
        seen.push(...page.items.map((a) => a.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, all.items.map((a) => a.id), 'pages cover the list once, in id order');

      const b = json<{ items: Asset[] }>(await get('/api/v1/assets', auth(TOKEN_B)));
      assert.deepEqual(b.items.map((a) => a.id), [foreignAssetId]);
      assert.equal((await get('/api/v1/assets?kind=pod')).statusCode, 400);
      assert.equal((await get('/api/v1/assets?limit=0')).statusCode, 400);
      assert.equal((await get('/api/v1/assets?limit=5000')).statusCode, 400);
      assert.equal((await get('/api/v1/assets?cursor=bm90LWEtY3Vyc29y')).statusCode, 400, 'a forged cursor is a 400');
      assert.equal((await get('/api/v1/assets?colour=red')).statusCode, 400, 'unknown query field');
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/assets' })).statusCode, 401);
    });

    it('reads one asset; another tenant\'s id answers 404 like a missing one', async () => {
      const r = await get(`/api/v1/assets/${idOf(web)}`);
      assert.equal(r.statusCode, 200, r.body);
      const a = json<Asset & { groups: unknown[] }>(r);
      assert.equal(a.key, web.key);
      assert.equal(a.name, 'Deployment/shop/web');
      assert.deepEqual(a.groups, []);
      const foreign = await get(`/api/v1/assets/${foreignAssetId}`);
      assert.equal(foreign.statusCode, 404);
      assert.deepEqual(json(foreign), { statusCode: 404, error: 'Not Found', message: `no asset ${foreignAssetId}` });
      assert.equal((await get('/api/v1/assets/999999')).statusCode, 404);
      assert.equal((await get('/api/v1/assets/abc')).statusCode, 400);
      assert.equal((await get(`/api/v1/assets/${idOf(web)}/relations`, auth(TOKEN_B))).statusCode, 404, 'relations of a foreign asset');
    });

    it('walks the graph package → image → workload → node → cluster, depth- and size-limited', async () => {
      type Graph = { asset: Asset; depth: number; direction: string; assets: (Asset & { depth: number })[]; relations: { fromId: number; toId: number; kind: string }[]; truncated: boolean };
      const up = json<Graph>(await get(`/api/v1/assets/${idOf(lodash)}/relations?direction=up&depth=4`));
      assert.equal(up.asset.id, idOf(lodash));
      assert.deepEqual(up.assets.map((a) => `${a.depth}:${a.kind}`).sort(), ['0:package', '1:image', '2:workload', '3:namespace', '3:node', '4:cluster']);
      assert.deepEqual(up.assets.map((a) => a.depth), [0, 1, 2, 3, 3, 4], 'ordered by depth');
      assert.equal(up.truncated, false);
      assert.deepEqual(
        up.relations.map((e) => e.kind).sort(),
        ['installed-in', 'part-of', 'part-of', 'part-of', 'scheduled-on', 'used-by'],
        'edges among the returned assets, node → cluster included',
      );

      const short = json<Graph>(await get(`/api/v1/assets/${idOf(lodash)}/relations?direction=up&depth=1`));
      assert.deepEqual(short.assets.map((a) => a.kind), ['package', 'image']);

      const down = json<Graph>(await get(`/api/v1/assets/${idOf(cluster)}/relations?direction=down&depth=1`));
      assert.deepEqual(down.assets.map((a) => a.kind).sort(), ['cluster', 'namespace', 'node']);

      const both = json<Graph>(await get(`/api/v1/assets/${idOf(image)}/relations`));
      assert.equal(both.depth, 2);
      assert.equal(both.direction, 'both');
      assert.deepEqual(both.assets.map((a) => a.kind).sort(), ['image', 'namespace', 'node', 'package', 'package', 'workload']);

      const capped = json<Graph>(await get(`/api/v1/assets/${idOf(image)}/relations?limit=2`));
      assert.equal(capped.assets.length, 2);
      assert.equal(capped.truncated, true);
      assert.equal((await get(`/api/v1/assets/${idOf(image)}/relations?depth=9`)).statusCode, 400);
    });

    it('creates groups (admin/analyst, audited), refuses duplicates, adds only the tenant\'s assets', async () => {
      assert.equal((await post('/api/v1/asset-groups', { name: 'shop' }, auth(TOKEN_A_DEV))).statusCode, 403, 'developers may not');
      assert.equal((await post('/api/v1/asset-groups', { name: 'shop' }, auth(TOKEN_A_AUDITOR))).statusCode, 403, 'auditors may not');
      const created = await post('/api/v1/asset-groups', { name: 'shop' });
      assert.equal(created.statusCode, 201, created.body);
      const group = json<{ id: number; name: string; createdAt: string }>(created);
      assert.equal(group.name, 'shop');
      const dup = await post('/api/v1/asset-groups', { name: 'shop' });
      assert.equal(dup.statusCode, 409);
      assert.match(json<{ message: string }>(dup).message, /already exists/);
      assert.equal((await post('/api/v1/asset-groups', { name: 'x', colour: 'red' })).statusCode, 400, 'unknown body field');
      assert.equal((await post('/api/v1/asset-groups', { name: '   ' })).statusCode, 400, 'blank name');

      const add = await post(`/api/v1/asset-groups/${group.id}/assets`, { assetIds: [idOf(image), idOf(web), foreignAssetId, 424242] });
      assert.equal(add.statusCode, 200, add.body);
      assert.deepEqual(json(add), { added: 2, ignored: 2 });
      assert.deepEqual(json(await post(`/api/v1/asset-groups/${group.id}/assets`, { assetIds: [idOf(image)] })), { added: 0, ignored: 0 }, 'membership is idempotent');
      assert.equal((await post(`/api/v1/asset-groups/${group.id}/assets`, { assetIds: [] })).statusCode, 400);
      assert.equal((await post(`/api/v1/asset-groups/${group.id}/assets`, { assetIds: ['1'] })).statusCode, 400, 'ids are integers');
      assert.equal((await post(`/api/v1/asset-groups/${group.id}/assets`, { assetIds: [idOf(image)] }, auth(TOKEN_B))).statusCode, 404, 'another tenant\'s group');

      const members = json<{ items: Asset[] }>(await get(`/api/v1/assets?group=${group.id}`));
      assert.deepEqual(members.items.map((a) => a.id), [idOf(web), idOf(image)].sort((a, b) => a - b));
      assert.deepEqual(json<{ groups: unknown[] }>(await get(`/api/v1/assets/${idOf(image)}`)).groups, [{ id: group.id, name: 'shop' }]);
      assert.deepEqual(json<{ items: unknown[] }>(await get('/api/v1/asset-groups', auth(TOKEN_A_AUDITOR))).items, [group]);
      assert.deepEqual(json<{ items: unknown[] }>(await get('/api/v1/asset-groups', auth(TOKEN_B))).items, []);

      const audit = await db.store.listAudit(tenantA);
      const actions = audit.map((r) => [r.actor, r.action, r.target]);
      assert.deepEqual(actions.filter((a) => String(a[1]).startsWith('asset-group.')), [
        ['token:a-admin', 'asset-group.create', `asset-group:${group.id}`],
        ['token:a-admin', 'asset-group.add-assets', `asset-group:${group.id}`],
        ['token:a-admin', 'asset-group.add-assets', `asset-group:${group.id}`],
      ]);
      assert.deepEqual(audit.find((r) => r.action === 'asset-group.add-assets')?.details, { requested: 4, added: 2, assetIds: [idOf(image), idOf(web)].sort((a, b) => a - b) });
      assert.equal((await db.store.verifyAuditChain(tenantA)).ok, true);
    });

    it('a caller scoped to asset groups sees only their assets, graph and groups', async () => {
      const groups = json<{ items: { id: number; name: string }[] }>(await get('/api/v1/asset-groups'));
      const shop = groups.items.find((g) => g.name === 'shop');
      assert.ok(shop, 'group shop exists');
      const other = json<{ id: number }>(await post('/api/v1/asset-groups', { name: 'other' }));
      await post(`/api/v1/asset-groups/${other.id}/assets`, { assetIds: [idOf(lodash)] });
      // A logged-in analyst limited to the group "shop": a real user and session cookie (CSRF header for writes).
      const identity = new IdentityRepository(db.store.sql);
      const user = await identity.createUser(tenantA, { email: 'ana@acme.example', role: 'analyst', assetGroups: [shop.id] });
      const session = await identity.createSession(user);
      const scoped = { cookie: `${SESSION_COOKIE}=${session.token}`, [CSRF_HEADER]: session.csrf };

      const listRes = await get('/api/v1/assets', scoped);
      assert.equal(listRes.statusCode, 200, listRes.body);
      const list = json<{ items: Asset[] }>(listRes);
      assert.deepEqual(list.items.map((a) => a.kind).sort(), ['image', 'workload']);
      assert.deepEqual(json<{ items: Asset[] }>(await get('/api/v1/assets?kind=package', scoped)).items, []);
      assert.deepEqual(json<{ items: Asset[] }>(await get(`/api/v1/assets?group=${other.id}`, scoped)).items, [], 'a group outside the scope lists nothing');
      assert.equal((await get(`/api/v1/assets/${idOf(lodash)}`, scoped)).statusCode, 404, 'an asset outside the scope is 404');
      assert.equal((await get(`/api/v1/assets/${idOf(image)}`, scoped)).statusCode, 200);

      const graph = json<{ assets: Asset[]; relations: { fromId: number; toId: number }[] }>(await get(`/api/v1/assets/${idOf(image)}/relations?depth=3`, scoped));
      assert.deepEqual(graph.assets.map((a) => a.kind).sort(), ['image', 'workload'], 'hidden assets are neither shown nor walked through');
      assert.deepEqual(graph.relations, [{ fromId: idOf(image), toId: idOf(web), kind: 'used-by' }]);

      assert.deepEqual(json<{ items: { name: string }[] }>(await get('/api/v1/asset-groups', scoped)).items.map((g) => g.name), ['shop']);
      assert.deepEqual(json(await post(`/api/v1/asset-groups/${shop.id}/assets`, { assetIds: [idOf(lodash), idOf(web)] }, scoped)), { added: 0, ignored: 1 }, 'a scoped caller cannot pull hidden assets into its view');
      assert.equal((await post(`/api/v1/asset-groups/${other.id}/assets`, { assetIds: [idOf(web)] }, scoped)).statusCode, 404, 'a group outside the scope is 404');

      assert.deepEqual(await listAssets(db.store, tenantA, {}, [], { limit: 10 }), { items: [] }, 'an empty scope sees nothing');
    });

    it('searches key and name with q: case-insensitive, LIKE wildcards literal, paged, scoped, tenant-bound', async () => {
      // Names and keys holding %, _ and \ (which LIKE would read as patterns), and look-alikes that must not match.
      await db.store.ingestScan(
        tenantA,
        {
          id: 'search-1',
          target: 'git.example/search',
          kind: 'repository',
          startedAt: '2026-01-02T00:00:00Z',
          finishedAt: '2026-01-02T00:01:00Z',
          assets: [
            { kind: 'repository', key: 'git.example/100%_Done', name: 'Coverage 100%' },
            { kind: 'repository', key: 'git.example/100xyDone', name: 'Coverage 100 percent' },
            { kind: 'repository', key: 'git.example/a_b', name: 'A_B' },
            { kind: 'repository', key: 'git.example/axb', name: 'AxB' },
            { kind: 'repository', key: 'git.example/win', name: 'C:\\Temp\\Build' },
          ],
        },
        [],
      );
      const all: Asset[] = [];
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = json<{ items: Asset[]; nextCursor?: string }>(await get(`/api/v1/assets?limit=1000${cursor ? `&cursor=${cursor}` : ''}`));
        all.push(...page.items);
        cursor = page.nextCursor;
      }
      const expected = (needle: string, kind?: string) =>
        all.filter((a) => (kind === undefined || a.kind === kind) && (a.key.toLowerCase().includes(needle.toLowerCase()) || a.name.toLowerCase().includes(needle.toLowerCase()))).map((a) => a.id);
      const search = async (query: string, headers?: Record<string, string>) => {
        const r = await get(`/api/v1/assets?${query}`, headers);
        assert.equal(r.statusCode, 200, `${query}: ${r.body}`);
        return json<{ items: Asset[]; nextCursor?: string }>(r).items.map((a) => a.id);
      };
      for (const needle of ['LODASH', 'shop', 'Deployment/SHOP', '%', '_', '100%_d', 'a_b', '\\', 'c:\\temp', 'nothing-like-this']) {
        const want = expected(needle);
        assert.deepEqual(await search(`q=${encodeURIComponent(needle)}`), want, `q=${needle} matches key or name, case-insensitive, wildcards literal`);
      }
      for (const needle of ['%', '_', '\\']) {
        const n = expected(needle).length;
        assert.ok(n > 0 && n < all.length, `q=${needle} matches some assets (${n} of ${all.length}), not every one`);
      }
      assert.ok(!(await search('q=a_b')).some((id) => all.find((a) => a.id === id)?.key === 'git.example/axb'), '_ is not a one-character wildcard');
      assert.ok(!(await search(`q=${encodeURIComponent('100%_')}`)).some((id) => all.find((a) => a.id === id)?.key === 'git.example/100xyDone'), '% is not a wildcard');
      assert.deepEqual(await search('q=shop&kind=workload'), expected('shop', 'workload'), 'q combines with kind');

      const paged: number[] = [];
      let cursor: string | undefined;
      do {
        const page = json<{ items: Asset[]; nextCursor?: string }>(await get(`/api/v1/assets?q=example&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
        assert.ok(page.items.length <= 2, 'page size respected with q');
        paged.push(...page.items.map((a) => a.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.ok(paged.length > 2, `several pages of matches (${paged.length})`);
      assert.deepEqual(paged, expected('example'), 'the cursor pages through the matches once, in id order');

      assert.deepEqual(await search('q=b%20image', auth(TOKEN_B)), [foreignAssetId], 'tenant B finds its own asset');
      assert.deepEqual(await search('q=b%20image'), expected('b image'), "tenant A never finds tenant B's asset");
      assert.ok(!(await search('q=registry')).includes(foreignAssetId), "tenant B's image stays hidden from A");

      const shop = json<{ items: { id: number; name: string }[] }>(await get('/api/v1/asset-groups')).items.find((g) => g.name === 'shop');
      assert.ok(shop, 'group shop exists');
      const members = new Set(json<{ items: Asset[] }>(await get(`/api/v1/assets?group=${shop.id}`)).items.map((a) => a.id));
      const scoped = await listAssets(db.store, tenantA, { q: 'SHOP' }, [shop.id], { limit: 100 });
      assert.deepEqual(scoped.items.map((a) => a.id), expected('shop').filter((id) => members.has(id)), 'q searches only within the scope');
      assert.deepEqual(await listAssets(db.store, tenantA, { q: 'shop' }, [], { limit: 100 }), { items: [] }, 'an empty scope finds nothing');

      assert.equal((await get('/api/v1/assets?q=')).statusCode, 400, 'an empty q is refused');
      assert.equal((await get(`/api/v1/assets?q=${'x'.repeat(201)}`)).statusCode, 400, 'q is at most 200 characters');
    });
  });
}
