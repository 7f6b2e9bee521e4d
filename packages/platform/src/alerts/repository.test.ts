import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InputError } from '@bulwark/core';
import { backends, type FreshDb } from '../storage/test-backends.js';
import { AlertRepository, ensureAlert, maskDestination } from './repository.js';

const KEY = 'test-alert-secret-key-0123456789abcdef';

/** Runs `fn`, expecting an InputError naming `field`. */
async function inputError(fn: () => Promise<unknown>, field: string, expected?: RegExp): Promise<void> {
  await assert.rejects(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    assert.equal(e.field, field, e.message);
    if (expected) assert.match(e.message, expected);
    return true;
  });
}

for (const backend of backends()) {
  describe(`alert repository on ${backend.name}`, () => {
    let db: FreshDb;
    let repo: AlertRepository;
    let a: number;
    let b: number;
    let now = new Date('2026-03-01T12:00:00.000Z');

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      repo = new AlertRepository(db.store, { secretKey: KEY, now: () => now });
      a = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      b = (await db.store.createTenant({ slug: 'blue', name: 'Blue' })).id;
    });
    after(async () => {
      await db?.drop();
      await backend.teardown();
    });

    it('migration 3 adds the allow-list, group state and scan event tables and the delivery columns', async () => {
      const tables = await db.tables();
      for (const t of ['alert_allowlist', 'alert_groups', 'alert_scan_events']) assert.ok(tables.includes(t), `${t} exists`);
      assert.ok((await db.indexes('alert_deliveries')).includes('alert_deliveries_dedup'), 'dedup index exists');
      assert.ok((await db.store.schemaVersion()) >= 3, 'schema version ≥ 3');
    });

    it('destinations: secrets sealed at rest, opened for the sender, masked for reads; config merged on change', async () => {
      const d = await repo.createDestination(a, { kind: 'webhook', name: 'siem', config: { url: 'https://hooks.example/in', secret: 'whsec-0123456789abcdef' } });
      assert.deepEqual(d.config, { url: 'https://hooks.example/in', secret: 'whsec-0123456789abcdef' });
      const raw = await db.raw('SELECT config FROM alert_destinations WHERE id = ?', [d.id]);
      const stored = (typeof raw[0].config === 'string' ? JSON.parse(raw[0].config) : raw[0].config) as Record<string, string>;
      assert.match(stored.secret, /^sealed:v1:/);
      assert.equal(stored.url, 'https://hooks.example/in', 'the generic webhook URL is not secret');
      assert.equal(maskDestination(d).config.secret, '********');

      const slack = await repo.createDestination(a, { kind: 'slack', name: 'chat', config: { url: 'https://hooks.slack.com/services/T/B/x' } });
      const sraw = await db.raw('SELECT config FROM alert_destinations WHERE id = ?', [slack.id]);
      assert.match(JSON.stringify(sraw[0].config), /sealed:v1:/, 'a chat robot URL is the credential: sealed');
      assert.deepEqual(maskDestination(slack).config, { url: 'https://hooks.slack.com/********' });

      // A change without the secret keeps it; the URL changes.
      const u = await repo.updateDestination(a, d.id, { config: { url: 'https://hooks.example/v2' } });
      assert.deepEqual(u?.config, { url: 'https://hooks.example/v2', secret: 'whsec-0123456789abcdef' });
      const dt = await repo.createDestination(a, { kind: 'dingtalk', name: 'ding', config: { url: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'SECx' } });
      assert.deepEqual((await repo.updateDestination(a, dt.id, { config: { secret: null } }))?.config, { url: 'https://oapi.dingtalk.com/robot/send?access_token=t' }, 'null removes an optional field');

      // Another key cannot open them; no key at all is a configuration error, not garbage.
      await assert.rejects(new AlertRepository(db.store, { secretKey: 'another-key-0123456789abcdef-0123456' }).getDestination(a, d.id), /does not open/);
      await assert.rejects(new AlertRepository(db.store).getDestination(a, d.id), /no alert secret key is configured/);
    });

    it('destinations: validation names the field; another tenant sees nothing', async () => {
      await inputError(() => repo.createDestination(a, { kind: 'pager', name: 'x', config: {} }), 'kind');
      await inputError(() => repo.createDestination(a, { kind: 'webhook', name: 'x', config: { url: 'file:///etc/passwd', secret: 'whsec-0123456789abcdef' } }), 'config.url', /http/);
      await inputError(() => repo.createDestination(a, { kind: 'webhook', name: 'x', config: { url: 'https://x', secret: 'whsec-0123456789abcdef', verify: false } }), 'config.verify', /unknown/);
      await inputError(() => repo.createDestination(a, { kind: 'email', name: 'x', config: { host: 'smtp', port: 70000, from: 'a@b', to: ['c@d'] } }), 'config.port', /65535/);
      await inputError(() => repo.createDestination(a, { kind: 'email', name: 'x', config: { host: 'smtp', port: 25, from: 'a@b', to: ['not an address'] } }), 'config.to[0]', /email address/);
      await inputError(() => repo.createDestination(a, { kind: 'syslog', name: 'x', config: { host: 'siem', port: 514, transport: 'quic' } }), 'config.transport');
      await inputError(() => repo.createDestination(a, { kind: 'webhook', name: 'siem', config: { url: 'https://x', secret: 'whsec-0123456789abcdef' } }), 'name', /taken/);
      const mine = (await repo.listDestinations(a))[0];
      assert.equal(await repo.getDestination(b, mine.id), undefined);
      assert.equal(await repo.updateDestination(b, mine.id, { name: 'stolen' }), undefined);
      assert.deepEqual(await repo.deleteDestination(b, mine.id), { ok: false, reason: 'missing' });
      assert.deepEqual(await repo.listDestinations(b), []);
    });

    it('rules: create, change, delete; references checked within the tenant', async () => {
      const dest = (await repo.listDestinations(a))[0];
      const foreignDest = await repo.createDestination(b, { kind: 'syslog', name: 'b-siem', config: { host: '127.0.0.1', port: 514, transport: 'udp' } });
      const r = await repo.createRule(a, { name: 'critical', match: { minSeverity: 'critical', changes: ['new'] }, groupBy: ['ruleId'], rateLimitSeconds: 600, destinationIds: [dest.id] });
      assert.deepEqual(
        { enabled: r.enabled, match: r.match, groupBy: r.groupBy, rateLimitSeconds: r.rateLimitSeconds, destinationIds: r.destinationIds, createdAt: r.createdAt },
        { enabled: true, match: { minSeverity: 'critical', changes: ['new'] }, groupBy: ['ruleId'], rateLimitSeconds: 600, destinationIds: [dest.id], createdAt: now.toISOString() },
      );
      await inputError(() => repo.createRule(a, { name: 'x', destinationIds: [foreignDest.id] }), 'destinationIds[0]', /of this tenant/);
      await inputError(() => repo.createRule(a, { name: 'x', destinationIds: [] }), 'destinationIds', /at least 1/);
      await inputError(() => repo.createRule(a, { name: 'x', destinationIds: [dest.id], match: { minSeverity: 'severe' as never } }), 'match.minSeverity');
      await inputError(() => repo.createRule(a, { name: 'x', destinationIds: [dest.id], match: { assetGroupIds: [424242] } }), 'match.assetGroupIds[0]');
      await inputError(() => repo.createRule(a, { name: 'x', destinationIds: [dest.id], groupBy: ['cluster' as never] }), 'groupBy[0]');
      await inputError(() => repo.createRule(a, { name: 'x', destinationIds: [dest.id], rateLimitSeconds: -1 }), 'rateLimitSeconds');
      await inputError(() => repo.createRule(a, { name: 'critical', destinationIds: [dest.id] }), 'name', /taken/);

      now = new Date('2026-03-01T12:05:00.000Z');
      const u = await repo.updateRule(a, r.id, { enabled: false, rateLimitSeconds: 0 });
      assert.deepEqual([u?.enabled, u?.rateLimitSeconds, u?.name, u?.updatedAt], [false, 0, 'critical', now.toISOString()]);
      await inputError(() => repo.updateRule(a, r.id, {}), '(body)', /at least 1 field/);
      assert.equal(await repo.updateRule(b, r.id, { enabled: true }), undefined, 'foreign id behaves as missing');
      assert.equal(await repo.getRule(b, r.id), undefined);
      assert.deepEqual((await repo.listRules(a, { enabledOnly: true })).map((x) => x.id), []);

      // A destination in use cannot be deleted.
      assert.deepEqual(await repo.deleteDestination(a, dest.id), { ok: false, reason: 'in-use', rules: ['critical'] });
      assert.equal(await repo.deleteRule(b, r.id), false);
      assert.equal(await repo.deleteRule(a, r.id), true);
      assert.equal(await repo.getRule(a, r.id), undefined);
    });

    it('silences: future expiry, own rules only, active filter', async () => {
      const rule = await repo.createRule(a, { name: 'any', destinationIds: [(await repo.listDestinations(a))[0].id] });
      await inputError(() => repo.createSilence(a, { match: { types: ['secret'] }, reason: 'x', expiresAt: '2026-03-01T12:00:00Z' }, 'user:1'), 'expiresAt', /future/);
      await inputError(() => repo.createSilence(a, { match: { types: ['secret'] }, reason: 'x', expiresAt: 'tomorrow at noon' }, 'user:1'), 'expiresAt', /ISO 8601/);
      await inputError(() => repo.createSilence(a, { match: {}, reason: 'x', expiresAt: '2026-04-01T00:00:00Z' }, 'user:1'), 'match', /at least 1 field/);
      await inputError(() => repo.createSilence(b, { match: { alertRuleIds: [rule.id] }, reason: 'x', expiresAt: '2026-04-01T00:00:00Z' }, 'user:1'), 'match.alertRuleIds[0]');
      const s = await repo.createSilence(a, { match: { alertRuleIds: [rule.id], ruleIds: ['CVE-1'] }, reason: 'maintenance', expiresAt: '2026-03-01T13:10:00+01:00' }, 'token:ci');
      assert.deepEqual([s.expiresAt, s.createdBy], ['2026-03-01T12:10:00.000Z', 'token:ci']);
      const s2 = await repo.createSilence(a, { match: { types: ['secret'] }, reason: 'later', expiresAt: '2026-05-01T00:00:00Z' }, 'token:ci');
      // s expires at 12:10 and the clock says 12:15: only s2 is active.
      now = new Date('2026-03-01T12:15:00.000Z');
      assert.deepEqual((await repo.listSilences(a, { active: true })).map((x) => x.id), [s2.id]);
      assert.deepEqual((await repo.listSilences(a, { active: false })).map((x) => x.id), [s.id]);
      assert.equal(await repo.getSilence(b, s.id), undefined);
      assert.equal(await repo.deleteSilence(b, s.id), false);
      assert.equal(await repo.deleteSilence(a, s.id), true);
    });

    it('allow-list: needs a rule id or a fingerprint; expiry optional', async () => {
      await inputError(() => repo.createAllowlistEntry(a, { assetKey: 'img', reason: 'fp' }, 'user:1'), 'ruleId', /fingerprint/);
      await inputError(() => repo.createAllowlistEntry(a, { ruleId: 'CVE-1', reason: '' }, 'user:1'), 'reason', /non-empty/);
      const e1 = await repo.createAllowlistEntry(a, { ruleId: 'CVE-1', assetKey: 'img', reason: 'not reachable' }, 'user:1');
      const e2 = await repo.createAllowlistEntry(a, { fingerprint: 'abc', reason: 'test data', expiresAt: '2026-03-01T12:16:00Z' }, 'user:1');
      assert.deepEqual([e1.expiresAt, e1.fingerprint, e2.ruleId], [null, null, null]);
      now = new Date('2026-03-01T12:17:00.000Z');
      assert.deepEqual((await repo.listAllowlist(a, { active: true })).map((x) => x.id), [e1.id]);
      assert.deepEqual((await repo.listAllowlist(a)).map((x) => x.id), [e1.id, e2.id]);
      assert.equal(await repo.getAllowlistEntry(b, e1.id), undefined);
      assert.equal(await repo.deleteAllowlistEntry(b, e1.id), false);
      assert.equal(await repo.deleteAllowlistEntry(a, e2.id), true);
    });

    it('alerts, deliveries and dead letters are tenant-scoped and paged', async () => {
      assert.deepEqual(await repo.listDeliveries(a), { items: [] });
      assert.deepEqual(await repo.listAlerts(a), { items: [] });
      await inputError(() => repo.listAlerts(a, {}, { cursor: '0' }), 'cursor');
      await inputError(() => repo.listDeliveries(a, {}, { limit: 0 }), 'limit');
      await inputError(() => repo.listDeadLetters(a, {}, { cursor: 'abc' }), 'cursor');
      assert.deepEqual(await repo.retryDeadLetter(a, 999), { ok: false, reason: 'missing' });

      // Five deliveries and dead letters of tenant a (and one of b): pages of two walk them newest first, once each.
      const dest = await repo.createDestination(a, { kind: 'webhook', name: 'pager', config: { url: 'https://hooks.example/pager', secret: 'whsec-0123456789abcdef' } });
      const destB = await repo.createDestination(b, { kind: 'webhook', name: 'other', config: { url: 'https://hooks.example/other', secret: 'whsec-0123456789abcdef' } });
      const at = '2026-03-01T12:00:00.000Z';
      const deliveryIds: number[] = [];
      const deadIds: number[] = [];
      for (const [tenant, d] of [[a, dest.id], [a, dest.id], [b, destB.id], [a, dest.id], [a, dest.id], [a, dest.id]] as const) {
        const [del] = await db.raw(
          "INSERT INTO alert_deliveries (tenant_id, destination_id, group_key, payload, status, attempts, created_at) VALUES (?, ?, 'g', '{}', 'dead', 5, ?) RETURNING id",
          [tenant, d, at],
        );
        const [dead] = await db.raw(
          "INSERT INTO alert_dead_letters (tenant_id, delivery_id, destination_id, payload, error, attempts, failed_at) VALUES (?, ?, ?, '{}', 'refused', 5, ?) RETURNING id",
          [tenant, del.id, d, at],
        );
        if (tenant === a) {
          deliveryIds.unshift(Number(del.id));
          deadIds.unshift(Number(dead.id));
        }
      }
      const walk = async (list: (cursor?: string) => Promise<{ items: { id: number }[]; nextCursor?: string }>): Promise<number[][]> => {
        const pages: number[][] = [];
        let cursor: string | undefined;
        do {
          const p = await list(cursor);
          pages.push(p.items.map((x) => x.id));
          cursor = p.nextCursor;
        } while (cursor !== undefined);
        return pages;
      };
      const inTwos = (ids: number[]) => [ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)];
      assert.deepEqual(await walk((cursor) => repo.listDeliveries(a, {}, { limit: 2, cursor })), inTwos(deliveryIds), 'deliveries: newest first, in pages of two, none repeated');
      assert.deepEqual(await walk((cursor) => repo.listDeadLetters(a, {}, { limit: 2, cursor })), inTwos(deadIds), 'dead letters: newest first, in pages of two, none repeated');
      assert.deepEqual((await repo.listDeadLetters(a, {}, { limit: 5 })).nextCursor, undefined, 'a page holding the last row has no next cursor');
    });

    it('alert workflow (state, assignee, history) checked and scoped; deleting its only destination takes the alert and history along', async () => {
      assert.ok((await db.tables()).includes('alerts'), 'alerts table exists (migration 17)');
      for (const i of ['alerts_key', 'alerts_state', 'alerts_tenant']) assert.ok((await db.indexes('alerts')).includes(i), `${i} exists`);
      assert.ok((await db.indexes('alert_state_events')).includes('alert_state_events_alert'), 'history is read by alert');
      const dest = await repo.createDestination(a, { kind: 'webhook', name: 'doomed', config: { url: 'https://hooks.example/doomed', secret: 'whsec-0123456789abcdef' } });
      const keep = await repo.createDestination(a, { kind: 'webhook', name: 'kept', config: { url: 'https://hooks.example/kept', secret: 'whsec-0123456789abcdef' } });
      const payload = JSON.stringify({ version: 1, kind: 'alert', title: 't' });
      const fire = async (key: string, dests: number[]): Promise<number> => {
        const alertId = await db.store.sql.transaction((tx) => ensureAlert(tx, a, { ruleId: null, groupKey: 'g', key, payload, createdAt: now.toISOString() }));
        for (const d of dests) {
          await db.raw("INSERT INTO alert_deliveries (tenant_id, alert_id, destination_id, group_key, payload, status, attempts, created_at) VALUES (?, ?, ?, 'g', ?, 'sent', 1, ?)", [a, alertId, d, payload, now.toISOString()]);
        }
        return alertId;
      };
      const id = await fire('1|g|s1', [dest.id]);
      const both = await fire('1|g|s2', [dest.id, keep.id]);
      assert.equal(await db.store.sql.transaction((tx) => ensureAlert(tx, a, { ruleId: null, groupKey: 'g', key: '1|g|s1', payload, createdAt: now.toISOString() })), id, 'the same key finds the same alert');
      const a0 = await repo.getAlert(a, id);
      assert.deepEqual(a0 && [a0.state, a0.assigneeId, a0.assigneeName, a0.note, a0.changedBy, a0.changedAt, a0.deliveryStatus], ['open', null, null, null, null, null, 'sent'], 'a new alert is open, unassigned');
      assert.equal(await repo.getAlert(b, id), undefined, "another tenant's alert is missing");
      await inputError(() => repo.updateWorkflow(a, id, { assigneeId: 999_999 }, 'user:1'), 'assigneeId', /user id of this tenant/);
      await inputError(() => repo.updateWorkflow(a, id, { state: 'closed' as never }, 'user:1'), 'state', /one of "open", "acknowledged", "resolved"/);
      await inputError(() => repo.updateWorkflow(a, id, {}, 'user:1'), '(body)', /at least 1 field/);
      assert.deepEqual(await repo.updateWorkflow(b, id, { state: 'acknowledged' }, 'user:2'), { ok: false, reason: 'missing' });
      const r = await repo.updateWorkflow(a, id, { state: 'resolved', note: 'done' }, 'user:1');
      assert.ok(r.ok && r.event, 'resolved');
      assert.deepEqual(r.ok && [r.alert.state, r.alert.changedBy, r.alert.changedAt, r.event?.fromState], ['resolved', 'user:1', now.toISOString(), 'open']);
      assert.deepEqual(await repo.updateWorkflow(a, id, { state: 'acknowledged' }, 'user:1'), { ok: false, reason: 'transition', from: 'resolved', to: 'acknowledged' });
      assert.ok((await repo.updateWorkflow(a, both, { state: 'acknowledged' }, 'user:1')).ok);
      assert.deepEqual(await repo.alertHistory(b, id), [], 'another tenant reads no history');
      assert.equal((await repo.alertHistory(a, id)).length, 1);
      // Filters: state, and status = alerts having a delivery in it.
      assert.deepEqual((await repo.listAlerts(a, { state: ['resolved'] })).items.map((x) => x.id), [id]);
      assert.deepEqual((await repo.listAlerts(a, { status: ['sent'] })).items.map((x) => x.id), [both, id]);
      assert.deepEqual((await repo.listAlerts(a, { status: ['pending'] })).items, []);
      const page1 = await repo.listAlerts(a, {}, { limit: 1 });
      assert.deepEqual([page1.items.map((x) => x.id), page1.nextCursor], [[both], String(both)]);
      assert.deepEqual((await repo.listAlerts(a, {}, { limit: 1, cursor: page1.nextCursor })).items.map((x) => x.id), [id]);

      assert.deepEqual(await repo.deleteDestination(a, dest.id), { ok: true });
      assert.equal(await repo.getAlert(a, id), undefined, 'an alert sent only to the deleted destination goes');
      assert.deepEqual(await db.raw('SELECT id FROM alert_state_events WHERE alert_id = ?', [id]), [], 'with its history');
      const left = await repo.getAlert(a, both);
      assert.deepEqual(left && [left.state, left.deliveries.map((d) => d.destinationName)], ['acknowledged', ['kept']], 'an alert also sent elsewhere stays, with its other delivery');
      assert.equal((await repo.alertHistory(a, both)).length, 1);
    });
  });
}
