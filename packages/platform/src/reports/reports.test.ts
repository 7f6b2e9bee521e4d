import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SEVERITIES } from '@bulwark/core';
import { seededRandom } from '@bulwark/core/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../server/server.js';
import { backends, type FreshDb } from '../storage/test-backends.js';
import type { AssetInput, FindingInput, RelationInput, ScanInput } from '../storage/types.js';
import { buildReportData } from './data.js';
import { reportsModule } from './routes.js';
import { readBack, readXlsx, type ReadBack } from './test-read.js';
import { expectedControlCounts } from './test-oracle.js';

const TOKEN = 'tok-reports-admin-0123456789';
const AUDITOR = 'tok-reports-auditor-0123456789';
const DEVELOPER = 'tok-reports-dev-0123456789ab';
const OTHER = 'tok-reports-other-0123456789';
const TENANT_NAME = '示例科技 Acme 公司';

const SHOP_TARGET = 'registry.example/shop:1.4';
const SHOP_IMAGE = 'registry.example/shop@sha256:aa11';
const API_TARGET = 'registry.example/api:2.0';
const API_IMAGE = 'registry.example/api@sha256:bb22';
const WEB_IMAGE = 'registry.example/web@sha256:cc33';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const json = (r: LightMyRequestResponse) => r.json() as Record<string, unknown>;

interface ApiFinding {
  id: number;
  type: string;
  ruleId: string;
  severity: string;
  status: string;
  kev: boolean;
  fixAvailable: boolean;
  asset: { kind: string; key: string; id: number };
  target: string;
  priority: { score: number };
}

interface ReportMeta {
  id: number;
  filename: string;
  contentType: string;
  generatedAt: string;
  sizeBytes: number;
  summary: Record<string, unknown>;
  downloadUrl: string;
}

function scan(id: string, target: string, kind: string, finishedAt: string, extra: { assets?: AssetInput[]; relations?: RelationInput[] } = {}): ScanInput {
  return { id, target, kind, startedAt: finishedAt, finishedAt, ...extra };
}

/** Seeded data: two image scans, cluster scans (prod, staging, a look-alike "production"), a repo scan. */
function seed(): Array<{ scan: ScanInput; findings: FindingInput[] }> {
  const rnd = seededRandom(20260301);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const vuln = (i: number, asset: FindingInput['asset'], locator: string): FindingInput => ({
    type: 'vulnerability',
    ruleId: `CVE-2025-${10000 + i}`,
    title: `Flaw ${i}`,
    severity: pick(SEVERITIES),
    kev: rnd() < 0.15,
    fixAvailable: rnd() < 0.5,
    asset,
    locator,
    priority: { score: Math.round(rnd() * 1000) / 10, factors: [] },
  });
  const shopPkgs = Array.from({ length: 8 }, (_, i) => `pkg:npm/shop-lib${i}@1.0.${i}`);
  const apiPkgs = Array.from({ length: 5 }, (_, i) => `pkg:pypi/api-lib${i}@2.${i}`);
  const webPkgs = Array.from({ length: 4 }, (_, i) => `pkg:golang/web-lib${i}@v0.${i}.0`);
  const shopFindings = Array.from({ length: 34 }, (_, i) =>
    i % 5 === 0 ? vuln(i, { kind: 'image', key: SHOP_IMAGE }, `os${i}`) : vuln(i, { kind: 'package', key: shopPkgs[i % shopPkgs.length] }, `p${i}`),
  );
  const apiFindings = Array.from({ length: 15 }, (_, i) => vuln(100 + i, { kind: 'package', key: apiPkgs[i % apiPkgs.length] }, `p${i}`));
  const cfg = (ruleId: string, severity: FindingInput['severity'], key: string, kind: 'workload' | 'node' | 'namespace' | 'cluster' = 'workload'): FindingInput => ({
    type: 'config',
    ruleId,
    title: `${ruleId} on ${key}`,
    severity,
    asset: { kind, key },
    locator: key,
  });
  const prod = [
    cfg('BLW-K8S-016', 'high', 'cluster/prod/ns/shop/deployment/web'),
    cfg('BLW-K8S-016', 'high', 'cluster/prod/ns/shop/deployment/cart'),
    cfg('BLW-K8S-120', 'medium', 'cluster/prod/ns/kube-system/pod/kube-apiserver-n1'),
    cfg('BLW-K8S-312', 'high', 'cluster/prod/clusterrole/admin-all', 'cluster'),
    cfg('BLW-K8S-103', 'medium', 'cluster/prod/ns/kube-system/pod/etcd-n1'),
    { type: 'secret', ruleId: 'BLW-SECRET-001', title: 'AWS access key in ConfigMap', severity: 'critical', asset: { kind: 'workload', key: 'cluster/prod/ns/shop/configmap/env' } },
    vuln(200, { kind: 'image', key: WEB_IMAGE }, 'w1'),
    vuln(201, { kind: 'image', key: WEB_IMAGE }, 'w2'),
  ] satisfies FindingInput[];
  return [
    {
      scan: scan('shop-1', SHOP_TARGET, 'image', '2026-02-01T00:00:00Z', {
        assets: [{ kind: 'image', key: SHOP_IMAGE, name: 'shop' }, ...shopPkgs.map((key) => ({ kind: 'package' as const, key }))],
        relations: shopPkgs.map((key) => ({ from: { kind: 'package' as const, key }, to: { kind: 'image' as const, key: SHOP_IMAGE }, kind: 'installed-in' as const })),
      }),
      findings: shopFindings,
    },
    // The rescan no longer sees the last 9 findings: they become fixed.
    { scan: scan('shop-2', SHOP_TARGET, 'image', '2026-02-10T00:00:00Z'), findings: shopFindings.slice(0, 25) },
    {
      scan: scan('api-1', `image:${API_TARGET}`, 'image', '2026-02-02T00:00:00Z', {
        assets: [{ kind: 'image', key: API_IMAGE }, ...apiPkgs.map((key) => ({ kind: 'package' as const, key }))],
        relations: apiPkgs.map((key) => ({ from: { kind: 'package' as const, key }, to: { kind: 'image' as const, key: API_IMAGE }, kind: 'installed-in' as const })),
      }),
      findings: apiFindings,
    },
    { scan: scan('prod-1', 'cluster/prod', 'cluster', '2026-02-03T00:00:00Z'), findings: prod },
    // The cart workload was fixed: its finding is fixed by the rescan, the rest stays open.
    { scan: scan('prod-2', 'cluster/prod', 'cluster', '2026-02-11T00:00:00Z'), findings: prod.filter((f) => f.asset.key !== 'cluster/prod/ns/shop/deployment/cart') },
    { scan: scan('staging-1', 'cluster/staging', 'cluster', '2026-02-04T00:00:00Z'), findings: [cfg('BLW-K8S-016', 'high', 'cluster/staging/ns/shop/deployment/web')] },
    // Not prod: "production" only shares a prefix of the name.
    { scan: scan('production-1', 'cluster/production', 'cluster', '2026-02-04T00:00:00Z'), findings: [cfg('BLW-K8S-016', 'low', 'cluster/production/ns/a/deployment/b'), vuln(300, { kind: 'image', key: 'registry.example/other@sha256:ee' }, 'x')] },
    // Prod by target as the CLI names it ("k8s:cluster/prod"), on an asset outside the cluster's keys.
    { scan: scan('k8s-1', 'k8s:cluster/prod', 'cluster', '2026-02-06T00:00:00Z'), findings: [vuln(400, { kind: 'image', key: 'registry.example/sidecar@sha256:dd' }, 's')] },
    // The web image, scanned on its own ("image:<ref>" as the CLI names it), runs in prod's web workload.
    {
      scan: scan('web-1', `image:${WEB_IMAGE}`, 'image', '2026-02-07T00:00:00Z', {
        assets: [{ kind: 'image', key: WEB_IMAGE }, ...webPkgs.map((key) => ({ kind: 'package' as const, key }))],
        relations: [
          ...webPkgs.map((key) => ({ from: { kind: 'package' as const, key }, to: { kind: 'image' as const, key: WEB_IMAGE }, kind: 'installed-in' as const })),
          { from: { kind: 'image', key: WEB_IMAGE }, to: { kind: 'workload', key: 'cluster/prod/ns/shop/deployment/web' }, kind: 'used-by' },
        ],
      }),
      findings: webPkgs.map((key, i) => vuln(500 + i, { kind: 'package', key }, `p${i}`)),
    },
    // A repository scan whose finding is keyed to a prod workload: in prod by its asset key.
    { scan: scan('repo-1', 'git.example/shop', 'repository', '2026-02-05T00:00:00Z'), findings: [cfg('BLW-K8S-016', 'high', 'cluster/prod/ns/shop/deployment/checkout')] },
  ];
}

const STATUS_LABELS: Record<string, string> = { open: 'Open', fixed: 'Fixed', suppressed: 'Suppressed', 'risk-accepted': 'Risk accepted' };

/** The summary rows a report must show, computed here from API findings. */
function expectedSummary(items: ApiFinding[], types: string[]): Map<string, number> {
  const open = items.filter((f) => f.status === 'open');
  const m = new Map<string, number>([['Findings in scope', items.length]]);
  for (const [s, label] of Object.entries(STATUS_LABELS)) m.set(label, items.filter((f) => f.status === s).length);
  for (const s of SEVERITIES) m.set(`Open ${s}`, open.filter((f) => f.severity === s).length);
  for (const t of types) m.set(`Open ${t}`, open.filter((f) => f.type === t).length);
  m.set('Open in CISA KEV', open.filter((f) => f.kev).length);
  m.set('Open with a fix available', open.filter((f) => f.fixAvailable).length);
  return m;
}

/** Target → [open, …open by severity, fixed, total] as the per-target table shows it. */
function expectedTargets(items: ApiFinding[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const f of items) {
    const row = m.get(f.target) ?? m.set(f.target, new Array(9).fill(0)).get(f.target)!;
    if (f.status === 'open') {
      row[0]++;
      row[1 + SEVERITIES.indexOf(f.severity as (typeof SEVERITIES)[number])]++;
    }
    if (f.status === 'fixed') row[7]++;
    row[8]++;
  }
  return m;
}

for (const backend of backends()) {
  describe(`reports on ${backend.name}`, () => {
    let db: FreshDb;
    let app: FastifyInstance;
    let tenant: number;
    let shopImageId: number;
    const shopMembers = new Set<number>();
    const webMembers = new Set<number>();

    /** Every finding of the given types, paged through GET /api/v1/findings. */
    async function apiFindings(types: readonly string[]): Promise<ApiFinding[]> {
      const out: ApiFinding[] = [];
      let cursor: string | undefined;
      do {
        const q = `type=${types.join(',')}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const r = await app.inject({ method: 'GET', url: `/api/v1/findings?${q}`, headers: auth(TOKEN) });
        assert.equal(r.statusCode, 200, r.body);
        const body = json(r) as { items: ApiFinding[]; nextCursor?: string };
        out.push(...body.items);
        cursor = body.nextCursor;
      } while (cursor);
      return out;
    }

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      tenant = (await db.store.createTenant({ slug: 'acme', name: TENANT_NAME })).id;
      const other = (await db.store.createTenant({ slug: 'blue', name: 'Blue' })).id;
      app = await buildServer({
        store: db.store,
        tokens: [
          { token: TOKEN, tenant, role: 'admin', name: 'admin' },
          { token: AUDITOR, tenant, role: 'auditor', name: 'auditor' },
          { token: DEVELOPER, tenant, role: 'developer', name: 'dev' },
          { token: OTHER, tenant: other, role: 'admin', name: 'other' },
        ],
        modules: [reportsModule],
      });
      for (const body of seed()) {
        const r = await app.inject({ method: 'POST', url: '/api/v1/scans', headers: auth(TOKEN), payload: body });
        assert.equal(r.statusCode, 201, r.body);
      }
      const foreign = seed()[0];
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/scans', headers: auth(OTHER), payload: foreign })).statusCode, 201);
      // Triage: one suppressed, one risk-accepted (an image vulnerability and a prod config finding).
      const vulns = (await apiFindings(['vulnerability'])).filter((f) => f.target === SHOP_TARGET && f.status === 'open');
      const cfgs = (await apiFindings(['config'])).filter((f) => f.ruleId === 'BLW-K8S-103');
      for (const [f, status] of [
        [vulns[0], 'suppressed'],
        [vulns[1], 'risk-accepted'],
        [cfgs[0], 'risk-accepted'],
      ] as const) {
        const r = await app.inject({ method: 'PATCH', url: `/api/v1/findings/${f.id}/status`, headers: auth(TOKEN), payload: { status, reason: 'test' } });
        assert.equal(r.statusCode, 200, r.body);
      }
      const all = await apiFindings(['vulnerability']);
      shopImageId = all.find((f) => f.asset.key === SHOP_IMAGE)!.asset.id;
      for (const f of all) if (f.asset.key === SHOP_IMAGE || f.asset.key.startsWith('pkg:npm/shop-lib')) shopMembers.add(f.asset.id);
      for (const f of all) if (f.asset.key === WEB_IMAGE || f.asset.key.startsWith('pkg:golang/web-lib')) webMembers.add(f.asset.id);
      assert.ok(webMembers.size === 5, `the web image and its 4 packages have findings (${webMembers.size})`);
    });
    after(async () => {
      await app?.close();
      await db?.drop();
      await backend.teardown();
    });

    async function generate(payload: Record<string, unknown>, token = TOKEN): Promise<{ meta: ReportMeta; file: Buffer; res: LightMyRequestResponse }> {
      const r = await app.inject({ method: 'POST', url: '/api/v1/reports', headers: auth(token), payload });
      assert.equal(r.statusCode, 201, r.body);
      const meta = json(r) as unknown as ReportMeta;
      assert.equal(typeof meta.id, 'number');
      const got = await app.inject({ method: 'GET', url: `/api/v1/reports/${meta.id}`, headers: auth(token) });
      assert.equal(got.statusCode, 200);
      assert.deepEqual(json(got), json(r));
      const res = await app.inject({ method: 'GET', url: meta.downloadUrl, headers: auth(token) });
      assert.equal(res.statusCode, 200);
      return { meta, file: res.rawPayload, res };
    }

    const named = (s: string): boolean => s === 'cluster/prod' || s.startsWith('cluster/prod/');
    /** Prod: asset key or target (scheme dropped) under cluster/prod, or an asset of the image running there. */
    const inProd = (f: ApiFinding): boolean => named(f.asset.key) || named(f.target.replace(/^k8s:/, '')) || webMembers.has(f.asset.id);

    const cases: Array<{ name: string; body: Record<string, unknown>; types: string[]; keep: (f: ApiFinding) => boolean; formats: string[] }> = [
      { name: 'tenant vulnerabilities', body: { scope: { type: 'tenant' }, kind: 'vulnerabilities' }, types: ['vulnerability'], keep: () => true, formats: ['pdf', 'xlsx', 'docx'] },
      { name: 'prod posture', body: { scope: { type: 'cluster', name: 'prod' }, kind: 'posture' }, types: ['config', 'secret'], keep: inProd, formats: ['pdf', 'xlsx', 'docx'] },
      { name: 'prod MLPS 2.0', body: { scope: { type: 'cluster', name: 'prod' }, kind: 'compliance', framework: 'mlps-2.0' }, types: ['config'], keep: inProd, formats: ['pdf', 'xlsx', 'docx'] },
      { name: 'image by target', body: { scope: { type: 'image', target: SHOP_TARGET }, kind: 'vulnerabilities' }, types: ['vulnerability'], keep: (f) => f.target === SHOP_TARGET, formats: ['xlsx'] },
      { name: 'image by target as the CLI names it', body: { scope: { type: 'image', target: API_TARGET }, kind: 'vulnerabilities' }, types: ['vulnerability'], keep: (f) => f.target === `image:${API_TARGET}`, formats: ['docx'] },
      { name: 'prod vulnerabilities', body: { scope: { type: 'cluster', name: 'prod' }, kind: 'vulnerabilities' }, types: ['vulnerability'], keep: inProd, formats: ['pdf'] },
      { name: 'tenant CIS Kubernetes', body: { scope: { type: 'tenant' }, kind: 'compliance', framework: 'cis-k8s' }, types: ['config'], keep: () => true, formats: ['docx'] },
    ];

    for (const c of cases) {
      for (const format of c.formats) {
        it(`${c.name} as ${format}: opens, and every number equals the findings API's`, async () => {
          const { meta, file, res } = await generate({ ...c.body, format });
          const items = (await apiFindings(c.types)).filter(c.keep);
          assert.ok(items.length > 0, 'the scope has findings');
          const summary = expectedSummary(items, c.types);

          // Metadata and download headers.
          const types = { pdf: 'application/pdf', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' };
          assert.equal(res.headers['content-type'], types[format as keyof typeof types]);
          assert.match(String(res.headers['content-disposition']), new RegExp(`^attachment; filename="bulwark-[a-z0-9.-]+\\.${format}"`));
          assert.equal(file.length, meta.sizeBytes);
          assert.equal(meta.summary.total, items.length);

          // The file, read back.
          const back: ReadBack = await readBack(format, file);
          assert.ok(back.text.includes(TENANT_NAME), `tenant name in the ${format}`);
          const date = `${meta.generatedAt.slice(0, 10)} ${meta.generatedAt.slice(11, 16)} UTC`;
          assert.ok(back.text.includes(date), `generation date ${date} in the ${format}`);
          for (const [label, n] of summary) assert.equal(back.summary.get(label), n, `${format} summary "${label}"`);

          const targets = expectedTargets(items);
          if (back.tables) {
            const rows = back.tables.get('Findings per scan target')!;
            assert.deepEqual(rows[0], ['Target', 'Open', 'Critical', 'High', 'Medium', 'Low', 'Negligible', 'Unknown', 'Fixed', 'Total']);
            const got = new Map(rows.slice(1).filter((r) => r.length === 10).map((r) => [r[0], r.slice(1).map(Number)]));
            assert.deepEqual(got, targets, `${format} per-target table`);
          } else {
            // A long target wraps in its cell: the row's first line holds the start of it and the numbers.
            for (const [target, nums] of targets) {
              const tail = ` ${nums.join(' ')}`;
              const row = back.lines.find((l) => l.endsWith(tail) && l.length > tail.length && target.startsWith(l.slice(0, -tail.length)));
              assert.ok(row, `pdf row for ${target}:${tail}`);
            }
          }

          // Top findings: open ones by priority then id, descending, as the API sorts them.
          if (back.tables) {
            const top = items
              .filter((f) => f.status === 'open')
              .sort((a, b) => b.priority.score - a.priority.score || b.id - a.id)
              .slice(0, 25)
              .map((f) => f.ruleId);
            const rows = back.tables.get('Top open findings by priority')!;
            assert.deepEqual(rows.slice(1, top.length + 1).map((r) => r[2]), top, `${format} top findings`);
          }

          if (c.body.kind === 'compliance') {
            const controls = expectedControlCounts(items, c.body.framework as string);
            const failed = [...controls.values()].filter((v) => v[0] > 0).length;
            assert.equal(back.summary.get('Controls failed'), failed, 'failed controls = controls with open findings');
            assert.equal(back.summary.get('Controls in framework'), controls.size);
            assert.equal(
              (back.summary.get('Controls passed') ?? 0) + failed + (back.summary.get('Controls not evaluated') ?? 0),
              controls.size,
              'every control has one result',
            );
            const results = new Map<string, string>();
            if (back.tables) {
              for (const r of back.tables.get('Controls')!.slice(1)) {
                assert.deepEqual(r.slice(3, 6).map(Number), controls.get(r[0]), `${format} control ${r[0]}`);
                results.set(r[0], r[2]);
              }
              assert.equal(results.size, controls.size);
            } else {
              for (const [id, nums] of controls) {
                const line = back.lines.find((l) => l.startsWith(`${id} `) && / (pass|fail|not-evaluated) \d+ \d+ \d+ /.test(l));
                assert.ok(line, `pdf row of control ${id}`);
                const m = / (pass|fail|not-evaluated) (\d+) (\d+) (\d+) /.exec(line)!;
                assert.deepEqual(m.slice(2, 5).map(Number), nums, `pdf control ${id}`);
                results.set(id, m[1]);
              }
            }
            for (const [id, [open]] of controls) assert.equal(results.get(id) === 'fail', open > 0, `control ${id} fails exactly when it has open findings`);
            if (c.body.framework === 'mlps-2.0') {
              // Audit (BLW-K8S-120) and access control (BLW-K8S-312) have open findings; data confidentiality has none.
              assert.equal(results.get('8.1.4.3'), 'fail');
              assert.equal(results.get('8.1.4.2'), 'fail');
              assert.ok(['pass', 'not-evaluated'].includes(results.get('8.1.4.8')!), '8.1.4.8 has no open finding');
              assert.ok([...results.values()].includes('pass'), 'some control passes on the evidence of scanned resources');
            }
          }
        });
      }
    }

    it('image by asset id covers the image and the packages installed in it', async () => {
      const { file } = await generate({ scope: { type: 'image', assetId: shopImageId }, kind: 'vulnerabilities', format: 'xlsx' });
      const items = (await apiFindings(['vulnerability'])).filter((f) => shopMembers.has(f.asset.id));
      assert.ok(items.length >= 30, 'image and package findings');
      const back = await readXlsx(file);
      for (const [label, n] of expectedSummary(items, ['vulnerability'])) assert.equal(back.summary.get(label), n, `summary "${label}"`);
      assert.ok(back.text.includes(SHOP_IMAGE), 'scope names the image');
    });

    it('limits reports to the caller\'s asset groups with the store\'s own filter', async () => {
      const g = await db.store.createAssetGroup(tenant, 'shop');
      await db.store.addAssetsToGroup(tenant, g.id, [...shopMembers].slice(0, 3));
      const data = await buildReportData(db.store, tenant, { scope: { type: 'tenant' }, kind: 'vulnerabilities', assetGroups: [g.id] }, new Date('2026-03-01T00:00:00Z'), { pageSize: 3 });
      assert.equal(data.summary.total, await db.store.countFindings(tenant, { type: ['vulnerability'], assetGroups: [g.id] }));
      assert.equal(data.summary.open.total, await db.store.countFindings(tenant, { type: ['vulnerability'], status: ['open'], assetGroups: [g.id] }));
      assert.ok(data.summary.total > 0 && data.summary.total < 40, `a part of the tenant (${data.summary.total})`);
      const none = await buildReportData(db.store, tenant, { scope: { type: 'tenant' }, kind: 'vulnerabilities', assetGroups: [] }, new Date());
      assert.equal(none.summary.total, 0);
      await assert.rejects(
        buildReportData(db.store, tenant, { scope: { type: 'image', assetId: shopImageId }, kind: 'vulnerabilities', assetGroups: [g.id + 1000] }, new Date()),
        /scope\.assetId/,
      );
    });

    it('refuses hostile input with 400 naming the field', async () => {
      const rows: Array<[Record<string, unknown>, RegExp]> = [
        [{ scope: { type: 'galaxy' }, kind: 'vulnerabilities', format: 'pdf' }, /body\/scope\/type/],
        [{ scope: { type: 'tenant' }, kind: 'vulnerabilities', format: 'odt' }, /body\/format/],
        [{ scope: { type: 'tenant' }, kind: 'gossip', format: 'pdf' }, /body\/kind/],
        [{ scope: { type: 'tenant' }, kind: 'vulnerabilities' }, /body: missing required field "format"/],
        [{ scope: { type: 'tenant', extra: 1 }, kind: 'vulnerabilities', format: 'pdf' }, /body\/scope: unknown field "extra"/],
        [{ scope: { type: 'tenant' }, kind: 'vulnerabilities', format: 'pdf', owner: 'x' }, /unknown field "owner"/],
        [{ scope: { type: 'cluster', name: 'prod/ns' }, kind: 'posture', format: 'pdf' }, /body\/scope\/name/],
        [{ scope: { type: 'cluster' }, kind: 'posture', format: 'pdf' }, /scope\.name/],
        [{ scope: { type: 'image' }, kind: 'vulnerabilities', format: 'pdf' }, /scope\.target/],
        [{ scope: { type: 'image', target: 'x', assetId: 1 }, kind: 'vulnerabilities', format: 'pdf' }, /scope: expected either target or assetId/],
        [{ scope: { type: 'image', assetId: 999999 }, kind: 'vulnerabilities', format: 'pdf' }, /scope\.assetId/],
        [{ scope: { type: 'tenant', target: 'x' }, kind: 'vulnerabilities', format: 'pdf' }, /scope\.target/],
        [{ scope: { type: 'tenant' }, kind: 'compliance', format: 'pdf' }, /framework/],
        [{ scope: { type: 'tenant' }, kind: 'compliance', framework: 'iso-27001', format: 'pdf' }, /framework: expected one of/],
        [{ scope: { type: 'tenant' }, kind: 'vulnerabilities', framework: 'mlps', format: 'pdf' }, /framework/],
      ];
      for (const [payload, re] of rows) {
        const r = await app.inject({ method: 'POST', url: '/api/v1/reports', headers: auth(TOKEN), payload });
        assert.equal(r.statusCode, 400, `${JSON.stringify(payload)} → ${r.body}`);
        assert.match(String(json(r).message), re, JSON.stringify(payload));
      }
      const pkgAsset = (await apiFindings(['vulnerability'])).find((f) => f.asset.kind === 'package')!.asset.id;
      const r = await app.inject({ method: 'POST', url: '/api/v1/reports', headers: auth(TOKEN), payload: { scope: { type: 'image', assetId: pkgAsset }, kind: 'vulnerabilities', format: 'pdf' } });
      assert.equal(r.statusCode, 400, 'a package is not an image');
      assert.match(String(json(r).message), /scope\.assetId/);
      for (const url of ['/api/v1/reports?limit=0', '/api/v1/reports?cursor=abc', '/api/v1/reports/abc', '/api/v1/reports/0/download']) {
        assert.equal((await app.inject({ method: 'GET', url, headers: auth(TOKEN) })).statusCode, 400, url);
      }
    });

    it('lets every role generate and download, keeps tenants apart and audits generation', async () => {
      const { meta } = await generate({ scope: { type: 'tenant' }, kind: 'posture', format: 'xlsx' }, AUDITOR);
      assert.equal((await app.inject({ method: 'GET', url: `/api/v1/reports/${meta.id}`, headers: auth(DEVELOPER) })).statusCode, 200);
      for (const url of [`/api/v1/reports/${meta.id}`, `/api/v1/reports/${meta.id}/download`]) {
        const r = await app.inject({ method: 'GET', url, headers: auth(OTHER) });
        const missing = await app.inject({ method: 'GET', url: url.replace(String(meta.id), '99999999'), headers: auth(OTHER) });
        assert.equal(r.statusCode, 404, url);
        assert.equal(r.body.replace(String(meta.id), '99999999'), missing.body, 'a foreign id answers like a missing one');
      }
      assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/reports/${meta.id}`, headers: auth(OTHER) })).statusCode, 404);
      assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/reports/${meta.id}`, headers: auth(AUDITOR) })).statusCode, 403);
      const list = json(await app.inject({ method: 'GET', url: '/api/v1/reports?limit=2', headers: auth(TOKEN) }));
      assert.equal((list.items as unknown[]).length, 2);
      assert.equal(typeof list.nextCursor, 'string');
      const page2 = json(await app.inject({ method: 'GET', url: `/api/v1/reports?limit=2&cursor=${String(list.nextCursor)}`, headers: auth(TOKEN) }));
      assert.ok((page2.items as Array<{ id: number }>).every((r) => r.id < Number(list.nextCursor)), 'older reports on the next page');
      assert.deepEqual(json(await app.inject({ method: 'GET', url: '/api/v1/reports', headers: auth(OTHER) })).items, []);
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/reports' })).statusCode, 401);

      assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/reports/${meta.id}`, headers: auth(TOKEN) })).statusCode, 204);
      assert.equal((await app.inject({ method: 'GET', url: `/api/v1/reports/${meta.id}`, headers: auth(TOKEN) })).statusCode, 404);
      const audit = await db.store.listAudit(tenant, { limit: 1000 });
      const gen = audit.filter((a) => a.action === 'report.generate');
      assert.ok(gen.some((a) => a.actor === 'token:auditor' && a.target === `report:${meta.id}`), 'generation audited with its actor');
      assert.ok(audit.some((a) => a.action === 'report.delete' && a.target === `report:${meta.id}`), 'deletion audited');
      assert.equal((await db.store.verifyAuditChain(tenant)).ok, true);
    });

    it('manages schedules: analysts and admins only, validated, audited, 404 across tenants', async () => {
      const body = { name: '每周 weekly prod', scope: { type: 'cluster', name: 'prod' }, kind: 'compliance', framework: 'mlps', format: 'pdf', cadence: 'weekly', weekday: 1, hour: 2 };
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/report-schedules', headers: auth(AUDITOR), payload: body })).statusCode, 403);
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/report-schedules', headers: auth(DEVELOPER), payload: body })).statusCode, 403);
      const created = await app.inject({ method: 'POST', url: '/api/v1/report-schedules', headers: auth(TOKEN), payload: body });
      assert.equal(created.statusCode, 201, created.body);
      const s = json(created) as { id: number; request: { framework: string }; nextRunAt: string; weekday: number; keep: number; enabled: boolean };
      assert.equal(s.request.framework, 'mlps-2.0', 'alias stored as the framework id');
      assert.equal(new Date(s.nextRunAt).getUTCDay(), 1);
      assert.equal(new Date(s.nextRunAt).getUTCHours(), 2);
      assert.ok(new Date(s.nextRunAt) > new Date(), 'next run in the future');
      assert.equal(s.keep, 12);
      assert.equal(s.enabled, true);

      const dup = await app.inject({ method: 'POST', url: '/api/v1/report-schedules', headers: auth(TOKEN), payload: body });
      assert.equal(dup.statusCode, 400);
      assert.match(String(json(dup).message), /name/);
      const bad: Array<[Record<string, unknown>, RegExp]> = [
        [{ ...body, name: 'a', weekday: undefined }, /weekday/],
        [{ ...body, name: 'b', cadence: 'monthly' }, /weekday: expected nothing for a monthly/],
        [{ ...body, name: 'c', cadence: 'hourly' }, /body\/cadence/],
        [{ ...body, name: 'd', hour: 24 }, /body\/hour/],
        [{ ...body, name: 'e', framework: 'nope' }, /framework/],
        [{ ...body, name: 'f', format: 'rtf' }, /body\/format/],
        [{ ...body, name: 'g', cadence: 'daily' }, /weekday: expected nothing for a daily/],
      ];
      for (const [payload, re] of bad) {
        const r = await app.inject({ method: 'POST', url: '/api/v1/report-schedules', headers: auth(TOKEN), payload });
        assert.equal(r.statusCode, 400, `${JSON.stringify(payload)} → ${r.body}`);
        assert.match(String(json(r).message), re);
      }

      const patched = await app.inject({ method: 'PATCH', url: `/api/v1/report-schedules/${s.id}`, headers: auth(TOKEN), payload: { cadence: 'monthly', dayOfMonth: 15, keep: 3 } });
      assert.equal(patched.statusCode, 200, patched.body);
      const p = json(patched) as { nextRunAt: string; dayOfMonth: number; weekday?: number; keep: number };
      assert.equal(p.dayOfMonth, 15);
      assert.equal(p.weekday, undefined);
      assert.equal(new Date(p.nextRunAt).getUTCDate(), 15);
      assert.equal(p.keep, 3);
      assert.equal((await app.inject({ method: 'PATCH', url: `/api/v1/report-schedules/${s.id}`, headers: auth(TOKEN), payload: {} })).statusCode, 400);
      const wrongKind = await app.inject({ method: 'PATCH', url: `/api/v1/report-schedules/${s.id}`, headers: auth(TOKEN), payload: { kind: 'compliance', framework: 'x' } });
      assert.equal(wrongKind.statusCode, 400);
      const toVulns = await app.inject({ method: 'PATCH', url: `/api/v1/report-schedules/${s.id}`, headers: auth(TOKEN), payload: { kind: 'vulnerabilities' } });
      assert.equal(toVulns.statusCode, 200, 'a new kind drops the framework');
      assert.equal((json(toVulns).request as { framework?: string }).framework, undefined);

      for (const [method, url] of [
        ['GET', `/api/v1/report-schedules/${s.id}`],
        ['PATCH', `/api/v1/report-schedules/${s.id}`],
        ['DELETE', `/api/v1/report-schedules/${s.id}`],
      ] as const) {
        const r = await app.inject({ method, url, headers: auth(OTHER), ...(method === 'PATCH' ? { payload: { keep: 1 } } : {}) });
        assert.equal(r.statusCode, 404, `${method} ${url} from another tenant`);
      }
      assert.deepEqual(json(await app.inject({ method: 'GET', url: '/api/v1/report-schedules', headers: auth(OTHER) })).items, []);
      const mine = json(await app.inject({ method: 'GET', url: '/api/v1/report-schedules', headers: auth(TOKEN) })).items as Array<{ id: number }>;
      assert.deepEqual(mine.map((x) => x.id), [s.id]);
      assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/report-schedules/${s.id}`, headers: auth(TOKEN) })).statusCode, 204);
      assert.equal((await app.inject({ method: 'GET', url: `/api/v1/report-schedules/${s.id}`, headers: auth(TOKEN) })).statusCode, 404);
      const actions = (await db.store.listAudit(tenant, { limit: 1000 })).filter((a) => a.target === `report-schedule:${s.id}`).map((a) => a.action);
      assert.deepEqual(actions, ['report.schedule.create', 'report.schedule.update', 'report.schedule.update', 'report.schedule.delete']);
    });

    it('documents its routes in the OpenAPI document', async () => {
      const o = json(await app.inject({ method: 'GET', url: '/openapi.json' }));
      const paths = Object.keys(o.paths as object).filter((p) => p.includes('report'));
      assert.deepEqual(paths.sort(), ['/api/v1/report-schedules', '/api/v1/report-schedules/{id}', '/api/v1/reports', '/api/v1/reports/{id}', '/api/v1/reports/{id}/download']);
    });
  });
}
