import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { IngestedEvent } from '../server/context.js';
import { backends, type FreshDb } from '../storage/test-backends.js';
import type { FindingInput, ScanInput } from '../storage/types.js';
import { createAlertListener, type ListenerOutcome } from './listener.js';
import { AlertRepository } from './repository.js';
import { finding, scan } from './testing.js';

for (const backend of backends()) {
  describe(`alert listener on ${backend.name}`, () => {
    let db: FreshDb;
    let repo: AlertRepository;
    let tenant: number;
    let other: number;
    let dest: number;
    let now = new Date('2026-03-01T12:00:00.000Z');
    const outcomes: ListenerOutcome[] = [];
    let listener: ReturnType<typeof createAlertListener>;

    /** Ingests like the pipeline does and tells the listener; returns the event. */
    async function ingest(t: number, s: ScanInput, fs: FindingInput[]): Promise<IngestedEvent> {
      const result = await db.store.ingestScan(t, s, fs);
      const event = { tenant: t, scan: { id: s.id, target: s.target, kind: s.kind }, result };
      await listener(event);
      return event;
    }

    async function deliveries(t = tenant) {
      return (await repo.listDeliveries(t, {}, { limit: 1000 })).items.reverse();
    }

    async function alerts(t = tenant) {
      return (await repo.listAlerts(t, {}, { limit: 1000 })).items.reverse();
    }

    /** Removes every fired alert (deliveries, dead letters, history). */
    async function clear() {
      await db.raw('DELETE FROM alert_dead_letters');
      await db.raw('DELETE FROM alert_deliveries');
      await db.raw('DELETE FROM alert_state_events');
      await db.raw('DELETE FROM alerts');
    }

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      repo = new AlertRepository(db.store, { now: () => now });
      tenant = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      other = (await db.store.createTenant({ slug: 'blue', name: 'Blue' })).id;
      dest = (await repo.createDestination(tenant, { kind: 'syslog', name: 'siem', config: { host: '127.0.0.1', port: 514, transport: 'udp' } })).id;
      listener = createAlertListener(db.store, { now: () => now, onEvaluated: (_e, o) => outcomes.push(o) });
    });
    after(async () => {
      await db?.drop();
      await backend.teardown();
    });
    beforeEach(async () => {
      for (const r of await repo.listRules(tenant)) await repo.deleteRule(tenant, r.id);
      outcomes.length = 0;
    });

    it('without enabled rules nothing is loaded or enqueued', async () => {
      await ingest(tenant, scan('s0'), [finding(1)]);
      assert.deepEqual(outcomes, [{ evaluated: false, alerts: 0, deliveries: 0 }]);
      assert.deepEqual(await deliveries(), []);
    });

    it('groups a scan into one alert per root cause and enqueues one delivery per destination; idempotent per event', async () => {
      const dest2 = (await repo.createDestination(tenant, { kind: 'cef', name: 'cef', config: { host: '127.0.0.1', port: 514, transport: 'tcp' } })).id;
      const rule = await repo.createRule(tenant, { name: 'by cve', match: { minSeverity: 'high' }, groupBy: ['ruleId'], destinationIds: [dest, dest2] });
      const fs = [
        finding(1, { ruleId: 'CVE-A', severity: 'critical' }),
        finding(2, { ruleId: 'CVE-A', asset: { kind: 'image', key: 'reg/api@sha256:02' } }),
        finding(3, { ruleId: 'CVE-B' }),
        finding(4, { ruleId: 'CVE-C', severity: 'low' }),
      ];
      const ev = await ingest(tenant, scan('s1'), fs);
      assert.equal(outcomes[0].alerts, 2);
      assert.equal(outcomes[0].deliveries, 4);
      const ds = await deliveries();
      assert.deepEqual(ds.map((d) => [d.ruleId, d.destinationId, d.groupKey, d.status, d.attempts, d.nextAttemptAt]).sort(), [
        [rule.id, dest, 'ruleId=CVE-A', 'pending', 0, now.toISOString()],
        [rule.id, dest, 'ruleId=CVE-B', 'pending', 0, now.toISOString()],
        [rule.id, dest2, 'ruleId=CVE-A', 'pending', 0, now.toISOString()],
        [rule.id, dest2, 'ruleId=CVE-B', 'pending', 0, now.toISOString()],
      ].sort());
      // One alert per root cause, each with its two deliveries (one per destination) and one workflow.
      const as = await alerts();
      assert.deepEqual(
        as.map((a) => [a.ruleId, a.groupKey, a.state, a.deliveryStatus, a.deliveries.map((d) => [d.destinationId, d.destinationName, d.destinationKind, d.status])]),
        [
          [rule.id, 'ruleId=CVE-A', 'open', 'pending', [[dest, 'siem', 'syslog', 'pending'], [dest2, 'cef', 'cef', 'pending']]],
          [rule.id, 'ruleId=CVE-B', 'open', 'pending', [[dest, 'siem', 'syslog', 'pending'], [dest2, 'cef', 'cef', 'pending']]],
        ],
        'two alerts, not four',
      );
      for (const a of as) assert.deepEqual(ds.filter((d) => d.alertId === a.id).map((d) => d.id), a.deliveries.map((d) => d.id), `deliveries of alert ${a.id} point at it`);
      const cveA = ds.find((d) => d.groupKey === 'ruleId=CVE-A')!.payload;
      assert.equal(cveA.total, 2);
      assert.equal(cveA.severity, 'critical');
      assert.deepEqual(cveA.scan, { id: 's1', target: 'reg/app:1', kind: 'image' });

      // The same event told again (a worker redelivery): nothing more.
      await listener(ev);
      assert.deepEqual(outcomes[1], { evaluated: false, alerts: 0, deliveries: 0 });
      assert.equal((await deliveries()).length, 4);
      // Two deliveries of the same event at once: still one set.
      await db.raw('DELETE FROM alert_scan_events');
      await Promise.all([listener(ev), listener(ev)]);
      assert.equal((await deliveries()).length, 4, 'unique by rule + group + scan per destination');
      assert.deepEqual((await alerts()).map((a) => a.id), as.map((a) => a.id), 'a redelivered event makes no new alert');
      // Acknowledging the alert acknowledges it once, for both destinations.
      const ack = await repo.updateWorkflow(tenant, as[0].id, { state: 'acknowledged', note: 'on it' }, 'user:1');
      assert.ok(ack.ok && ack.event, 'acknowledged');
      assert.deepEqual(ack.ok && [ack.alert.state, ack.alert.deliveries.length], ['acknowledged', 2]);
      assert.deepEqual((await alerts()).map((a) => [a.groupKey, a.state, a.note]), [['ruleId=CVE-A', 'acknowledged', 'on it'], ['ruleId=CVE-B', 'open', null]]);
      assert.deepEqual((await repo.alertHistory(tenant, as[0].id)).map((e) => [e.fromState, e.state]), [['open', 'acknowledged']]);
      await clear();
      await repo.deleteRule(tenant, rule.id);
      await repo.deleteDestination(tenant, dest2);
    });

    it('new vs existing: a rule on reopened findings fires only when one comes back', async () => {
      await repo.createRule(tenant, { name: 'regressions', match: { changes: ['reopened'] }, destinationIds: [dest] });
      await ingest(tenant, scan('r1', 'reg/web:1', '2026-03-01T10:00:00Z'), [finding(10)]);
      await ingest(tenant, scan('r2', 'reg/web:1', '2026-03-01T10:10:00Z'), []); // fixed
      assert.deepEqual(await deliveries(), []);
      await ingest(tenant, scan('r3', 'reg/web:1', '2026-03-01T10:20:00Z'), [finding(10)]); // reopened
      const ds = await deliveries();
      assert.equal(ds.length, 1);
      assert.deepEqual(ds[0].payload.counts, { new: 0, reopened: 1, fixed: 0 });
      assert.equal(ds[0].payload.findings[0].change, 'reopened');
      await clear();
    });

    it('fixed findings alert only for rules asking for them', async () => {
      await repo.createRule(tenant, { name: 'resolved', match: { changes: ['fixed'] }, destinationIds: [dest] });
      await ingest(tenant, scan('f1', 'reg/fix:1', '2026-03-01T10:00:00Z'), [finding(20), finding(21)]);
      assert.deepEqual(await deliveries(), []);
      await ingest(tenant, scan('f2', 'reg/fix:1', '2026-03-01T10:10:00Z'), [finding(20)]);
      const ds = await deliveries();
      assert.deepEqual(ds.map((d) => [d.payload.counts.fixed, d.payload.findings[0].ruleId]), [[1, 'CVE-2024-1021']]);
      await clear();
    });

    it('rate limit: one alert per group per window across scans, then a summary of what was held back', async () => {
      const rule = await repo.createRule(tenant, { name: 'limited', groupBy: ['ruleId'], rateLimitSeconds: 3600, destinationIds: [dest] });
      now = new Date('2026-03-01T12:00:00.000Z');
      await ingest(tenant, scan('l1', 'reg/l:1'), [finding(30, { ruleId: 'CVE-L' })]);
      now = new Date('2026-03-01T12:20:00.000Z');
      await ingest(tenant, scan('l2', 'reg/l:2'), [finding(31, { ruleId: 'CVE-L', asset: { kind: 'image', key: 'l2' } })]);
      now = new Date('2026-03-01T12:40:00.000Z');
      await ingest(tenant, scan('l3', 'reg/l:3'), [finding(32, { ruleId: 'CVE-L', asset: { kind: 'image', key: 'l3' } }), finding(33, { ruleId: 'CVE-M' })]);
      assert.deepEqual((await deliveries()).map((d) => d.groupKey), ['ruleId=CVE-L', 'ruleId=CVE-M']);
      assert.deepEqual((await repo.groupStates(tenant, [rule.id])).find((g) => g.groupKey === 'ruleId=CVE-L'), {
        ruleId: rule.id,
        groupKey: 'ruleId=CVE-L',
        lastAlertAt: '2026-03-01T12:00:00.000Z',
        suppressed: 2,
      });
      now = new Date('2026-03-01T13:00:01.000Z');
      await ingest(tenant, scan('l4', 'reg/l:4'), [finding(34, { ruleId: 'CVE-L', asset: { kind: 'image', key: 'l4' } })]);
      const last = (await deliveries()).at(-1)!;
      assert.equal(last.groupKey, 'ruleId=CVE-L');
      assert.equal(last.payload.suppressedSince, 2);
      assert.equal(outcomes.at(-1)?.stats?.rateLimited, 0);
      await clear();
    });

    it('silences, allow-list and asset groups come from the store', async () => {
      const group = await db.store.createAssetGroup(tenant, 'prod');
      await ingest(tenant, scan('g0', 'reg/g:0'), [finding(40, { asset: { kind: 'image', key: 'prod-img' } })]);
      const assetId = (await db.store.listAssets(tenant, { kind: 'image' })).items.find((x) => x.key === 'prod-img')!.id;
      await db.store.addAssetsToGroup(tenant, group.id, [assetId]);
      const rule = await repo.createRule(tenant, { name: 'prod only', match: { assetGroupIds: [group.id] }, destinationIds: [dest] });
      await repo.createSilence(tenant, { match: { alertRuleIds: [rule.id], ruleIds: ['CVE-SILENCED'] }, reason: 'patch window', expiresAt: '2026-03-02T00:00:00Z' }, 'user:1');
      await repo.createAllowlistEntry(tenant, { ruleId: 'CVE-FP', reason: 'false positive' }, 'user:1');
      const prod = { kind: 'image' as const, key: 'prod-img' };
      await ingest(tenant, scan('g1', 'reg/g:1'), [
        finding(41, { asset: prod, ruleId: 'CVE-REAL' }),
        finding(42, { asset: prod, ruleId: 'CVE-SILENCED' }),
        finding(43, { asset: prod, ruleId: 'CVE-FP' }),
        finding(44, { asset: { kind: 'image', key: 'dev-img' }, ruleId: 'CVE-DEV' }),
      ]);
      const ds = await deliveries();
      assert.deepEqual(ds.flatMap((d) => d.payload.findings.map((f) => f.ruleId)), ['CVE-REAL']);
      assert.deepEqual(outcomes.at(-1)?.stats, { matched: 3, allowlisted: 1, silenced: 1, rateLimited: 0 });
      await clear();
    });

    it("another tenant's ingest never triggers this tenant's rules", async () => {
      await repo.createRule(tenant, { name: 'all', destinationIds: [dest] });
      await ingest(other, scan('o1'), [finding(50)]);
      assert.deepEqual(await deliveries(), []);
      assert.deepEqual(await deliveries(other), []);
    });
  });
}
