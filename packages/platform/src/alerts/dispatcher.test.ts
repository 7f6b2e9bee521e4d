import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { seededRandom } from '@bulwark/core/testing';
import { backends, type FreshDb } from '../storage/test-backends.js';
import type { SqlStore } from '../storage/sql-store.js';
import { startHttpReceiver, type HttpReceiver } from './destinations/testing.js';
import { AlertDispatcher, backoffMs } from './dispatcher.js';
import { createAlertListener } from './listener.js';
import { AlertRepository } from './repository.js';
import { finding, scan } from './testing.js';

const SECRET = 'whsec-dispatch-0123456789';
const KEY = 'dispatcher-test-secret-key-0123456789ab';

describe('back-off', () => {
  it('doubles from the base up to the cap, with equal jitter in [d/2, d]', () => {
    const rows: [attempt: number, lo: number, hi: number][] = [
      [1, 500, 1000],
      [2, 1000, 2000],
      [3, 2000, 4000],
      [6, 16000, 32000],
      [7, 30000, 60000], // capped at 60 s
      [30, 30000, 60000],
    ];
    const rnd = seededRandom(7);
    for (const [attempt, lo, hi] of rows) {
      for (let i = 0; i < 20; i++) {
        const d = backoffMs(attempt, 1000, 60_000, rnd);
        assert.ok(d >= lo && d <= hi, `attempt ${attempt}: ${d} not in [${lo}, ${hi}]`);
      }
    }
    assert.equal(backoffMs(3, 1000, 60_000, () => 0), 2000);
    assert.equal(backoffMs(3, 1000, 60_000, () => 0.999999), 4000);
  });
});

for (const backend of backends()) {
  describe(`alert dispatcher on ${backend.name}`, () => {
    let db: FreshDb;
    let repo: AlertRepository;
    let tenant: number;
    let rx: HttpReceiver;
    let mode: 'ok' | 'fail' | 'refuse' = 'ok';
    let ruleId: number;
    let n = 0;
    const t0 = new Date('2026-03-01T12:00:00.000Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);

    /** Ingests one new finding and runs the listener: one pending delivery to the webhook. */
    async function enqueue(): Promise<number> {
      n++;
      const s = scan(`scan-${n}`, `reg/app:${n}`);
      const result = await db.store.ingestScan(tenant, s, [finding(n, { asset: { kind: 'image', key: `img-${n}` } })]);
      await createAlertListener(db.store, { now: () => t0 })({ tenant, scan: { id: s.id, target: s.target, kind: s.kind }, result });
      const d = (await repo.listDeliveries(tenant, { status: ['pending'] })).items[0];
      assert.ok(d, 'a delivery was enqueued');
      return d.id;
    }

    function dispatcher(opts: ConstructorParameters<typeof AlertDispatcher>[1] = {}, store: SqlStore = db.store) {
      return new AlertDispatcher(store, { secretKey: KEY, maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000, random: seededRandom(1), timeoutMs: 3000, ...opts });
    }

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      repo = new AlertRepository(db.store, { secretKey: KEY, now: () => t0 });
      tenant = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      rx = await startHttpReceiver((r) => {
        if (mode === 'fail') return { status: 503, body: 'down for maintenance' };
        if (mode === 'refuse') return { status: 403, body: 'forbidden' };
        const ts = r.headers['x-bulwark-timestamp'] as string;
        const want = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${r.body}`).digest('hex')}`;
        return want === r.headers['x-bulwark-signature'] ? { status: 204, body: '' } : { status: 401, body: 'bad signature' };
      });
      const dest = await repo.createDestination(tenant, { kind: 'webhook', name: 'hook', config: { url: `${rx.url}/alerts`, secret: SECRET } });
      ruleId = (await repo.createRule(tenant, { name: 'everything', destinationIds: [dest.id] })).id;
    });
    after(async () => {
      await rx?.close();
      await db?.drop();
      await backend.teardown();
    });
    beforeEach(async () => {
      mode = 'ok';
      await db.raw('DELETE FROM alert_dead_letters');
      await db.raw('DELETE FROM alert_deliveries');
      rx.requests.length = 0;
    });

    it('sends a due delivery once, signed, and records it', async () => {
      const id = await enqueue();
      const d = dispatcher();
      assert.deepEqual(await d.runOnce(at(0)), { claimed: 1, sent: 1, retried: 0, dead: 0 });
      assert.deepEqual(await d.runOnce(at(1000)), { claimed: 0, sent: 0, retried: 0, dead: 0 });
      assert.equal(rx.requests.length, 1);
      assert.equal(rx.requests[0].headers['x-bulwark-delivery'], String(id));
      const s = await repo.getDelivery(tenant, id);
      assert.deepEqual([s?.status, s?.attempts, s?.sentAt, s?.nextAttemptAt, s?.ruleId], ['sent', 1, t0.toISOString(), null, ruleId]);
    });

    it('retries with back-off, then moves to the dead letters; a retried dead letter is sent', async () => {
      mode = 'fail';
      const id = await enqueue();
      const d = dispatcher();
      assert.deepEqual(await d.runOnce(at(0)), { claimed: 1, sent: 0, retried: 1, dead: 0 });
      let s = await repo.getDelivery(tenant, id);
      assert.equal(s?.status, 'failed');
      assert.equal(s?.lastError, `webhook 127.0.0.1:${new URL(rx.url).port}: HTTP 503: down for maintenance`);
      const next1 = Date.parse(s!.nextAttemptAt!) - t0.getTime();
      assert.ok(next1 >= 500 && next1 <= 1000, `first back-off ${next1} ms`);
      // Not due yet: nothing happens.
      assert.equal((await d.runOnce(at(next1 - 1))).claimed, 0);
      assert.deepEqual(await d.runOnce(at(next1)), { claimed: 1, sent: 0, retried: 1, dead: 0 });
      s = await repo.getDelivery(tenant, id);
      const next2 = Date.parse(s!.nextAttemptAt!) - next1 - t0.getTime();
      assert.ok(next2 >= 1000 && next2 <= 2000, `second back-off ${next2} ms`);
      assert.deepEqual(await d.runOnce(at(10_000)), { claimed: 1, sent: 0, retried: 0, dead: 1 });
      s = await repo.getDelivery(tenant, id);
      assert.deepEqual([s?.status, s?.attempts, s?.nextAttemptAt], ['dead', 3, null]);
      assert.equal(rx.requests.length, 3);

      const dead = (await repo.listDeadLetters(tenant)).items;
      assert.equal(dead.length, 1);
      assert.deepEqual([dead[0].deliveryId, dead[0].attempts, dead[0].retriedAt, dead[0].payload.rule.id], [id, 3, null, ruleId]);
      assert.match(dead[0].error, /HTTP 503/);
      assert.equal((await d.runOnce(at(3_600_000))).claimed, 0, 'dead deliveries are never claimed');

      mode = 'ok';
      const r = await repo.retryDeadLetter(tenant, dead[0].id);
      assert.ok(r.ok, 'retry accepted');
      assert.deepEqual([r.delivery.id, r.delivery.status, r.delivery.attempts], [id, 'pending', 0]);
      assert.deepEqual(await repo.retryDeadLetter(tenant, dead[0].id), { ok: false, reason: 'already-retried' });
      assert.deepEqual(await d.runOnce(at(3_600_001)), { claimed: 1, sent: 1, retried: 0, dead: 0 });
      assert.equal((await repo.getDelivery(tenant, id))?.status, 'sent');
      assert.deepEqual((await repo.listDeadLetters(tenant, { retried: false })).items, []);
    });

    it('a refusal a retry cannot fix goes to the dead letters at once', async () => {
      mode = 'refuse';
      const id = await enqueue();
      assert.deepEqual(await dispatcher().runOnce(at(0)), { claimed: 1, sent: 0, retried: 0, dead: 1 });
      const dl = (await repo.listDeadLetters(tenant)).items[0];
      assert.deepEqual([dl.deliveryId, dl.attempts], [id, 1]);
      assert.match(dl.error, /HTTP 403: forbidden/);
    });

    it('two dispatchers on one database send each delivery exactly once', async () => {
      const ids = [];
      for (let i = 0; i < 6; i++) ids.push(await enqueue());
      const second = await db.reopen();
      const d1 = dispatcher({ batchSize: 10 });
      const d2 = dispatcher({ batchSize: 10 }, second);
      const [r1, r2] = await Promise.all([d1.runOnce(at(0)), d2.runOnce(at(0))]);
      assert.equal(r1.sent + r2.sent, 6, `sent ${r1.sent} + ${r2.sent}`);
      const delivered = rx.requests.map((r) => Number(r.headers['x-bulwark-delivery'])).sort((a, b) => a - b);
      assert.deepEqual(delivered, [...ids].sort((a, b) => a - b), 'each delivery arrived once');
    });

    it('a delivery claimed by a process that died is claimed again after the lease', async () => {
      const id = await enqueue();
      // Claim as a process would, then "die" before sending.
      await db.raw("UPDATE alert_deliveries SET next_attempt_at = ?, attempts = attempts + 1, claim_token = 'dead-process' WHERE id = ?", [at(60_000).toISOString(), id]);
      const d = dispatcher({ leaseMs: 60_000 });
      assert.equal((await d.runOnce(at(30_000))).claimed, 0, 'still leased');
      assert.deepEqual(await d.runOnce(at(60_000)), { claimed: 1, sent: 1, retried: 0, dead: 0 });
      assert.equal((await repo.getDelivery(tenant, id))?.attempts, 2);
    });

    it('start() polls until stop()', async () => {
      await enqueue();
      const d = dispatcher({ intervalMs: 20 });
      d.start();
      for (let i = 0; i < 100 && rx.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      await d.stop();
      assert.equal(rx.requests.length, 1);
    });
  });
}
