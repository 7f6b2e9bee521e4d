import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../server/server.js';
import type { FindingInput, ScanInput } from '../storage/types.js';
import { backends, type FreshDb } from '../storage/test-backends.js';
import { pruneTenant, RetentionPruner, RETENTION_ACTOR } from './pruner.js';
import { DEFAULT_RETENTION, RetentionRepository, validateSettings, type RetentionSettings } from './repository.js';

const NOW = new Date('2026-06-01T00:00:00.000Z');
/** findings 180 d → 2025-12-03; scans 365 d → 2025-06-01; reports and alerts 90 d → 2026-03-03; audit 365 d → 2025-06-01. */
const SETTINGS: RetentionSettings = { findingsDays: 180, scansDays: 365, reportsDays: 90, alertsDays: 90, auditDays: 365 };
const FOREVER: RetentionSettings = { findingsDays: 0, scansDays: 0, reportsDays: 0, alertsDays: 0, auditDays: 0 };

const TOKENS = {
  admin: 'tok-ret-admin-0123456789abcdef',
  analyst: 'tok-ret-analyst-0123456789abcdef',
  developer: 'tok-ret-developer-0123456789abcdef',
  auditor: 'tok-ret-auditor-0123456789abcdef',
  other: 'tok-ret-other-admin-0123456789abcdef',
};

const scan = (id: string, target: string, finishedAt: string): ScanInput => ({ id, target, kind: 'image', startedAt: finishedAt, finishedAt });
const vuln = (n: number, image: string): FindingInput => ({ type: 'vulnerability', ruleId: `CVE-2025-${1000 + n}`, severity: 'high', asset: { kind: 'image', key: image }, locator: `pkg@${n}` });

describe('retention settings validation', () => {
  const rows: [string, unknown, string | undefined][] = [
    ['defaults are valid', { ...DEFAULT_RETENTION }, undefined],
    ['0 keeps forever', FOREVER, undefined],
    ['lowest non-zero', { ...FOREVER, findingsDays: 7, auditDays: 365 }, undefined],
    ['highest', { ...FOREVER, scansDays: 3650 }, undefined],
    ['below the minimum', { ...FOREVER, findingsDays: 6 }, 'findingsDays'],
    ['above the maximum', { ...FOREVER, reportsDays: 3651 }, 'reportsDays'],
    ['audit kept at least a year', { ...FOREVER, auditDays: 364 }, 'auditDays'],
    ['not an integer', { ...FOREVER, alertsDays: 30.5 }, 'alertsDays'],
    ['a string', { ...FOREVER, scansDays: '30' }, 'scansDays'],
    ['missing field', { findingsDays: 0, scansDays: 0, reportsDays: 0, alertsDays: 0 }, 'auditDays'],
    ['unknown field', { ...FOREVER, assetsDays: 30 }, 'assetsDays'],
  ];
  for (const [name, input, field] of rows) {
    it(name, () => {
      if (field === undefined) assert.deepEqual(validateSettings(input), input, `${name}: accepted as given`);
      else assert.throws(() => validateSettings(input), (e: Error & { field?: string }) => e.field === field, `${name}: refused naming ${field}`);
    });
  }
});

for (const backend of backends()) {
  describe(`retention on ${backend.name}`, () => {
    let db: FreshDb;
    let app: FastifyInstance;
    let a: number;
    let b: number;
    const count = async (table: string, tenant: number, extra = ''): Promise<number> =>
      Number((await db.raw(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = ?${extra}`, [tenant]))[0].n);
    const call = (method: 'GET' | 'PUT' | 'POST', url: string, token: string = TOKENS.admin, payload?: unknown) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    const json = (r: LightMyRequestResponse) => r.json() as Record<string, unknown>;

    /** The same data in a tenant: what the settings make old and what they must keep. */
    async function seed(t: number): Promise<Record<string, number>> {
      const { store } = db;
      const img = `registry.example/app-${t}@sha256:01`;
      await store.ingestScan(t, scan(`s1-${t}`, 'app', '2025-01-01T00:00:00Z'), [1, 2, 3, 4, 5, 6].map((n) => vuln(n, img)));
      // f1–f4 are fixed on 2025-02-01 (f5 and f6 seen again, stay open).
      await store.ingestScan(t, scan(`s2-${t}`, 'app', '2025-02-01T00:00:00Z'), [vuln(5, img), vuln(6, img)]);
      const byRule = new Map((await db.raw('SELECT id, rule_id FROM findings WHERE tenant_id = ?', [t])).map((r) => [r.rule_id as string, Number(r.id)]));
      const [f1, f2, f3, f4, f5, f6] = [1, 2, 3, 4, 5, 6].map((n) => byRule.get(vuln(n, img).ruleId)!);
      await store.setFindingStatus(t, f3, { status: 'suppressed', reason: 'lapsed long ago', expiresAt: '2025-03-01T00:00:00Z' });
      await store.setFindingStatus(t, f4, { status: 'suppressed', reason: 'live', expiresAt: '2099-01-01T00:00:00Z' });
      await store.setFindingStatus(t, f6, { status: 'risk-accepted', reason: 'no expiry' });
      // g1 fixed recently.
      const g = await store.ingestScan(t, scan(`s3-${t}`, 'web', '2026-05-01T00:00:00Z'), [vuln(7, img)]);
      await store.ingestScan(t, scan(`s4-${t}`, 'web', '2026-05-20T00:00:00Z'), []);
      for (const [id, at] of [
        [`s1-${t}`, '2025-01-01T00:00:00.000Z'],
        [`s2-${t}`, '2025-02-01T00:00:00.000Z'],
        [`s3-${t}`, '2026-05-01T00:00:00.000Z'],
        [`s4-${t}`, '2026-05-20T00:00:00.000Z'],
      ]) {
        await db.raw('UPDATE scans SET received_at = ? WHERE tenant_id = ? AND id = ?', [at, t, id]);
      }
      for (const at of ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-05-30T00:00:00.000Z']) {
        await db.raw(
          `INSERT INTO reports (tenant_id, title, kind, format, request, summary, filename, content_type, size_bytes, sha256, content, generated_at, created_by, created_at)
           VALUES (?, 'r', 'vulnerabilities', 'pdf', '{}', '{}', 'r.pdf', 'application/pdf', 1, 'x', 'eA==', ?, 'user:1', ?)`,
          [t, at, at],
        );
      }
      const [dest] = await db.raw("INSERT INTO alert_destinations (tenant_id, kind, name, config, created_at) VALUES (?, 'webhook', 'd', '{}', ?) RETURNING id", [t, '2025-01-01T00:00:00.000Z']);
      const delivery = async (status: string, at: string): Promise<number> =>
        Number(
          (
            await db.raw(
              `INSERT INTO alert_deliveries (tenant_id, destination_id, group_key, payload, status, attempts, created_at) VALUES (?, ?, 'g', '{}', ?, 1, ?) RETURNING id`,
              [t, dest.id, status, at],
            )
          )[0].id,
        );
      const deadLetter = async (deliveryId: number, at: string): Promise<number> =>
        Number(
          (
            await db.raw(
              `INSERT INTO alert_dead_letters (tenant_id, delivery_id, destination_id, payload, error, attempts, failed_at) VALUES (?, ?, ?, '{}', 'boom', 1, ?) RETURNING id`,
              [t, deliveryId, dest.id, at],
            )
          )[0].id,
        );
      const d1 = await delivery('sent', '2026-01-01T00:00:00.000Z'); // old, its alert with a workflow timeline: all deleted
      const [alert] = await db.raw("INSERT INTO alerts (tenant_id, group_key, alert_key, payload, created_at) VALUES (?, 'g', 'old', '{}', ?) RETURNING id", [t, '2026-01-01T00:00:00.000Z']);
      await db.raw('UPDATE alert_deliveries SET alert_id = ? WHERE id = ?', [alert.id, d1]);
      await db.raw("INSERT INTO alert_state_events (tenant_id, alert_id, actor, at, from_state, state) VALUES (?, ?, 'user:1', ?, 'open', 'resolved')", [t, alert.id, '2026-01-02T00:00:00.000Z']);
      const d2 = await delivery('dead', '2026-01-01T00:00:00.000Z'); // old, its dead letter recent: unlinked, deleted
      const dl2 = await deadLetter(d2, '2026-05-25T00:00:00.000Z');
      await delivery('pending', '2026-01-01T00:00:00.000Z'); // in flight: kept
      await delivery('sent', '2026-05-30T00:00:00.000Z'); // recent: kept
      const d5 = await delivery('dead', '2026-01-02T00:00:00.000Z'); // old with an old dead letter: both deleted
      await deadLetter(d5, '2026-01-02T00:00:00.000Z');
      // Audit: five old records, then two recent ones.
      for (let s = 1; s <= 5; s++) await store.appendAudit(t, { actor: 'user:1', action: 'user.update', details: { s }, at: `2024-01-0${s}T00:00:00.000Z` });
      for (let s = 1; s <= 2; s++) await store.appendAudit(t, { actor: 'user:1', action: 'user.update', details: { s }, at: `2026-05-0${s}T00:00:00.000Z` });
      return { f1, f2, f3, f4, f5, f6, g1: g.newIds[0], dl2 };
    }

    async function snapshot(t: number): Promise<string> {
      const out: unknown[] = [];
      for (const table of ['findings', 'scans', 'reports', 'alert_deliveries', 'alert_dead_letters', 'audit_log']) out.push(await count(table, t));
      return JSON.stringify(out);
    }

    let seededA: Record<string, number>;

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      a = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      b = (await db.store.createTenant({ slug: 'blue', name: 'Blue' })).id;
      seededA = await seed(a);
      await seed(b);
      app = await buildServer({
        store: db.store,
        tokens: [
          ...(['admin', 'analyst', 'developer', 'auditor'] as const).map((role) => ({ token: TOKENS[role], tenant: a, role, name: `a-${role}` })),
          { token: TOKENS.other, tenant: b, role: 'admin' as const, name: 'b-admin' },
        ],
      });
    });
    after(async () => {
      await app?.close();
      await db?.drop();
      await backend.teardown();
    });

    it('answers the defaults until saved; admins, analysts and auditors read, developers do not', async () => {
      for (const token of [TOKENS.admin, TOKENS.analyst, TOKENS.auditor]) {
        const r = await call('GET', '/api/v1/settings/retention', token);
        assert.equal(r.statusCode, 200, r.body);
        const v = json(r);
        assert.deepEqual(
          [v.findingsDays, v.scansDays, v.reportsDays, v.alertsDays, v.auditDays],
          [180, 365, 90, 90, 0],
          'defaults: 180 / 365 / 90 / 90 / forever',
        );
        assert.equal(v.updatedAt, null, 'never saved');
        assert.deepEqual(v.defaults, DEFAULT_RETENTION, 'defaults shown');
      }
      assert.equal((await call('GET', '/api/v1/settings/retention', TOKENS.developer)).statusCode, 403, 'developers may not read');
    });

    it('PUT: admins only, bounds checked naming the field, audited', async () => {
      for (const token of [TOKENS.analyst, TOKENS.developer, TOKENS.auditor]) {
        assert.equal((await call('PUT', '/api/v1/settings/retention', token, SETTINGS)).statusCode, 403, 'only admins change retention');
      }
      const bad: [unknown, RegExp][] = [
        [{ ...SETTINGS, findingsDays: 3 }, /findingsDays/],
        [{ ...SETTINGS, scansDays: 5000 }, /scansDays/],
        [{ ...SETTINGS, auditDays: 30 }, /auditDays/],
        [{ ...SETTINGS, reportsDays: -1 }, /reportsDays/],
        [{ ...SETTINGS, extra: 1 }, /extra/],
        [{ findingsDays: 10 }, /scansDays/],
      ];
      for (const [body, field] of bad) {
        const r = await call('PUT', '/api/v1/settings/retention', TOKENS.admin, body);
        assert.equal(r.statusCode, 400, `${JSON.stringify(body)}: ${r.body}`);
        assert.match(json(r).message as string, field, `message names the field: ${r.body}`);
      }
      const r = await call('PUT', '/api/v1/settings/retention', TOKENS.admin, SETTINGS);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(json(r).auditDays, 365, 'saved');
      assert.equal(json(r).updatedBy, 'token:a-admin', 'who saved it');
      const read = json(await call('GET', '/api/v1/settings/retention', TOKENS.auditor));
      assert.equal(read.findingsDays, 180, 'read back');
      assert.equal(read.auditDays, 365, 'read back');
      const [last] = (await db.store.listAudit(a, { limit: 1000 })).slice(-1);
      assert.deepEqual([last.action, last.actor, (last.details.to as RetentionSettings).auditDays], ['retention.update', 'token:a-admin', 365], 'audited');
      const other = json(await call('GET', '/api/v1/settings/retention', TOKENS.other));
      assert.equal(other.auditDays, 0, "the other tenant's settings are unchanged");
    });

    it('prunes only what is old enough and of the right status, in batches, and leaves the other tenant alone', async () => {
      const otherBefore = await snapshot(b);
      const auditBefore = await count('audit_log', a);
      const counts = await pruneTenant(db.store, a, SETTINGS, NOW, { batch: 2 });
      assert.deepEqual(counts, { findings: 3, scans: 2, reports: 2, alerts: 4, audit: 5 }, 'rows deleted per kind');

      const left = (await db.raw('SELECT id FROM findings WHERE tenant_id = ?', [a])).map((r) => Number(r.id)).sort((x, y) => x - y);
      const { f1, f2, f3, f4, f5, f6, g1, dl2 } = seededA;
      assert.deepEqual(left, [f4, f5, f6, g1].sort((x, y) => x - y), 'old fixed and long-lapsed suppressions go; open, live, permanent and recently fixed stay');
      assert.ok(![f1, f2, f3].some((id) => left.includes(id)), 'deleted ids are gone');
      const scans = (await db.raw('SELECT id FROM scans WHERE tenant_id = ? ORDER BY id', [a])).map((r) => r.id);
      assert.deepEqual(scans, [`s3-${a}`, `s4-${a}`], 'scans received within 365 days stay');
      assert.equal(await count('reports', a), 1, 'the recent report stays');
      const deliveries = (await db.raw('SELECT status, created_at FROM alert_deliveries WHERE tenant_id = ? ORDER BY id', [a])).map((r) => `${r.status as string}@${(r.created_at as string).slice(0, 10)}`);
      assert.deepEqual(deliveries, ['pending@2026-01-01', 'sent@2026-05-30'], 'in-flight and recent deliveries stay');
      const dead = await db.raw('SELECT id, delivery_id FROM alert_dead_letters WHERE tenant_id = ?', [a]);
      assert.deepEqual(dead.map((r) => [Number(r.id), r.delivery_id]), [[dl2, null]], 'the recent dead letter stays, unlinked from its deleted delivery');
      assert.equal(await count('alert_state_events', a), 0, "the timeline of an alert whose deliveries are gone goes with it");
      assert.equal(await count('alerts', a), 0, 'an old alert without deliveries goes');

      // Audit: 5 old records deleted in batches of 2 → three audit.prune records attest the checkpoints.
      assert.equal(await count('audit_log', a), auditBefore - 5 + 3, 'old records gone, one audit.prune per batch');
      const v = await db.store.verifyAuditChain(a);
      assert.equal(v.ok, true, `chain still verifies: ${JSON.stringify(v.broken)}`);
      assert.equal(v.checkpoints?.[String(a)]?.seq, 5, 'verification started behind record 5');
      const all = await db.store.verifyAuditChain();
      assert.equal(all.ok, true, 'every chain verifies');
      const prunes = (await db.store.listAudit(a, { limit: 1000 })).filter((r) => r.action === 'audit.prune');
      assert.deepEqual(prunes.map((r) => [r.actor, r.details.throughSeq]), [[RETENTION_ACTOR, 2], [RETENTION_ACTOR, 4], [RETENTION_ACTOR, 5]], 'each batch attested');

      assert.equal(await snapshot(b), otherBefore, 'the other tenant is untouched');
      assert.deepEqual(await pruneTenant(db.store, a, SETTINGS, NOW, { batch: 2 }), { findings: 0, scans: 0, reports: 0, alerts: 0, audit: 0 }, 'a second run finds nothing');
      assert.deepEqual(await pruneTenant(db.store, b, FOREVER, NOW, { batch: 2 }), { findings: 0, scans: 0, reports: 0, alerts: 0, audit: 0 }, '0 days keeps everything');
      assert.equal(await snapshot(b), otherBefore, 'nothing deleted at 0 days');
    });

    it('a pruned finding seen again comes back as new', async () => {
      const img = `registry.example/app-${a}@sha256:01`;
      const r = await db.store.ingestScan(a, scan(`s5-${a}`, 'app', '2026-05-31T00:00:00Z'), [vuln(1, img)]);
      assert.equal(r.counts.new, 1, 'f1 was deleted: a new finding');
    });

    it('a tampered checkpoint or a broken chain is caught, and a broken chain is not pruned', async () => {
      const good = (await db.raw('SELECT seq, hash FROM audit_checkpoints WHERE tenant_id = ?', [a]))[0];
      await db.raw('UPDATE audit_checkpoints SET seq = 6 WHERE tenant_id = ?', [a]);
      const skipped = await db.store.verifyAuditChain(a);
      assert.equal(skipped.ok, false, 'a moved checkpoint breaks verification');
      await db.raw('DELETE FROM audit_checkpoints WHERE tenant_id = ?', [a]);
      const gone = await db.store.verifyAuditChain(a);
      assert.equal(gone.ok, false, 'a deleted checkpoint breaks verification');
      assert.match(gone.broken!.reason, /missing/, 'records before the chain are missing');
      await db.raw('INSERT INTO audit_checkpoints (tenant_id, seq, hash, pruned_at) VALUES (?, ?, ?, ?)', [a, good.seq, good.hash, NOW.toISOString()]);
      assert.equal((await db.store.verifyAuditChain(a)).ok, true, 'restored');

      // Tenant b: record 2 rewritten; a prune refuses to delete the evidence.
      await db.raw("UPDATE audit_log SET details = '{\"s\":99}' WHERE tenant_id = ? AND seq = 2", [b]);
      const before = await count('audit_log', b);
      await assert.rejects(pruneTenant(db.store, b, { ...FOREVER, auditDays: 365 }, NOW, { batch: 10 }), /broken at record 2/, 'refused');
      assert.equal(await count('audit_log', b), before, 'nothing deleted');
      await db.raw("UPDATE audit_log SET details = '{\"s\":2}' WHERE tenant_id = ? AND seq = 2", [b]);
      assert.equal((await db.store.verifyAuditChain(b)).ok, true, 'b restored');
    });

    it('POST run: admins only, prunes now with the saved settings, answers and records the counts, audited', async () => {
      for (const token of [TOKENS.analyst, TOKENS.developer, TOKENS.auditor]) {
        assert.equal((await call('POST', '/api/v1/settings/retention/run', token)).statusCode, 403, 'only admins run the prune');
      }
      const r = await call('POST', '/api/v1/settings/retention/run', TOKENS.admin);
      assert.equal(r.statusCode, 200, r.body);
      const counts = json(r).counts as Record<string, number>;
      assert.deepEqual(Object.keys(counts).sort(), ['alerts', 'audit', 'findings', 'reports', 'scans'], 'a count per kind');
      for (const n of Object.values(counts)) assert.ok(Number.isInteger(n) && n >= 0, `count ${n}`);
      const read = json(await call('GET', '/api/v1/settings/retention', TOKENS.admin));
      assert.deepEqual((read.lastRun as { counts: unknown }).counts, counts, 'last run recorded');
      const [last] = (await db.store.listAudit(a, { limit: 1000 })).slice(-1);
      assert.deepEqual([last.action, last.actor], ['retention.run', 'token:a-admin'], 'audited');
      const verify = await call('GET', '/api/v1/audit/verify', TOKENS.auditor);
      assert.equal(json(verify).ok, true, `audit verify passes: ${verify.body}`);
    });

    it('the periodic prune runs once per interval across processes (lease), per tenant with its settings', async () => {
      await db.raw('UPDATE scans SET received_at = ? WHERE tenant_id = ?', ['2020-01-01T00:00:00.000Z', b]);
      const errors: unknown[] = [];
      const mk = (owner: string) => new RetentionPruner({ store: db.store, owner, batch: 3, onError: (e) => errors.push(e) });
      const [x, y] = await Promise.all([mk('p1').runDue(NOW), mk('p2').runDue(NOW)]);
      const ran = [x, y].filter((o) => o !== undefined);
      assert.equal(ran.length, 1, 'one process of two prunes');
      const outcomes = ran[0]!;
      assert.deepEqual(outcomes.map((o) => o.tenant).sort(), [a, b].sort(), 'every tenant');
      assert.deepEqual(errors, [], 'no errors');
      const ob = outcomes.find((o) => o.tenant === b)!;
      assert.equal(ob.counts?.scans, 4, "b's defaults (365 days) delete its old scans");
      assert.equal(ob.counts?.audit, 0, "b's default keeps the audit log");
      assert.equal(await mk('p3').runDue(new Date(NOW.getTime() + 60_000)), undefined, 'not due again within the hour');
      const later = await mk('p3').runDue(new Date(NOW.getTime() + 3_600_000));
      assert.ok(later !== undefined, 'due again after an hour');
      const prunes = (await db.store.listAudit(b, { limit: 1000 })).filter((r) => r.action === 'retention.prune');
      assert.equal(prunes.length, 1, 'a run that deleted something is audited; an empty one is not');
      assert.equal((await new RetentionRepository(db.store.sql).get(b)).lastRun?.at, new Date(NOW.getTime() + 3_600_000).toISOString(), 'last run recorded');
      assert.equal((await db.store.verifyAuditChain()).ok, true, 'all chains verify');
    });
  });
}
