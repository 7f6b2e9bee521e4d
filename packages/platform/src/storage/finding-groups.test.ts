// Grouping findings (groupFindings) and bulk status changes (setFindingsStatus), on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InputError, LimitError, SEVERITIES, type Severity } from '@bulwark/core';
import { backends, type FreshDb } from './test-backends.js';
import { BULK_STATUS_MAX, type Finding, type FindingFilter, type FindingGroup, type FindingGroupBy, type FindingInput, type ScanInput, type SqlStore } from './index.js';

const T0 = Date.parse('2024-05-01T00:00:00.000Z');

function scan(id: string, day: number, target: string): ScanInput {
  return { id, target, kind: 'image', startedAt: new Date(T0 + day * 86_400_000 - 60_000).toISOString(), finishedAt: new Date(T0 + day * 86_400_000).toISOString() };
}

const SEVS: Severity[] = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'];

/** Findings sharing rules and packages across two images; some without a package (config), some with a name only. */
function finding(i: number, image: string): FindingInput {
  const pkg = i % 5;
  const payload =
    i % 9 === 0
      ? { note: 'no package' }
      : i % 11 === 0
        ? { package: { name: `bare-${pkg}` } }
        : i % 4 === 0
          ? { package: { name: `lib-${pkg}`, version: `1.${pkg}.0` } }
          : { package: { name: `lib-${pkg}`, version: `1.${pkg}.0`, purl: `pkg:npm/lib-${pkg}@1.${pkg}.0` } };
  return {
    type: i % 9 === 0 ? 'config' : 'vulnerability',
    ruleId: `CVE-2024-${1000 + (i % 7)}`,
    title: `title ${i % 3} of rule ${i % 7}`,
    severity: SEVS[i % SEVS.length],
    kev: i % 13 === 0,
    fixAvailable: i % 3 === 0,
    asset: { kind: 'image', key: `registry.example/${image}@sha256:01` },
    locator: `${image}/${i}`,
    priority: { score: (i * 37) % 23, factors: [] },
    payload,
  };
}

async function allFindings(store: SqlStore, tenant: number, filter: FindingFilter = {}): Promise<Finding[]> {
  const out: Finding[] = [];
  let cursor: string | undefined;
  do {
    const p = await store.listFindings(tenant, filter, { by: 'id', dir: 'asc' }, { limit: 1000, cursor });
    out.push(...p.items);
    cursor = p.nextCursor;
  } while (cursor);
  return out;
}

/** The key a finding groups under, computed here from the finding as the API returns it. */
function keyOf(f: Finding, by: FindingGroupBy): string | null {
  if (by === 'rule') return f.ruleId;
  if (by === 'target') return f.target;
  const p = (f.payload as { package?: { name?: string; version?: string; purl?: string } }).package;
  if (!p) return null;
  return p.purl ?? (p.name === undefined ? null : `${p.name}${p.version === undefined ? '' : `@${p.version}`}`);
}

/** Expected groups of `findings` (unordered), computed without SQL. */
function expectedGroups(findings: Finding[], by: FindingGroupBy): Map<string | null, FindingGroup> {
  const out = new Map<string | null, FindingGroup>();
  for (const f of findings) {
    const k = keyOf(f, by);
    const g = out.get(k) ?? {
      key: k,
      ...(by === 'rule' ? { title: f.title } : {}),
      count: 0,
      bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
      maxPriority: -Infinity,
      kev: false,
      fixAvailable: false,
    };
    g.count++;
    g.bySeverity[f.severity]++;
    g.maxPriority = Math.max(g.maxPriority, f.priority.score);
    g.kev ||= f.kev;
    g.fixAvailable ||= f.fixAvailable;
    if (by === 'rule' && f.title < (g.title as string)) g.title = f.title;
    out.set(k, g);
  }
  return out;
}

/** Every page of groups, following nextCursor. */
async function allGroups(store: SqlStore, tenant: number, by: FindingGroupBy, filter: FindingFilter, limit: number): Promise<{ groups: FindingGroup[]; pages: number }> {
  const groups: FindingGroup[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const p = await store.groupFindings(tenant, by, filter, { limit, cursor });
    groups.push(...p.items);
    cursor = p.nextCursor;
    pages++;
    assert.ok(pages < 1000, 'paging ends');
  } while (cursor);
  return { groups, pages };
}

for (const backend of backends()) {
  describe(`finding groups and bulk status on ${backend.name}`, () => {
    let db: FreshDb;
    let store: SqlStore;
    let t: number;
    let other: number;
    let scopeGroup: number;

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      store = db.store;
      t = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      other = (await store.createTenant({ slug: 'blue', name: 'Blue' })).id;
      await store.ingestScan(t, scan('s-shop', 1, 'image:registry.example/shop:1'), Array.from({ length: 60 }, (_, i) => finding(i, 'shop')));
      await store.ingestScan(t, scan('s-cart', 1, 'image:registry.example/cart:1'), Array.from({ length: 45 }, (_, i) => finding(i + 100, 'cart')));
      await store.ingestScan(other, scan('s-other', 1, 'image:registry.example/shop:1'), Array.from({ length: 20 }, (_, i) => finding(i, 'shop')));
      // Some findings of the shop image fixed by a later scan that no longer sees them.
      await store.ingestScan(t, scan('s-shop-2', 2, 'image:registry.example/shop:1'), Array.from({ length: 40 }, (_, i) => finding(i, 'shop')));
      const cart = (await store.listAssets(t, { kind: 'image' })).items.find((a) => a.key.includes('/cart@'))!;
      scopeGroup = (await store.createAssetGroup(t, 'cart')).id;
      await store.addAssetsToGroup(t, scopeGroup, [cart.id]);
    });
    after(async () => {
      await db?.drop();
      await backend.teardown();
    });

    it('groups by rule, package and target with the list filters and scope; pages cover every group once, in order', async () => {
      const filters: [string, FindingFilter][] = [
        ['everything', {}],
        ['open', { status: ['open'] }],
        ['critical and high, open', { status: ['open'], severity: ['critical', 'high'] }],
        ['kev', { kev: true }],
        ['fix, vulnerabilities', { fixAvailable: true, type: ['vulnerability'] }],
        ['one rule', { ruleId: 'CVE-2024-1003' }],
        ['one target', { target: 'image:registry.example/cart:1' }],
        ['scope', { assetGroups: [scopeGroup] }],
        ['empty scope', { assetGroups: [] }],
      ];
      for (const by of ['rule', 'package', 'target'] as const) {
        for (const [name, filter] of filters) {
          const findings = await allFindings(store, t, filter);
          const want = expectedGroups(findings, by);
          const { groups, pages } = await allGroups(store, t, by, filter, 2);
          const what = `${by} / ${name}`;
          assert.equal(groups.length, want.size, `${what}: one entry per group`);
          assert.equal(pages, Math.max(1, Math.ceil(want.size / 2)), `${what}: pages of 2`);
          for (const g of groups) assert.deepEqual(g, want.get(g.key), `${what}: group ${g.key}`);
          for (let i = 1; i < groups.length; i++) {
            const [a, b] = [groups[i - 1], groups[i]];
            assert.ok(a.maxPriority > b.maxPriority || (a.maxPriority === b.maxPriority && a.count >= b.count), `${what}: sorted by max priority, then count, at ${i}`);
          }
          if (name !== 'empty scope') assert.ok(groups.length > 0, `${what} matches something`);
          assert.equal(groups.reduce((n, g) => n + g.count, 0), findings.length, `${what}: counts add up to the matching findings`);
        }
      }
      const pkgKeys = (await allGroups(store, t, 'package', {}, 100)).groups.map((g) => g.key);
      assert.ok(pkgKeys.includes(null) && pkgKeys.includes('pkg:npm/lib-1@1.1.0') && pkgKeys.includes('lib-0@1.0.0') && pkgKeys.includes('bare-1'), `package keys: ${pkgKeys.join(', ')}`);
      assert.deepEqual((await store.groupFindings(other, 'target', {})).items.map((g) => [g.key, g.count]), [['image:registry.example/shop:1', 20]], 'another tenant sees only its own');
    });

    it('refuses a bad grouping, a foreign cursor and a bad limit', async () => {
      const page = await store.groupFindings(t, 'rule', {}, { limit: 1 });
      assert.ok(page.nextCursor, 'a first page of one has a cursor');
      const list = await store.listFindings(t, {}, { by: 'priority' }, { limit: 1 });
      const rows: [string, () => Promise<unknown>, string][] = [
        ['unknown by', () => store.groupFindings(t, 'owner' as FindingGroupBy), 'by'],
        ['cursor of another grouping', () => store.groupFindings(t, 'target', {}, { cursor: page.nextCursor }), 'cursor'],
        ['cursor of the list', () => store.groupFindings(t, 'rule', {}, { cursor: list.nextCursor }), 'cursor'],
        ['limit 0', () => store.groupFindings(t, 'rule', {}, { limit: 0 }), 'limit'],
        ['bad filter', () => store.groupFindings(t, 'rule', { severity: ['urgent' as Severity] }), 'severity[0]'],
      ];
      for (const [name, fn, field] of rows) await assert.rejects(fn(), (e: unknown) => e instanceof InputError && e.field === field, name);
    });

    it('bulk by ids: changes only the tenant\'s in-scope findings, reports the rest as not found, audits in the same transaction', async () => {
      const mine = await allFindings(store, t, { target: 'image:registry.example/cart:1' });
      const outOfScope = (await allFindings(store, t, { target: 'image:registry.example/shop:1', status: ['open'] }))[0];
      const foreign = (await allFindings(store, other))[0];
      const before = (await store.listAudit(t)).length;
      const ids = [mine[0].id, mine[1].id, mine[1].id, foreign.id, 987_654_321, outOfScope.id];
      const r = await store.setFindingsStatus(t, { ids, filter: { assetGroups: [scopeGroup] } }, { status: 'suppressed', reason: 'bulk test', owner: 'sec', expiresAt: '2099-01-01T00:00:00Z', actor: 'user:7' });
      assert.deepEqual(r, { changed: [mine[0].id, mine[1].id], notFound: [outOfScope.id, foreign.id, 987_654_321].sort((a, b) => a - b) }, 'changed and not found');
      for (const id of [mine[0].id, mine[1].id]) {
        const f = await store.getFinding(t, id);
        assert.deepEqual([f?.status, f?.statusReason, f?.statusOwner, f?.statusExpiresAt], ['suppressed', 'bulk test', 'sec', '2099-01-01T00:00:00.000Z'], `finding ${id} suppressed`);
      }
      assert.equal((await store.getFinding(t, outOfScope.id))?.status, 'open', 'out-of-scope finding unchanged');
      assert.equal((await store.getFinding(other, foreign.id))?.status, foreign.status, "other tenant's finding unchanged");
      const audit = await store.listAudit(t, { afterSeq: before });
      assert.equal(audit.length, 1, 'one audit record for the bulk change');
      assert.deepEqual([audit[0].actor, audit[0].action, audit[0].details.count, audit[0].details.to, audit[0].details.from], ['user:7', 'finding.status.bulk', 2, 'suppressed', { open: [mine[0].id, mine[1].id] }], 'audit record');
      assert.equal((await store.listAudit(other)).length, 0, 'nothing audited in the other tenant');
      assert.equal((await store.verifyAuditChain(t)).ok, true, 'chain intact');

      // Reopening clears the decision and fixed_at, as for one finding.
      const fixed = (await allFindings(store, t, { status: ['fixed'] }))[0];
      const back = await store.setFindingsStatus(t, { ids: [mine[0].id, fixed.id] }, { status: 'open' });
      assert.deepEqual(back.changed, [mine[0].id, fixed.id].sort((a, b) => a - b), 'both reopened');
      const reopened = await store.getFinding(t, fixed.id);
      assert.deepEqual([reopened?.status, reopened?.fixedAt, (await store.getFinding(t, mine[0].id))?.statusReason], ['open', null, null], 'open clears fixed_at and the reason');
      assert.equal((await store.listAudit(t, { afterSeq: before })).length, 1, 'no actor, no audit record');
    });

    it('bulk by filter: applies only when the count still matches; typed errors for bad input', async () => {
      const filter: FindingFilter = { target: 'image:registry.example/cart:1', severity: ['critical', 'high'], status: ['open'] };
      const n = await store.countFindings(t, filter);
      assert.ok(n > 2, `the filter matches several findings (${n})`);
      const stale = await store.setFindingsStatus(t, { filter, expectedCount: n - 1 }, { status: 'risk-accepted', reason: 'stale view', actor: 'user:7' });
      assert.deepEqual(stale, { changed: [], notFound: [], countMismatch: { expected: n - 1, actual: n } }, 'count mismatch changes nothing');
      assert.equal(await store.countFindings(t, filter), n, 'still open');
      const seqBefore = (await store.listAudit(t)).length;
      const ok = await store.setFindingsStatus(t, { filter, expectedCount: n }, { status: 'risk-accepted', reason: 'compensating control', actor: 'user:7' });
      assert.equal(ok.changed.length, n, 'every matching finding changed');
      assert.equal(await store.countFindings(t, { ...filter, status: ['risk-accepted'] }), n, 'now risk-accepted');
      const audit = await store.listAudit(t, { afterSeq: seqBefore });
      assert.deepEqual(audit.map((a) => [a.action, a.details.selection, a.details.count]), [['finding.status.bulk', 'filter', n]], 'one audit record');
      const none = await store.setFindingsStatus(t, { filter: { ...filter, assetGroups: [] }, expectedCount: 0 }, { status: 'open' });
      assert.deepEqual(none, { changed: [], notFound: [] }, 'an empty scope changes nothing');

      const bad: [string, () => Promise<unknown>, string][] = [
        ['no reason', () => store.setFindingsStatus(t, { ids: [1] }, { status: 'suppressed' }), 'reason'],
        ['fixed by hand', () => store.setFindingsStatus(t, { ids: [1] }, { status: 'fixed' as never, reason: 'x' }), 'status'],
        ['no ids', () => store.setFindingsStatus(t, { ids: [] }, { status: 'open' }), 'ids'],
        ['too many ids', () => store.setFindingsStatus(t, { ids: Array.from({ length: 1001 }, (_, i) => i + 1) }, { status: 'open' }), 'ids'],
        ['bad id', () => store.setFindingsStatus(t, { ids: [0] }, { status: 'open' }), 'ids[0]'],
        ['negative expected count', () => store.setFindingsStatus(t, { filter: {}, expectedCount: -1 }, { status: 'open' }), 'expectedCount'],
        ['bad filter', () => store.setFindingsStatus(t, { filter: { kev: 'yes' as never }, expectedCount: 1 }, { status: 'open' }), 'kev'],
      ];
      for (const [name, fn, field] of bad) await assert.rejects(fn(), (e: unknown) => e instanceof InputError && e.field === field, name);
    });

    it('bulk by filter: more than BULK_STATUS_MAX matches is a LimitError; a large change is audited per 1000 findings', async () => {
      const big = (await store.createTenant({ slug: 'big', name: 'Big' })).id;
      const many: FindingInput[] = Array.from({ length: BULK_STATUS_MAX + 1 }, (_, i) => ({
        type: 'vulnerability',
        ruleId: `CVE-2025-${i % 50}`,
        severity: i % 4 === 0 ? 'critical' : 'low',
        asset: { kind: 'image', key: 'registry.example/big@sha256:01' },
        locator: String(i),
      }));
      await store.ingestScan(big, scan('s-big', 1, 'image:registry.example/big:1'), many);
      await assert.rejects(
        store.setFindingsStatus(big, { filter: {}, expectedCount: BULK_STATUS_MAX + 1 }, { status: 'suppressed', reason: 'all', actor: 'user:1' }),
        (e: unknown) => e instanceof LimitError && /narrow/.test(e.message),
        'over the limit',
      );
      assert.equal(await store.countFindings(big, { status: ['open'] }), BULK_STATUS_MAX + 1, 'nothing changed');
      const critical = await store.countFindings(big, { severity: ['critical'] });
      const r = await store.setFindingsStatus(big, { filter: { severity: ['critical'] }, expectedCount: critical }, { status: 'suppressed', reason: 'noise', actor: 'user:1' });
      assert.equal(r.changed.length, critical, 'all critical changed');
      const audit = await store.listAudit(big);
      assert.deepEqual(
        audit.map((a) => a.details.count),
        Array.from({ length: Math.ceil(critical / 1000) }, (_, i) => Math.min(1000, critical - i * 1000)),
        'one record per 1000 findings',
      );
      assert.deepEqual(audit.flatMap((a) => (a.details.from as { open: number[] }).open), r.changed, 'the records list every changed id');
      assert.equal((await store.verifyAuditChain(big)).ok, true, 'chain intact');
    });
  });
}
