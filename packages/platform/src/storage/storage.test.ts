import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ConfigError, ExternalError, InputError, LimitError, type Severity } from '@bulwark/core';
import { seededRandom } from '@bulwark/core/testing';
import { auditHash } from './audit.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { backends, PG_TEST_URL, type FreshDb } from './test-backends.js';
import { openStore } from './open.js';
import type { Finding, FindingFilter, FindingInput, FindingSort, ScanInput, SqlStore } from './index.js';

// One table of cases, run unchanged against SQLite (temp file) and PostgreSQL (random schema, dropped after).

const DAY = 86_400_000;
const T0 = Date.parse('2024-05-01T00:00:00.000Z');
const at = (day: number): string => new Date(T0 + day * DAY).toISOString();

function scan(id: string, day: number, target = 'registry.example/shop:1', extra: Partial<ScanInput> = {}): ScanInput {
  return { id, target, kind: 'image', startedAt: new Date(T0 + day * DAY - 60_000).toISOString(), finishedAt: at(day), ...extra };
}

const SEVS: Severity[] = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'];

/** A deterministic vulnerability finding; `i` picks every field. */
function vuln(i: number, over: Partial<FindingInput> = {}): FindingInput {
  return {
    type: 'vulnerability',
    ruleId: `CVE-2024-${1000 + i}`,
    title: `vulnerability ${i}`,
    severity: SEVS[i % SEVS.length],
    cvss: (i % 100) / 10,
    epss: (i % 10) / 10,
    kev: i % 7 === 0,
    fixAvailable: i % 3 === 0,
    asset: { kind: 'package', key: `pkg:npm/lib-${i % 40}@1.0.${i % 3}` },
    locator: `lib-${i % 40}@1.0.${i % 3}/${i}`,
    priority: { score: (i * 37) % 11, factors: [{ name: 'cvss', weight: (i % 100) / 10, detail: `CVSS ${(i % 100) / 10}` }] },
    payload: { i, path: `/usr/lib/node_modules/lib-${i % 40}`, nested: { list: [i, 'x', null, true] } },
    ...over,
  };
}

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, k) => from + k);

async function allFindings(store: SqlStore, tenant: number, filter: FindingFilter = {}, sort: FindingSort = { by: 'id', dir: 'asc' }): Promise<Finding[]> {
  const out: Finding[] = [];
  let cursor: string | undefined;
  do {
    const p = await store.listFindings(tenant, filter, sort, { limit: 1000, cursor });
    out.push(...p.items);
    cursor = p.nextCursor;
  } while (cursor);
  return out;
}

async function counts(db: FreshDb): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['findings', 'scans', 'assets', 'asset_relations', 'audit_log']) {
    out[t] = Number((await db.raw(`SELECT count(*) AS n FROM ${t}`))[0].n);
  }
  return out;
}

/** Every stored row of the ingest tables, normalized across dialects (booleans, JSON), for equality checks. */
async function snapshot(db: FreshDb): Promise<unknown> {
  const norm = (rows: Record<string, unknown>[]): unknown[] =>
    rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : typeof v === 'object' && v !== null ? JSON.stringify(v) : v]),
      ),
    );
  return {
    findings: norm(await db.raw('SELECT * FROM findings ORDER BY id')),
    assets: norm(await db.raw('SELECT * FROM assets ORDER BY id')),
    relations: norm(await db.raw('SELECT * FROM asset_relations ORDER BY from_id, to_id, kind')),
    scans: norm(await db.raw('SELECT tenant_id, id, target, kind, started_at, finished_at, received_at FROM scans ORDER BY id')),
  };
}

interface Case {
  name: string;
  batchRows?: number;
  run(db: FreshDb): Promise<void>;
}

const EXPECTED_TABLES = [
  'alert_dead_letters',
  'alert_deliveries',
  'alert_destinations',
  'alert_rules',
  'alert_silences',
  'api_tokens',
  'asset_group_members',
  'asset_groups',
  'asset_relations',
  'assets',
  'audit_heads',
  'audit_log',
  'findings',
  'scans',
  'schema_migrations',
  'tenants',
  'user_asset_groups',
  'users',
];

const cases: Case[] = [
  {
    name: 'API tokens: secret shown once and stored hashed; authenticated while live; revoked and expired refused; tenant-scoped',
    async run(db) {
      const { store } = db;
      const a = (await store.createTenant({ slug: 'tok-a', name: 'A' })).id;
      const b = (await store.createTenant({ slug: 'tok-b', name: 'B' })).id;
      const ci = await store.createApiToken(a, { name: 'ci', role: 'developer' });
      assert.match(ci.token, /^bwk_[A-Za-z0-9_-]{43}$/);
      assert.equal(ci.info.prefix, ci.token.slice(0, 12));
      const stored = await db.raw('SELECT token_hash, prefix FROM api_tokens');
      assert.equal(JSON.stringify(stored).includes(ci.token), false, 'the secret is not stored');
      const who = await store.authenticateApiToken(ci.token);
      assert.deepEqual(who && { tenant: who.tenant, role: who.role, name: who.name }, { tenant: a, role: 'developer', name: 'ci' });
      assert.ok(who?.lastUsedAt, 'last use recorded');
      assert.equal(await store.authenticateApiToken(ci.token.slice(0, -1) + (ci.token.endsWith('A') ? 'B' : 'A')), undefined, 'one character off');
      assert.equal(await store.authenticateApiToken(''), undefined, 'empty');
      const old = await store.createApiToken(a, { name: 'old', role: 'auditor', expiresAt: '2020-01-01T00:00:00Z' });
      assert.equal(await store.authenticateApiToken(old.token), undefined, 'expired');
      assert.equal(await store.revokeApiToken(b, ci.info.id), false, "another tenant cannot revoke A's token");
      assert.deepEqual((await store.listApiTokens(b)).map((t) => t.name), [], "B lists none of A's tokens");
      assert.equal(await store.revokeApiToken(a, ci.info.id), true);
      assert.equal(await store.revokeApiToken(a, ci.info.id), false, 'already revoked');
      assert.equal(await store.authenticateApiToken(ci.token), undefined, 'revoked');
      assert.deepEqual((await store.listApiTokens(a)).map((t) => [t.name, t.revokedAt !== undefined]), [['ci', true], ['old', false]]);
      await assert.rejects(store.createApiToken(a, { name: 'x', role: 'root' as never }), (e: unknown) => e instanceof InputError && /role/.test(e.message));
    },
  },
  {
    name: 'migrations apply from empty in order and re-running them is a no-op',
    async run(db) {
      // `fresh` migrated already through open(); a second store on the same database finds nothing to do.
      assert.equal(await db.store.schemaVersion(), SCHEMA_VERSION);
      const tables = await db.tables();
      for (const t of EXPECTED_TABLES) assert.ok(tables.includes(t), `table ${t} in ${tables.join(', ')}`);
      const findingIndexes = await db.indexes('findings');
      for (const ix of ['findings_fingerprint', 'findings_status_priority', 'findings_severity', 'findings_asset', 'findings_target']) {
        assert.ok(findingIndexes.includes(ix), `index ${ix} in ${findingIndexes.join(', ')}`);
      }
      const before = await db.raw('SELECT version, applied_at FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        before.map((r) => Number(r.version)),
        MIGRATIONS.map((m) => m.version),
      );
      assert.deepEqual(await db.store.migrate(), []);
      const again = await db.reopen();
      assert.deepEqual(await again.migrate(), []);
      assert.deepEqual(await db.raw('SELECT version, applied_at FROM schema_migrations ORDER BY version'), before);

      // A database written by a newer Bulwark is refused, not modified.
      await db.raw('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [SCHEMA_VERSION + 1, at(0)]);
      await assert.rejects(db.store.migrate(), (e: unknown) => e instanceof ConfigError && /newer than this Bulwark supports/.test(e.message));
    },
  },
  {
    name: 'an empty database reports version 0 and migrate() applies every migration',
    async run(db) {
      // Start from a truly empty schema: drop what the fresh store created.
      const created = await db.tables();
      if (db.store.dialect === 'sqlite') await db.raw('PRAGMA foreign_keys = OFF');
      for (const t of [...created].reverse()) await db.raw(`DROP TABLE IF EXISTS ${t}${db.store.dialect === 'postgres' ? ' CASCADE' : ''}`);
      assert.deepEqual(await db.tables(), []);
      const s = await db.reopen({ migrate: false });
      assert.equal(await s.schemaVersion(), 0);
      assert.deepEqual(await s.migrate(), MIGRATIONS.map((m) => m.version));
      assert.equal(await s.schemaVersion(), SCHEMA_VERSION);
      assert.deepEqual(await db.tables(), created);
      assert.deepEqual(await s.migrate(), []);
    },
  },
  {
    name: 'migration 15 backfills the package key of stored findings from their payloads',
    async run(db) {
      const { store } = db;
      const t = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      await store.ingestScan(t, scan('s-1', 1), [
        vuln(1, { payload: { package: { name: 'openssl', version: '3.0.11', purl: 'pkg:deb/debian/openssl@3.0.11' } } }),
        vuln(2, { payload: { package: { name: 'zlib', version: '1.2.13' } } }),
        vuln(3, { payload: { package: { name: 'busybox' } } }),
        vuln(4, { payload: { resource: 'Deployment/web' } }),
        vuln(5),
      ]);
      const keys = async (): Promise<unknown[]> => (await db.raw('SELECT package FROM findings ORDER BY rule_id')).map((r) => r.package ?? null);
      const want = ['pkg:deb/debian/openssl@3.0.11', 'zlib@1.2.13', 'busybox', null, null];
      assert.deepEqual(await keys(), want, 'ingest writes the key');
      // Back to version 14: no column, no index, then migrate again.
      await db.raw('DROP INDEX findings_package');
      await db.raw('ALTER TABLE findings DROP COLUMN package');
      await db.raw('DELETE FROM schema_migrations WHERE version = 15');
      assert.deepEqual(await store.migrate(), [15]);
      assert.deepEqual(await keys(), want, 'the migration derives the same keys from the payloads');
      assert.deepEqual((await store.listFindings(t, { package: 'zlib@1.2.13' })).items.map((f) => f.ruleId), ['CVE-2024-1002']);
    },
  },
  {
    name: 'ingest is idempotent: the same batch twice stores the same rows',
    batchRows: 97, // several full batches and a remainder
    async run(db) {
      const { store } = db;
      const t = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const findings = range(1234).map((i) => vuln(i));
      findings.push(vuln(5, { title: 'duplicate fingerprint: last one wins' }));
      const s1 = scan('scan-1', 1, 'registry.example/shop:1', {
        assets: [{ kind: 'image', key: 'registry.example/shop@sha256:aa', name: 'shop:1', attributes: { os: 'debian 12' }, criticality: 'high' }],
        relations: range(40).map((k) => ({ from: { kind: 'package' as const, key: `pkg:npm/lib-${k}@1.0.${k % 3}` }, to: { kind: 'image' as const, key: 'registry.example/shop@sha256:aa' }, kind: 'installed-in' as const })),
      });
      const r1 = await store.ingestScan(t, s1, findings);
      assert.equal(r1.duplicate, false);
      assert.equal(r1.counts.findings, 1234);
      assert.equal(r1.newIds.length, 1234);
      assert.deepEqual([r1.counts.new, r1.counts.reopened, r1.counts.fixed], [1234, 0, 0]);
      assert.equal(r1.counts.bySeverity.critical, Math.ceil(1234 / 6));
      const snap1 = await snapshot(db);
      const c1 = await counts(db);
      assert.deepEqual(c1, { findings: 1234, scans: 1, assets: 121, asset_relations: 40, audit_log: 0 }); // 120 package keys + the image
      const dup = (await store.listFindings(t, { ruleId: 'CVE-2024-1005' })).items;
      assert.equal(dup.length, 1);
      assert.equal(dup[0].title, 'duplicate fingerprint: last one wins');

      // Redelivery of the same scan: nothing changes, the stored counts come back.
      const r2 = await store.ingestScan(t, s1, findings);
      assert.equal(r2.duplicate, true);
      assert.deepEqual(r2.counts, r1.counts);
      assert.deepEqual([r2.newIds, r2.reopenedIds, r2.fixedIds], [[], [], []]);
      assert.deepEqual(await snapshot(db), snap1);

      // The same findings in a later scan: no new rows, last_seen moves, first_seen stays.
      const r3 = await store.ingestScan(t, scan('scan-2', 2), findings);
      assert.equal(r3.duplicate, false);
      assert.deepEqual([r3.counts.new, r3.counts.reopened, r3.counts.fixed], [0, 0, 0]);
      assert.deepEqual(await counts(db), { ...c1, scans: 2 });
      const all = await allFindings(store, t);
      assert.equal(all.length, 1234);
      for (const f of all) {
        assert.equal(f.firstSeen, at(1));
        assert.equal(f.lastSeen, at(2));
        assert.equal(f.firstScanId, 'scan-1');
        assert.equal(f.lastScanId, 'scan-2');
        assert.equal(f.status, 'open');
      }
      // The stored finding carries what was sent.
      const f7 = all.find((f) => f.ruleId === 'CVE-2024-1007')!;
      const sent = vuln(7);
      assert.deepEqual(
        {
          severity: f7.severity,
          cvss: f7.cvss,
          epss: f7.epss,
          kev: f7.kev,
          fix: f7.fixAvailable,
          asset: { kind: f7.asset.kind, key: f7.asset.key },
          priority: f7.priority,
          payload: f7.payload,
          title: f7.title,
          type: f7.type,
          target: f7.target,
        },
        {
          severity: sent.severity,
          cvss: sent.cvss,
          epss: sent.epss,
          kev: sent.kev,
          fix: sent.fixAvailable,
          asset: sent.asset,
          priority: sent.priority,
          payload: sent.payload,
          title: sent.title,
          type: sent.type,
          target: 'registry.example/shop:1',
        },
      );
      assert.equal(f7.fingerprint.length, 64);
    },
  },
  {
    name: 'lifecycle: absent from a later scan of the same target is fixed, seen again is reopened',
    async run(db) {
      const { store } = db;
      const t = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const a = vuln(1);
      const b = vuln(2);
      const c = vuln(3);
      const other = vuln(4, { asset: { kind: 'package', key: 'pkg:npm/elsewhere@1' } });
      await store.ingestScan(t, scan('o-1', 1, 'other-target'), [other]);
      const r1 = await store.ingestScan(t, scan('s-1', 1), [a, b, c]);
      const id = Object.fromEntries((await allFindings(store, t)).map((f) => [f.ruleId, f.id]));
      assert.deepEqual(r1.newIds, [id['CVE-2024-1001'], id['CVE-2024-1002'], id['CVE-2024-1003']].sort((x, y) => x - y));

      // b is suppressed, then both b and c disappear: c is fixed, b keeps the team's decision; other target untouched.
      await store.setFindingStatus(t, id['CVE-2024-1002'], { status: 'suppressed', reason: 'not reachable', owner: 'team-a' });
      const r2 = await store.ingestScan(t, scan('s-2', 2), [a]);
      assert.deepEqual(r2.fixedIds, [id['CVE-2024-1003']]);
      const byRule = async (): Promise<Record<string, Finding>> => Object.fromEntries((await allFindings(store, t)).map((f) => [f.ruleId, f]));
      let f = await byRule();
      assert.deepEqual([f['CVE-2024-1003'].status, f['CVE-2024-1003'].fixedAt], ['fixed', at(2)]);
      assert.deepEqual([f['CVE-2024-1002'].status, f['CVE-2024-1002'].statusReason], ['suppressed', 'not reachable']);
      assert.equal(f['CVE-2024-1004'].status, 'open');
      assert.equal(await store.countFindings(t, { status: ['fixed'] }), 1);

      // A late delivery of an older scan (day 1.5) that still saw c neither fixes a nor reopens c.
      const late = await store.ingestScan(t, { ...scan('s-late', 1), finishedAt: new Date(T0 + 1.5 * DAY).toISOString() }, [b, c]);
      assert.deepEqual([late.newIds, late.reopenedIds, late.fixedIds], [[], [], []]);
      f = await byRule();
      assert.deepEqual([f['CVE-2024-1003'].status, f['CVE-2024-1001'].status], ['fixed', 'open']);

      // c comes back: reopened, fixed_at cleared, first_seen kept.
      const r3 = await store.ingestScan(t, scan('s-3', 3), [a, c]);
      assert.deepEqual(r3.reopenedIds, [id['CVE-2024-1003']]);
      assert.deepEqual(r3.newIds, []);
      f = await byRule();
      assert.deepEqual(
        [f['CVE-2024-1003'].status, f['CVE-2024-1003'].fixedAt, f['CVE-2024-1003'].firstSeen, f['CVE-2024-1003'].lastSeen],
        ['open', null, at(1), at(3)],
      );
      // a risk acceptance that lapsed is reopened by the next scan that sees the finding.
      await store.setFindingStatus(t, id['CVE-2024-1001'], { status: 'risk-accepted', reason: 'compensating control', owner: 'ciso', expiresAt: at(3.5) });
      const r4 = await store.ingestScan(t, scan('s-4', 3.2), [a, c]);
      assert.deepEqual(r4.reopenedIds, []);
      assert.equal((await byRule())['CVE-2024-1001'].status, 'risk-accepted');
      const r5 = await store.ingestScan(t, scan('s-5', 4), [a, c]);
      assert.deepEqual(r5.reopenedIds, [id['CVE-2024-1001']]);
      f = await byRule();
      assert.deepEqual([f['CVE-2024-1001'].status, f['CVE-2024-1001'].statusReason, f['CVE-2024-1001'].statusExpiresAt], ['open', null, null]);
      // the stored scan rows carry the counts
      const scans = await db.raw('SELECT id, counts FROM scans ORDER BY id');
      const stored = Object.fromEntries(scans.map((r) => [r.id, typeof r.counts === 'string' ? JSON.parse(r.counts) : r.counts]));
      assert.deepEqual([stored['s-2'].fixed, stored['s-3'].reopened, stored['s-5'].reopened], [1, 1, 1]);
    },
  },
  {
    name: 'a rescan that re-rates findings updates severity, priority, asset and target everywhere they are indexed',
    batchRows: 7,
    async run(db) {
      const { store } = db;
      const t = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const base = range(40).map((i) => vuln(i, { fingerprint: `fp-${i}` }));
      await store.ingestScan(t, scan('s-1', 1, 'img-a'), base);
      // Same fingerprints: every 4th re-rated critical with a high priority and moved to another asset; others unchanged.
      const moved = { kind: 'image' as const, key: 'registry.example/moved@sha256:bb' };
      const rerated = base.map((f, i) => (i % 4 === 0 ? { ...f, severity: 'critical' as const, priority: { score: 100 + i, factors: [] }, asset: moved } : f));
      const r2 = await store.ingestScan(t, scan('s-2', 2, 'img-b'), rerated);
      assert.deepEqual([r2.newIds, r2.reopenedIds, r2.fixedIds], [[], [], []]);
      const all = await allFindings(store, t);
      const byFp = Object.fromEntries(all.map((f) => [f.fingerprint, f]));
      for (const [i, f] of rerated.entries()) {
        const got = byFp[`fp-${i}`];
        assert.deepEqual([got.severity, got.priority.score, got.asset.key, got.target], [f.severity, f.priority!.score, f.asset.key, 'img-b'], `fp-${i}`);
      }
      // The index-backed paths see the new values.
      const critical = rerated.filter((f) => f.severity === 'critical').map((f) => f.fingerprint).sort();
      assert.deepEqual((await allFindings(store, t, { severity: ['critical'] })).map((f) => f.fingerprint).sort(), critical);
      const top = (await store.listFindings(t, { status: ['open'] }, { by: 'priority' }, { limit: 10 })).items.map((f) => f.fingerprint);
      assert.deepEqual(top, range(10).map((k) => `fp-${36 - 4 * k}`));
      const movedId = all.find((f) => f.asset.key === moved.key)!.asset.id;
      assert.equal(await store.countFindings(t, { assetId: movedId }), 10);
      assert.equal(await store.countFindings(t, { target: 'img-a' }), 0);
      // A later scan of img-b without them fixes them (the target moved), one of img-a fixes nothing.
      assert.deepEqual((await store.ingestScan(t, scan('s-3', 3, 'img-a'), [])).fixedIds, []);
      assert.equal((await store.ingestScan(t, scan('s-4', 4, 'img-b'), [])).fixedIds.length, 40);
    },
  },
  {
    name: 'tenant isolation: tenant A never reads or changes tenant B rows',
    async run(db) {
      const { store } = db;
      const a = (await store.createTenant({ slug: 'tenant-a', name: 'A' })).id;
      const b = (await store.createTenant({ slug: 'tenant-b', name: 'B' })).id;
      const common = range(30).map((i) => vuln(i));
      const assetsOf = { assets: [{ kind: 'image' as const, key: 'registry.example/shop@sha256:aa' }], relations: [{ from: common[0].asset, to: { kind: 'image' as const, key: 'registry.example/shop@sha256:aa' }, kind: 'installed-in' as const }] };
      // Same scan ids, same target, same fingerprints in both tenants.
      const ra = await store.ingestScan(a, scan('s-1', 1, 'shared', assetsOf), common);
      const rb = await store.ingestScan(b, scan('s-1', 1, 'shared', assetsOf), [...common, ...range(10, 100).map((i) => vuln(i))]);
      assert.equal(ra.duplicate, false);
      assert.equal(rb.duplicate, false);
      assert.equal(rb.newIds.length, 40);
      // B's later scan of the same target name fixes B's findings only.
      const rb2 = await store.ingestScan(b, scan('s-2', 2, 'shared'), []);
      assert.equal(rb2.fixedIds.length, 40);
      assert.equal(await store.countFindings(a, { status: ['open'] }), 30);

      const aIds = new Set(ra.newIds);
      const bIds = new Set(rb.newIds);
      const listedA = await allFindings(store, a);
      assert.equal(listedA.length, 30);
      for (const f of listedA) assert.ok(aIds.has(f.id) && !bIds.has(f.id));
      const ownerOf = new Map((await db.raw('SELECT id, tenant_id FROM findings')).map((r) => [Number(r.id), Number(r.tenant_id)]));
      for (const f of listedA) assert.equal(ownerOf.get(f.id), a);
      for (const sort of ['priority', 'severity', 'lastSeen', 'firstSeen', 'id'] as const) {
        for (const f of await allFindings(store, a, {}, { by: sort })) assert.equal(ownerOf.get(f.id), a);
      }
      assert.equal(await store.countFindings(a), 30);
      assert.equal(await store.countFindings(b), 40);

      const bFinding = rb.newIds[0];
      assert.equal(await store.getFinding(a, bFinding), undefined);
      assert.equal(await store.setFindingStatus(a, bFinding, { status: 'suppressed', reason: 'x', actor: 'user:a' }), undefined);
      assert.equal((await store.getFinding(b, bFinding))!.status, 'fixed');
      assert.equal((await store.listFindings(a, { assetId: (await store.getFinding(b, bFinding))!.asset.id })).items.length, 0);

      // Asset groups: B's group means nothing to A, and A cannot put B's assets in its own group.
      const bAssets = (await store.listAssets(b, {}, { limit: 1000 })).items;
      const aAssets = (await store.listAssets(a, {}, { limit: 1000 })).items;
      assert.equal(aAssets.length, bAssets.length - 10);
      const aAssetIds = new Set(aAssets.map((x) => x.id));
      for (const x of bAssets) assert.ok(!aAssetIds.has(x.id));
      const gB = await store.createAssetGroup(b, 'prod');
      assert.equal(await store.addAssetsToGroup(b, gB.id, bAssets.map((x) => x.id)), bAssets.length);
      assert.equal((await store.listFindings(a, { assetGroups: [gB.id] })).items.length, 0);
      assert.equal(await store.addAssetsToGroup(a, gB.id, aAssets.map((x) => x.id)), 0);
      const gA = await store.createAssetGroup(a, 'prod');
      assert.equal(await store.addAssetsToGroup(a, gA.id, bAssets.map((x) => x.id)), 0);
      assert.equal((await store.listAssets(a, { groupId: gB.id })).items.length, 0);
      const bImage = bAssets.find((x) => x.kind === 'image')!;
      assert.deepEqual(await store.assetRelations(a, bImage.id), []);
      assert.equal((await store.assetRelations(b, bImage.id)).length, 1);

      // Audit chains are per tenant.
      await store.appendAudit(a, { actor: 'user:1', action: 'login' });
      await store.appendAudit(b, { actor: 'user:2', action: 'login' });
      await store.appendAudit(b, { actor: 'user:2', action: 'logout' });
      assert.deepEqual((await store.listAudit(a)).map((r) => [r.tenantId, r.seq, r.action]), [[a, 1, 'login']]);
      assert.equal((await store.verifyAuditChain(a)).checked, 1);
      assert.equal((await store.verifyAuditChain()).checked, 3);
      assert.deepEqual(
        (await store.listTenants()).map((x) => x.slug),
        ['tenant-a', 'tenant-b'],
      );
    },
  },
  {
    name: 'pagination is stable: keyset pages cover the list exactly once, also while rows are added',
    async run(db) {
      const { store } = db;
      const t = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      await store.ingestScan(t, scan('s-1', 1), range(300).map((i) => vuln(i)));
      // Second scan on another target, later, so firstSeen/lastSeen have ties and distinct values.
      await store.ingestScan(t, scan('s-2', 2, 'other'), range(60, 1000).map((i) => vuln(i)));
      const sorts: FindingSort[] = [];
      for (const by of ['priority', 'severity', 'lastSeen', 'firstSeen', 'id'] as const) for (const dir of ['desc', 'asc'] as const) sorts.push({ by, dir });
      const key = (f: Finding, by: FindingSort['by']): string | number =>
        ({ priority: f.priority.score, severity: SEVS.length - SEVS.indexOf(f.severity), lastSeen: f.lastSeen, firstSeen: f.firstSeen, id: f.id })[by];
      for (const sort of sorts) {
        const whole = (await store.listFindings(t, {}, sort, { limit: 1000 })).items;
        assert.equal(whole.length, 360);
        // the order is the one asked for, ties broken by id
        for (let k = 1; k < whole.length; k++) {
          const [p, q] = [whole[k - 1], whole[k]];
          const sign = sort.dir === 'asc' ? 1 : -1;
          const kp = key(p, sort.by);
          const kq = key(q, sort.by);
          assert.ok(kp === kq ? sign * (q.id - p.id) > 0 : sign * (kq > kp ? 1 : -1) > 0, `${sort.by} ${sort.dir} at ${k}`);
        }
        const paged: number[] = [];
        let cursor: string | undefined;
        do {
          const p = await store.listFindings(t, {}, sort, { limit: 37, cursor });
          assert.ok(p.items.length <= 37);
          paged.push(...p.items.map((f) => f.id));
          cursor = p.nextCursor;
        } while (cursor);
        assert.deepEqual(paged, whole.map((f) => f.id), `${sort.by} ${sort.dir}`);
      }
      // New rows arriving mid-way never duplicate or drop the rows already being paged.
      const sort: FindingSort = { by: 'priority', dir: 'desc' };
      const before = (await store.listFindings(t, { status: ['open'] }, sort, { limit: 1000 })).items.map((f) => f.id);
      const first = await store.listFindings(t, { status: ['open'] }, sort, { limit: 50 });
      await store.ingestScan(t, scan('s-3', 3, 'third'), range(40, 5000).map((i) => vuln(i, { priority: { score: (i * 37) % 11, factors: [] } })));
      const seen = first.items.map((f) => f.id);
      let cursor = first.nextCursor;
      while (cursor) {
        const p = await store.listFindings(t, { status: ['open'] }, sort, { limit: 50, cursor });
        seen.push(...p.items.map((f) => f.id));
        cursor = p.nextCursor;
      }
      assert.equal(new Set(seen).size, seen.length, 'no duplicates');
      for (const id of before) assert.ok(seen.includes(id), `row ${id} kept`);

      // A cursor belongs to its sort; garbage is a typed error.
      const p1 = await store.listFindings(t, {}, { by: 'priority' }, { limit: 10 });
      await assert.rejects(store.listFindings(t, {}, { by: 'severity' }, { limit: 10, cursor: p1.nextCursor }), InputError);
      await assert.rejects(store.listFindings(t, {}, { by: 'priority' }, { limit: 10, cursor: 'not a cursor!' }), InputError);
      await assert.rejects(store.listFindings(t, {}, { by: 'priority' }, { limit: 10, cursor: Buffer.from('[1,2]').toString('base64url') }), InputError);
      await assert.rejects(store.listFindings(t, {}, { by: 'priority' }, { limit: 0 }), InputError);
      await assert.rejects(store.listFindings(t, {}, { by: 'cvss' as never }), InputError);
    },
  },
  {
    name: 'filters select exactly the matching findings',
    async run(db) {
      const { store } = db;
      const t = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const secrets = range(12).map((i) => vuln(i, { type: 'secret', ruleId: `BLW-SECRET-${i % 3}`, asset: { kind: 'repository', key: 'git@example:shop' }, locator: `f${i}` }));
      const configs = range(15).map((i) => vuln(i, { type: 'config', ruleId: `BLW-K8S-0${i % 4}`, asset: { kind: 'workload', key: `prod/shop/deployment/web-${i % 2}` }, locator: `c${i}` }));
      const pkg = (i: number) => ({ name: 'openssl', version: `3.0.${11 + (i % 2)}`, ...(i % 3 === 0 ? {} : { purl: `pkg:deb/debian/openssl@3.0.${11 + (i % 2)}` }) });
      const packaged = range(9).map((i) => vuln(300 + i, { locator: `p${i}`, payload: { package: pkg(i) } }));
      await store.ingestScan(t, scan('s-1', 1), [...range(120).map((i) => vuln(i)), ...secrets, ...configs, ...packaged]);
      await store.ingestScan(t, scan('s-2', 2), [...range(100).map((i) => vuln(i)), ...packaged]);
      const all = await allFindings(store, t);
      const ids = all.map((f) => f.id);
      await store.setFindingStatus(t, ids[3], { status: 'suppressed', reason: 'test fixture' });
      await store.setFindingStatus(t, ids[4], { status: 'risk-accepted', reason: 'accepted', owner: 'ciso', expiresAt: at(30) });
      const everything = await allFindings(store, t);
      const webAsset = everything.find((f) => f.asset.key === 'prod/shop/deployment/web-1')!.asset.id;
      const group = await store.createAssetGroup(t, 'web');
      const libAssets = (await store.listAssets(t, { kind: 'package' }, { limit: 1000 })).items.filter((x) => /lib-1\d@/.test(x.key));
      assert.ok(libAssets.length >= 10);
      await store.addAssetsToGroup(t, group.id, [webAsset, ...libAssets.map((x) => x.id)]);
      const inGroup = new Set([webAsset, ...libAssets.map((x) => x.id)]);
      const rows: [string, FindingFilter, (f: Finding) => boolean][] = [
        ['severity critical+high', { severity: ['critical', 'high'] }, (f) => f.severity === 'critical' || f.severity === 'high'],
        ['severity unknown', { severity: ['unknown'] }, (f) => f.severity === 'unknown'],
        ['status open', { status: ['open'] }, (f) => f.status === 'open'],
        ['status fixed', { status: ['fixed'] }, (f) => f.status === 'fixed'],
        ['status decided', { status: ['suppressed', 'risk-accepted'] }, (f) => f.status === 'suppressed' || f.status === 'risk-accepted'],
        ['type secret', { type: ['secret'] }, (f) => f.type === 'secret'],
        ['type config+vuln', { type: ['config', 'vulnerability'] }, (f) => f.type !== 'secret'],
        ['kev', { kev: true }, (f) => f.kev],
        ['not kev', { kev: false }, (f) => !f.kev],
        ['fix available', { fixAvailable: true }, (f) => f.fixAvailable],
        ['asset', { assetId: webAsset }, (f) => f.asset.id === webAsset],
        ['target', { target: 'registry.example/shop:1' }, (f) => f.target === 'registry.example/shop:1'],
        ['rule', { ruleId: 'BLW-K8S-01' }, (f) => f.ruleId === 'BLW-K8S-01'],
        ['package purl', { package: 'pkg:deb/debian/openssl@3.0.11' }, (f) => (f.payload as { package?: { purl?: string } }).package?.purl === 'pkg:deb/debian/openssl@3.0.11'],
        ['package name@version', { package: 'openssl@3.0.12' }, (f) => { const p = (f.payload as { package?: { purl?: string; version?: string } }).package; return p !== undefined && p.purl === undefined && p.version === '3.0.12'; }],
        ['group scope', { assetGroups: [group.id] }, (f) => inGroup.has(f.asset.id)],
        ['empty scope', { assetGroups: [] }, () => false],
        ['empty severity list', { severity: [] }, () => false],
        ['combined', { severity: ['high', 'critical', 'medium'], status: ['open'], type: ['vulnerability'], kev: false, fixAvailable: true }, (f) =>
          ['high', 'critical', 'medium'].includes(f.severity) && f.status === 'open' && f.type === 'vulnerability' && !f.kev && f.fixAvailable],
        ['group + severity', { assetGroups: [group.id], severity: ['critical'] }, (f) => inGroup.has(f.asset.id) && f.severity === 'critical'],
      ];
      for (const [name, filter, pred] of rows) {
        const want = everything.filter(pred).map((f) => f.id);
        const got = (await allFindings(store, t, filter)).map((f) => f.id);
        assert.deepEqual(got, want, name);
        assert.equal(await store.countFindings(t, filter), want.length, `${name} count`);
        if (!['empty scope', 'empty severity list'].includes(name)) assert.ok(want.length > 0, `${name} matches something`);
      }
      await assert.rejects(store.listFindings(t, { severity: ['bogus' as Severity] }), (e: unknown) => e instanceof InputError && e.field === 'severity[0]');
      await assert.rejects(store.listFindings(t, { kev: 'yes' as never }), InputError);
      await assert.rejects(store.listFindings(t, { assetGroups: [-1] }), InputError);
    },
  },
  {
    name: 'audit chain: appends link by hash and verifyChain finds any tampered row',
    async run(db) {
      const { store } = db;
      type Tamper = [name: string, fn: (t: number) => Promise<unknown>, seq: number, reason: RegExp];
      const tampers: Tamper[] = [
        ['details edited', (t) => db.raw(`UPDATE audit_log SET details = ? WHERE tenant_id = ? AND seq = 3`, ['{"role":"admin"}', t]), 3, /hash does not match/],
        ['actor edited', (t) => db.raw(`UPDATE audit_log SET actor = 'user:999' WHERE tenant_id = ? AND seq = 2`, [t]), 2, /hash does not match/],
        ['time edited', (t) => db.raw(`UPDATE audit_log SET at = ? WHERE tenant_id = ? AND seq = 4`, [at(9), t]), 4, /hash does not match/],
        ['row deleted', (t) => db.raw('DELETE FROM audit_log WHERE tenant_id = ? AND seq = 3', [t]), 3, /missing/],
        ['tail deleted', (t) => db.raw('DELETE FROM audit_log WHERE tenant_id = ? AND seq = 5', [t]), 5, /missing/],
        [
          'row rewritten with a fresh hash',
          async (t) => {
            const [row] = await db.raw('SELECT * FROM audit_log WHERE tenant_id = ? AND seq = 3', [t]);
            const details = '{"note":"rewritten"}';
            const hash = auditHash({ tenantId: t, seq: 3, at: row.at as string, actor: row.actor as string, action: row.action as string, target: (row.target as string | null) ?? null, details, prevHash: row.prev_hash as string });
            await db.raw('UPDATE audit_log SET details = ?, hash = ? WHERE tenant_id = ? AND seq = 3', [details, hash, t]);
          },
          4,
          /prev_hash/,
        ],
        ['head moved back', (t) => db.raw('UPDATE audit_heads SET seq = 4 WHERE tenant_id = ?', [t]), 5, /beyond the chain head/],
        [
          'record appended behind the store',
          (t) =>
            db.raw('INSERT INTO audit_log (tenant_id, seq, at, actor, action, target, details, prev_hash, hash) VALUES (?, 6, ?, ?, ?, NULL, ?, ?, ?)', [t, at(9), 'x', 'y', '{}', '0', '0']),
          6,
          /beyond the chain head/,
        ],
      ];
      const tenants: number[] = [];
      for (const [k] of tampers.entries()) {
        const t = (await store.createTenant({ slug: `t${k}`, name: `T${k}` })).id;
        tenants.push(t);
        for (let s = 1; s <= 5; s++) {
          const rec = await store.appendAudit(t, { actor: `user:${s}`, action: 'user.update', target: `user:${s}`, details: { z: s, a: [1, { y: 2, b: 3 }] }, at: at(s) });
          assert.equal(rec.seq, s);
        }
      }
      const records = await store.listAudit(tenants[0]);
      assert.deepEqual(records.map((x) => x.seq), [1, 2, 3, 4, 5]);
      for (let k = 1; k < records.length; k++) assert.equal(records[k].prevHash, records[k - 1].hash);
      assert.equal(records[0].prevHash, '0'.repeat(64));
      assert.deepEqual(records[0].details, { a: [1, { b: 3, y: 2 }], z: 1 });
      const good = await store.verifyAuditChain();
      assert.equal(good.ok, true);
      assert.equal(good.checked, 5 * tampers.length);
      assert.equal(good.heads[String(tenants[0])], records[4].hash);

      for (const [k, [name, fn, seq, reason]] of tampers.entries()) {
        const t = tenants[k];
        await fn(t);
        const v = await store.verifyAuditChain(t);
        assert.equal(v.ok, false, name);
        assert.equal(v.broken?.tenantId, t, name);
        assert.equal(v.broken?.seq, seq, name);
        assert.match(v.broken!.reason, reason, name);
      }
      assert.equal((await store.verifyAuditChain()).ok, false);
    },
  },
  {
    name: 'status changes: typed errors, and an audited change lands in the chain with it',
    async run(db) {
      const { store } = db;
      const t = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const { newIds } = await store.ingestScan(t, scan('s-1', 1), [vuln(1), vuln(2)]);
      const id = newIds[0];
      const f = await store.setFindingStatus(t, id, { status: 'risk-accepted', reason: 'WAF rule 42', owner: 'team-web', expiresAt: '2024-06-01T00:00:00Z', actor: 'user:7' });
      assert.deepEqual([f!.status, f!.statusReason, f!.statusOwner, f!.statusExpiresAt], ['risk-accepted', 'WAF rule 42', 'team-web', '2024-06-01T00:00:00.000Z']);
      const [rec] = await store.listAudit(t);
      assert.deepEqual([rec.actor, rec.action, rec.target, rec.details.from, rec.details.to, rec.details.reason], ['user:7', 'finding.status', `finding:${id}`, 'open', 'risk-accepted', 'WAF rule 42']);
      const back = await store.setFindingStatus(t, id, { status: 'open', actor: 'user:7' });
      assert.deepEqual([back!.status, back!.statusReason, back!.statusOwner, back!.statusExpiresAt], ['open', null, null, null]);
      assert.equal((await store.verifyAuditChain(t)).checked, 2);
      assert.equal(await store.setFindingStatus(t, 999_999, { status: 'open' }), undefined);
      const bad: [string, unknown, string][] = [
        ['suppressed without reason', { status: 'suppressed' }, 'reason'],
        ['fixed is set by scans only', { status: 'fixed', reason: 'x' }, 'status'],
        ['unknown status', { status: 'ignored', reason: 'x' }, 'status'],
        ['bad expiry', { status: 'suppressed', reason: 'x', expiresAt: 'next week' }, 'expiresAt'],
      ];
      for (const [name, change, field] of bad) {
        await assert.rejects(store.setFindingStatus(t, id, change as never), (e: unknown) => e instanceof InputError && e.field === field, name);
      }
      assert.equal((await store.getFinding(t, id))!.status, 'open');
      assert.equal((await store.listAudit(t)).length, 2);
    },
  },
  {
    name: 'bad input is a typed error and stores nothing',
    async run(db) {
      const store = await db.reopen({ limits: { maxFindingsPerScan: 50, maxPayloadBytes: 2048 } });
      const t = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const ok = range(20).map((i) => vuln(i));
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      const rows: [string, ScanInput, FindingInput[], { type: typeof InputError; field?: string }][] = [
        ['unknown severity', scan('x', 1), [...ok, vuln(99, { severity: 'severe' as Severity })], { type: InputError, field: 'findings[20].severity' }],
        ['unknown type', scan('x', 1), [vuln(1, { type: 'malware' as never })], { type: InputError, field: 'findings[0].type' }],
        ['oversized payload', scan('x', 1), [...ok, vuln(1, { payload: { blob: 'x'.repeat(5000) } })], { type: LimitError, field: 'findings[20].payload' }],
        ['multi-byte payload over the limit', scan('x', 1), [vuln(1, { payload: { blob: '漢'.repeat(1000) } })], { type: LimitError, field: 'findings[0].payload' }],
        ['too many findings', scan('x', 1), range(51).map((i) => vuln(i)), { type: LimitError, field: 'findings' }],
        ['cvss out of range', scan('x', 1), [vuln(1, { cvss: 11 })], { type: InputError, field: 'findings[0].cvss' }],
        ['epss not a number', scan('x', 1), [vuln(1, { epss: '0.5' as never })], { type: InputError, field: 'findings[0].epss' }],
        ['NaN priority', scan('x', 1), [vuln(1, { priority: { score: NaN, factors: [] } })], { type: InputError, field: 'findings[0].priority.score' }],
        ['missing asset', scan('x', 1), [vuln(1, { asset: undefined as never })], { type: InputError, field: 'findings[0].asset' }],
        ['unknown asset kind', scan('x', 1), [vuln(1, { asset: { kind: 'vm' as never, key: 'k' } })], { type: InputError, field: 'findings[0].asset.kind' }],
        ['empty rule id', scan('x', 1), [vuln(1, { ruleId: '' })], { type: InputError, field: 'findings[0].ruleId' }],
        ['NUL in title', scan('x', 1), [vuln(1, { title: 'a\u0000b' })], { type: InputError, field: 'findings[0].title' }],
        ['lone surrogate in payload', scan('x', 1), [vuln(1, { payload: { s: 'a\ud800b' } })], { type: InputError, field: 'findings[0].payload' }],
        ['NUL in payload', scan('x', 1), [vuln(1, { payload: { s: 'a\u0000' } })], { type: InputError, field: 'findings[0].payload' }],
        ['circular payload', scan('x', 1), [vuln(1, { payload: circular })], { type: InputError, field: 'findings[0].payload' }],
        ['bigint payload', scan('x', 1), [vuln(1, { payload: { n: 1n } })], { type: InputError, field: 'findings[0].payload' }],
        ['fingerprint with spaces', scan('x', 1), [vuln(1, { fingerprint: 'a b' })], { type: InputError, field: 'findings[0].fingerprint' }],
        ['bad finishedAt', { ...scan('x', 1), finishedAt: 'yesterday' }, ok, { type: InputError, field: 'scan.finishedAt' }],
        ['finished before started', { ...scan('x', 1), startedAt: at(5) }, ok, { type: InputError, field: 'scan.finishedAt' }],
        ['scan kind', { ...scan('x', 1), kind: 'Image Scan' }, ok, { type: InputError, field: 'scan.kind' }],
        ['relation kind', scan('x', 1, 'tgt', { relations: [{ from: ok[0].asset, to: { kind: 'image', key: 'i' }, kind: 'contains' as never }] }), ok, { type: InputError, field: 'scan.relations[0].kind' }],
        ['asset criticality', scan('x', 1, 'tgt', { assets: [{ kind: 'image', key: 'i', criticality: 'extreme' as never }] }), ok, { type: InputError, field: 'scan.assets[0].criticality' }],
        ['findings not an array', scan('x', 1), { length: 1 } as never, { type: InputError, field: 'findings' }],
      ];
      for (const [name, s, findings, want] of rows) {
        await assert.rejects(store.ingestScan(t, s, findings), (e: unknown) => {
          assert.ok(e instanceof want.type, `${name}: ${String(e)}`);
          if (want.field) assert.equal((e as InputError).field, want.field, name);
          assert.equal((e as InputError).file, 'ingest', name);
          return true;
        });
        assert.deepEqual(await counts(db), { findings: 0, scans: 0, assets: 0, asset_relations: 0, audit_log: 0 }, `${name}: nothing stored`);
      }
      // Unknown or malformed tenants.
      for (const bad of [999, 0, -1, 1.5, '1']) {
        await assert.rejects(store.ingestScan(bad as number, scan('x', 1), ok), InputError, `tenant ${String(bad)}`);
      }
      await assert.rejects(store.appendAudit(999, { actor: 'a', action: 'b' }), InputError);
      await assert.rejects(store.createAssetGroup(999, 'g'), InputError);
      await assert.rejects(store.createTenant({ slug: 'Acme Corp', name: 'x' }), InputError);
      await assert.rejects(store.createTenant({ slug: 'acme', name: 'again' }), (e: unknown) => e instanceof InputError && /already exists/.test(e.message));
      await assert.rejects(store.appendAudit(t, { actor: 'a', action: 'b', details: { blob: 'x'.repeat(5000) } }), LimitError);
      assert.deepEqual(await counts(db), { findings: 0, scans: 0, assets: 0, asset_relations: 0, audit_log: 0 });

      // A scan id reused for another target is refused and changes nothing.
      await store.ingestScan(t, scan('s-1', 1, 'image-a'), ok);
      const before = await snapshot(db);
      await assert.rejects(store.ingestScan(t, scan('s-1', 2, 'image-b'), ok), (e: unknown) => e instanceof InputError && e.field === 'scan.id');
      assert.deepEqual(await snapshot(db), before);
    },
  },
  {
    name: 'assets: descriptions, criticality kept, relations package → image → workload → node → cluster',
    async run(db) {
      const { store } = db;
      const t = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const pkg = { kind: 'package' as const, key: 'pkg:deb/debian/openssl@3.0.11' };
      const img = { kind: 'image' as const, key: 'registry.example/shop@sha256:aa' };
      const wl = { kind: 'workload' as const, key: 'prod/shop/deployment/web' };
      const node = { kind: 'node' as const, key: 'prod/node-1' };
      const cluster = { kind: 'cluster' as const, key: 'prod' };
      const ns = { kind: 'namespace' as const, key: 'prod/shop' };
      await store.ingestScan(
        t,
        scan('s-1', 1, 'prod', {
          kind: 'cluster',
          assets: [
            { ...img, name: 'shop:1', attributes: { os: 'debian 12' }, criticality: 'high' },
            { ...wl, name: 'web', attributes: { internetFacing: true, privileged: false } },
            { ...cluster, name: 'prod', criticality: 'critical' },
          ],
          relations: [
            { from: pkg, to: img, kind: 'installed-in' },
            { from: img, to: wl, kind: 'used-by' },
            { from: wl, to: node, kind: 'scheduled-on' },
            { from: node, to: cluster, kind: 'part-of' },
            { from: ns, to: cluster, kind: 'part-of' },
            { from: wl, to: ns, kind: 'part-of' },
            { from: wl, to: ns, kind: 'part-of' },
          ],
        }),
        [vuln(1, { asset: pkg })],
      );
      const assets = (await store.listAssets(t, {}, { limit: 2 }));
      assert.equal(assets.items.length, 2);
      const rest = await store.listAssets(t, {}, { limit: 100, cursor: assets.nextCursor });
      const byKey = Object.fromEntries([...assets.items, ...rest.items].map((x) => [x.key, x]));
      assert.equal(Object.keys(byKey).length, 6);
      assert.deepEqual([byKey[img.key].name, byKey[img.key].attributes, byKey[img.key].criticality], ['shop:1', { os: 'debian 12' }, 'high']);
      assert.deepEqual([byKey[pkg.key].name, byKey[pkg.key].criticality], [pkg.key, 'medium']);
      const edges = await store.assetRelations(t, byKey[wl.key].id);
      assert.deepEqual(
        edges.map((e) => [e.fromId, e.toId, e.kind]).sort(),
        [
          [byKey[img.key].id, byKey[wl.key].id, 'used-by'],
          [byKey[wl.key].id, byKey[node.key].id, 'scheduled-on'],
          [byKey[wl.key].id, byKey[ns.key].id, 'part-of'],
        ].sort(),
      );
      // A later scan updates the description but not the tenant's criticality; a scan that only references keeps it.
      await store.ingestScan(t, scan('s-2', 2, 'prod', { kind: 'cluster', assets: [{ ...img, name: 'shop:1.1', attributes: { os: 'debian 12.5' }, criticality: 'low' }] }), [vuln(1, { asset: pkg })]);
      await store.ingestScan(t, scan('s-3', 3, 'registry.example/shop:1'), [vuln(2, { asset: img })]);
      const img2 = (await store.listAssets(t, { kind: 'image' })).items[0];
      assert.deepEqual([img2.name, img2.attributes, img2.criticality, img2.firstSeen, img2.lastSeen], ['shop:1.1', { os: 'debian 12.5' }, 'high', at(1), at(3)]);
    },
  },
  {
    name: 'concurrent deliveries: one scan delivered twice at once is stored once; parallel scans all land',
    async run(db) {
      const { store } = db;
      const t = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const rand = seededRandom(4);
      const batch = range(400).map((i) => vuln(Math.floor(rand() * 1000) + i * 1000));
      const [x, y] = await Promise.all([store.ingestScan(t, scan('s-1', 1), batch), store.ingestScan(t, scan('s-1', 1), batch)]);
      assert.deepEqual([x.duplicate, y.duplicate].sort(), [false, true]);
      assert.equal(await store.countFindings(t), 400);
      const targets = range(6).map((k) => `target-${k}`);
      const results = await Promise.all(
        targets.map((tg, k) => store.ingestScan(t, scan(`p-${k}`, 2, tg), range(100, k * 100).map((i) => vuln(i, { locator: `${tg}/${i}` })))),
      );
      assert.deepEqual(results.map((r) => r.newIds.length), [100, 100, 100, 100, 100, 100]);
      assert.equal(await store.countFindings(t), 1000);
      // Reads during a long write see the committed state only (before or after, never half).
      const big = range(3000).map((i) => vuln(i, { locator: `big/${i}` }));
      const writing = store.ingestScan(t, scan('s-big', 3, 'big'), big);
      const during = await store.countFindings(t);
      await writing;
      assert.ok(during === 1000 || during === 4000, `count during ingest: ${during}`);
      assert.equal(await store.countFindings(t), 4000);
    },
  },
];

for (const backend of backends()) {
  describe(`storage on ${backend.name}`, () => {
    before(() => backend.setup());
    after(() => backend.teardown());
    for (const c of cases) {
      it(c.name, async () => {
        const db = await backend.fresh(c.batchRows === undefined ? {} : { batchRows: c.batchRows, pgBatchRows: c.batchRows });
        try {
          await c.run(db);
        } finally {
          await db.drop();
        }
      });
    }
  });
}

describe('openStore', () => {
  it('opens SQLite from a path or sqlite: URL and PostgreSQL from a postgres:// URL with ?schema=', async () => {
    await backends()[1].setup();
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-open-'));
    try {
      for (const loc of [join(dir, 'a', 'platform.db'), `sqlite:${join(dir, 'b.db')}`]) {
        const s = await openStore(loc);
        assert.equal(s.dialect, 'sqlite');
        assert.equal(await s.schemaVersion(), SCHEMA_VERSION);
        await s.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const schema = `blw_open_${process.pid}_${Date.now().toString(36)}`;
    const url = new URL(PG_TEST_URL);
    url.searchParams.set('schema', schema);
    const s = await openStore(url.toString());
    try {
      assert.equal(s.dialect, 'postgres');
      assert.equal(await s.schemaVersion(), SCHEMA_VERSION);
      const t = await s.createTenant({ slug: 'acme', name: 'Acme' });
      assert.deepEqual((await s.listTenants()).map((x) => x.id), [t.id]);
    } finally {
      await s.close();
      const c = new pg.Client({ connectionString: PG_TEST_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    }
  });

  it('reports an unreachable PostgreSQL as a retryable ExternalError and a bad schema name as a ConfigError', async () => {
    await assert.rejects(openStore('postgres://postgres@127.0.0.1:1/test'), (e: unknown) => e instanceof ExternalError && e.retryable);
    await assert.rejects(openStore(`${PG_TEST_URL}?schema=Bad-Name`), ConfigError);
  });
});
