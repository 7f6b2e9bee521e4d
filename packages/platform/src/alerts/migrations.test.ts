import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IdentityRepository } from '../identity/repository.js';
import { migrate, MIGRATIONS } from '../storage/schema.js';
import { backends, type FreshDb } from '../storage/test-backends.js';
import { AlertRepository } from './repository.js';

const AT = '2026-03-01T12:00:00.000Z';
const LATER = '2026-03-01T13:00:00.000Z';

for (const backend of backends()) {
  describe(`alerts migration 17 on ${backend.name}`, () => {
    let db: FreshDb;

    before(async () => {
      await backend.setup();
      db = await backend.fresh({ migrate: false });
    });
    after(async () => {
      await db?.drop();
      await backend.teardown();
    });

    it('backfills one alert per delivery key (its workflow and history kept), one per delivery without a key', async () => {
      // A database at version 16: deliveries carry the workflow (migration 11), history points at deliveries.
      await migrate(db.store.sql, MIGRATIONS.filter((m) => m.version < 17));
      assert.equal(await db.store.schemaVersion(), 16);
      const t = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const other = (await db.store.createTenant({ slug: 'blue', name: 'Blue' })).id;
      const alice = await new IdentityRepository(db.store.sql).createUser(t, { email: 'alice@example.com', name: 'Alice', role: 'analyst' });
      const one = async (sql: string, params: unknown[]): Promise<number> => Number((await db.raw(`${sql} RETURNING id`, params))[0].id);
      const dest = (tenant: number, name: string) => one("INSERT INTO alert_destinations (tenant_id, kind, name, config, created_at) VALUES (?, 'webhook', ?, '{}', ?)", [tenant, name, AT]);
      const [slack, mail, blue] = [await dest(t, 'slack'), await dest(t, 'mail'), await dest(other, 'hook')];
      const rule = await one("INSERT INTO alert_rules (tenant_id, name, enabled, match, group_by, rate_limit_seconds, destination_ids, created_at, updated_at) VALUES (?, 'r', ?, '{}', '[]', 0, ?, ?, ?)", [
        t,
        db.store.dialect === 'sqlite' ? 1 : true,
        JSON.stringify([slack, mail]),
        AT,
        AT,
      ]);
      const payload = (title: string) => JSON.stringify({ version: 1, kind: 'alert', title, groupKey: 'g' });
      const delivery = (tenant: number, d: number, key: string | null, status: string, w: { state?: string; assignee?: number; note?: string; changedAt?: string } = {}) =>
        one(
          `INSERT INTO alert_deliveries (tenant_id, rule_id, destination_id, group_key, payload, status, attempts, created_at, dedup_key, state, assignee_id, note, changed_by, changed_at)
           VALUES (?, ?, ?, 'g', ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
          [tenant, tenant === t ? rule : null, d, payload(key ?? 'retried'), status, AT, key, w.state ?? 'open', w.assignee ?? null, w.note ?? null, w.changedAt ? 'user:1' : null, w.changedAt ?? null],
        );
      const event = (deliveryId: number, from: string, to: string, at: string) =>
        one("INSERT INTO alert_state_events (tenant_id, delivery_id, actor, at, from_state, state) VALUES (?, ?, 'user:1', ?, ?, ?)", [t, deliveryId, at, from, to]);
      const k1 = `${rule}|g1|s1`;
      const k2 = `${rule}|g2|s1`;
      // k1 went to Slack and mail; only the Slack copy was acknowledged (and assigned): the alert keeps that.
      const k1slack = await delivery(t, slack, k1, 'sent', { state: 'acknowledged', assignee: alice.id, note: 'on it', changedAt: LATER });
      const k1mail = await delivery(t, mail, k1, 'dead');
      const e1 = await event(k1slack, 'open', 'acknowledged', LATER);
      // k2 went to Slack only and was resolved in two steps.
      const k2slack = await delivery(t, slack, k2, 'sent', { state: 'resolved', changedAt: LATER });
      const e2 = await event(k2slack, 'open', 'acknowledged', AT);
      const e3 = await event(k2slack, 'acknowledged', 'resolved', LATER);
      // A retried dead letter's delivery (no key), and another tenant's delivery with the same key.
      const loose = await delivery(t, mail, null, 'pending');
      const foreign = await delivery(other, blue, k1, 'sent');

      assert.deepEqual(await db.store.migrate(), [17]);

      const linked = await db.raw('SELECT id, alert_id FROM alert_deliveries ORDER BY id');
      const alertOf = new Map(linked.map((r) => [Number(r.id), Number(r.alert_id)]));
      assert.ok(linked.every((r) => r.alert_id !== null), 'every delivery points at its alert');
      assert.equal(alertOf.get(k1slack), alertOf.get(k1mail), 'one alert for both destinations of k1');
      assert.equal(new Set(alertOf.values()).size, 4, 'k1, k2, the keyless delivery and the other tenant');

      const repo = new AlertRepository(db.store);
      const list = (await repo.listAlerts(t)).items;
      assert.deepEqual(
        list.map((a) => [a.groupKey, a.payload.title, a.state, a.assigneeId, a.assigneeName, a.note, a.changedAt, a.deliveryStatus, a.deliveries.map((d) => [d.id, d.destinationName, d.status])]),
        [
          ['g', 'retried', 'open', null, null, null, null, 'pending', [[loose, 'mail', 'pending']]],
          ['g', k2, 'resolved', null, null, null, LATER, 'sent', [[k2slack, 'slack', 'sent']]],
          ['g', k1, 'acknowledged', alice.id, 'Alice', 'on it', LATER, 'dead', [[k1slack, 'slack', 'sent'], [k1mail, 'mail', 'dead']]],
        ],
        'newest first, in delivery order; workflow kept',
      );
      const [, a2, a1] = list;
      assert.deepEqual((await repo.alertHistory(t, a1.id)).map((e) => [e.id, e.state]), [[e1, 'acknowledged']], 'history moved to the alert, ids kept');
      assert.deepEqual((await repo.alertHistory(t, a2.id)).map((e) => [e.id, e.state]), [[e2, 'acknowledged'], [e3, 'resolved']]);
      assert.deepEqual((await repo.listAlerts(other)).items.map((a) => a.deliveries.map((d) => d.id)), [[foreign]], 'the same key in another tenant is another alert');
      assert.deepEqual((await repo.listAlerts(t, { status: ['dead'] })).items.map((a) => a.id), [a1.id], 'status: alerts having a dead delivery');

      // The migrated schema works on: a new change gets a new history id, keys stay unique per tenant.
      const r = await repo.updateWorkflow(t, a2.id, { state: 'open', note: 'back' }, 'user:1');
      assert.ok(r.ok && r.event && r.event.id > e3, `new history id after the old ones: ${JSON.stringify(r)}`);
      await assert.rejects(db.raw("INSERT INTO alerts (tenant_id, group_key, alert_key, payload, created_at) VALUES (?, 'g', ?, '{}', ?)", [t, k1, AT]), 'alert keys are unique per tenant');
      assert.deepEqual(await db.store.migrate(), [], 'applied once');
    });
  });
}
