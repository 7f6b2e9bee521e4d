// The queue and the worker against a real nats-server (started here, own port and storage) and a fresh database
// on SQLite and on the machine's PostgreSQL.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExternalError, InputError, createLogger, type Logger } from '@bulwark/core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import { buildServer } from '../server/server.js';
import { IngestPipeline } from '../server/ingest.js';
import type { IngestedEvent } from '../server/context.js';
import { backends, type Backend, type FreshDb } from '../storage/test-backends.js';
import type { FindingInput, ScanInput } from '../storage/types.js';
import { JetStreamIngestQueue } from './jetstream-queue.js';
import { DEAD_STREAM, INGEST_CONSUMER, INGEST_STREAM, INGEST_SUBJECT } from './nats.js';
import { PartStaging } from './staging.js';
import { startTestNats, type TestNats } from './test-nats.js';
import { runWorker, type WorkerOptions, type WorkerStats } from './worker.js';

const [sqlite, postgres] = backends();
after(async () => {
  await sqlite.teardown();
  await postgres.teardown();
});

/** Logs only to memory: tests assert on lines and print them when they fail. */
function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ level: 'debug', format: 'text', write: (l) => lines.push(l) }), { lines });
}

function upload(id: string, target: string, fingerprints: readonly string[]): { scan: ScanInput; findings: FindingInput[] } {
  return {
    scan: { id, target, kind: 'image', startedAt: '2026-02-01T00:00:00.000Z', finishedAt: `2026-02-01T00:${String(fingerprints.length % 60).padStart(2, '0')}:00.000Z` },
    findings: fingerprints.map((fp, i) => ({
      fingerprint: fp,
      type: 'vulnerability',
      ruleId: `CVE-2025-${10000 + i}`,
      title: `Finding ${fp} with some text to make the payload realistic`,
      severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4],
      cvss: (i % 100) / 10,
      asset: { kind: 'package', key: `pkg:npm/lib${i % 50}@1.${i % 7}.0` },
      payload: { path: `/usr/lib/node_modules/lib${i % 50}/package.json`, fixedIn: `1.${i % 7}.1`, digest: createHash('sha1').update(fp).digest('hex') },
    })),
  };
}

const fps = (prefix: string, n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${from + i}`);

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 30_000, log?: { lines: string[] }): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what}${log ? `\n${log.lines.slice(-30).join('\n')}` : ''}`);
}

interface Rig {
  db: FreshDb;
  nats: TestNats;
  tenant: number;
  events: IngestedEvent[];
  log: Logger & { lines: string[] };
  queue(opts?: { maxPartBytes?: number }): JetStreamIngestQueue;
  worker(opts?: Partial<WorkerOptions>): { stop(): Promise<WorkerStats>; ready: Promise<void> };
  close(): Promise<void>;
}

async function rig(backend: Backend, natsOpts: { maxPayload?: number } = {}): Promise<Rig> {
  await backend.setup();
  const db = await backend.fresh();
  const nats = await startTestNats(natsOpts);
  const tenant = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
  const events: IngestedEvent[] = [];
  const log = memoryLog();
  const queues: JetStreamIngestQueue[] = [];
  const workers: { stop(): Promise<WorkerStats> }[] = [];
  return {
    db,
    nats,
    tenant,
    events,
    log,
    queue(o = {}) {
      const q = JetStreamIngestQueue.open({ url: nats.url, log, ...o });
      queues.push(q);
      return q;
    },
    worker(o = {}) {
      const ac = new AbortController();
      const pipeline = new IngestPipeline(db.store);
      pipeline.onIngested(async (e) => void events.push(e));
      let ready!: () => void;
      const readyP = new Promise<void>((r) => (ready = r));
      const done = runWorker({ store: db.store, natsUrl: nats.url, pipeline, signal: ac.signal, log, ackWaitMs: 2000, onReady: ready, ...o });
      const w = {
        ready: readyP,
        async stop() {
          ac.abort();
          return done;
        },
      };
      workers.push(w);
      return w;
    },
    async close() {
      for (const w of workers) await w.stop();
      for (const q of queues) await q.close();
      await nats.cleanup();
      await db.drop();
    },
  };
}

async function storedFingerprints(db: FreshDb): Promise<string[]> {
  return (await db.raw('SELECT fingerprint FROM findings ORDER BY fingerprint')).map((r) => r.fingerprint as string);
}

for (const backend of [sqlite, postgres]) {
  test(`${backend.name}: submit answers queued after the JetStream ack; a worker stores it once; a repeat is a no-op`, { timeout: 60_000 }, async () => {
    const r = await rig(backend);
    try {
      const q = r.queue();
      assert.equal(await q.ready(), true, 'connected');
      const u = upload('scan-1', 'img-1', fps('a', 50));
      assert.deepEqual(await q.submit(r.tenant, u.scan, u.findings), { queued: true, scanId: 'scan-1' });
      assert.deepEqual(await q.submit(r.tenant, u.scan, u.findings), { queued: true, scanId: 'scan-1' }, 'a retry is accepted (the stream drops it)');
      assert.equal(await streamMessages(r.nats.url), 1, 'the re-publish was dropped by Nats-Msg-Id');

      const w = r.worker();
      await waitFor('the scan to be stored', async () => (await r.db.raw('SELECT id FROM scans')).length === 1, 30_000, r.log);
      assert.deepEqual(await storedFingerprints(r.db), fps('a', 50).sort());
      // Past the duplicate window a retry reaches the worker again: the store's scan-id idempotency absorbs it.
      const nc = await connect({ servers: r.nats.url });
      await (await jetstreamManager(nc)).streams.update(INGEST_STREAM, { duplicate_window: 100_000_000 });
      await nc.close();
      await sleep(300);
      await q.submit(r.tenant, u.scan, u.findings);
      await waitFor('the repeat to be consumed', async () => (await streamMessages(r.nats.url)) === 0, 30_000, r.log);
      assert.equal((await r.db.raw('SELECT id FROM scans')).length, 1);
      const stats = await w.stop();
      assert.equal(stats.ingested, 1, JSON.stringify(stats));
      assert.ok(stats.duplicates >= 1, `the repeat was a duplicate: ${JSON.stringify(stats)}`);
      assert.equal(r.events.length, 1, 'listeners heard of the scan once');
      assert.equal(r.events[0].result.counts.new, 50);
    } finally {
      await r.close();
    }
  });
}

async function streamMessages(url: string, stream = INGEST_STREAM): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}

test('postgres: an upload bigger than max_payload travels in parts and is ingested as one scan by two workers', { timeout: 120_000 }, async () => {
  // 16 KiB max_payload: a 3,000-finding upload needs several parts.
  const r = await rig(postgres, { maxPayload: 16 * 1024 });
  try {
    const q = r.queue();
    await q.ready();
    const first = upload('big-1', 'img-big', fps('b', 3000));
    const second = upload('big-2', 'img-big', fps('b', 1500));
    second.scan.finishedAt = '2026-02-02T00:00:00.000Z';
    second.scan.startedAt = '2026-02-02T00:00:00.000Z';
    await q.submit(r.tenant, first.scan, first.findings);
    const parts = await streamMessages(r.nats.url);
    assert.ok(parts >= 3, `the upload was split (${parts} messages)`);

    const w1 = r.worker({ concurrency: 2 });
    const w2 = r.worker({ concurrency: 2 });
    await waitFor('the first scan', async () => (await r.db.raw('SELECT id FROM scans')).length === 1, 60_000, r.log);
    await waitFor('its parts to be cleaned up', async () => (await new PartStaging(r.db.store.sql).size()) === 0, 10_000, r.log);
    await q.submit(r.tenant, second.scan, second.findings);
    await waitFor('the second scan', async () => (await r.db.raw('SELECT id FROM scans')).length === 2, 60_000, r.log);
    const s1 = await w1.stop();
    const s2 = await w2.stop();
    assert.equal(s1.ingested + s2.ingested, 2, `${JSON.stringify(s1)} ${JSON.stringify(s2)}`);
    assert.ok(s1.staged + s2.staged >= parts - 1, 'all but the last part of each upload were staged');

    // One logical scan each: the second (a subset) fixes exactly the findings it no longer sees.
    const scans = await r.db.raw('SELECT id, counts FROM scans ORDER BY id');
    const counts = scans.map((s) => (typeof s.counts === 'string' ? JSON.parse(s.counts) : s.counts) as { findings: number; new: number; fixed: number });
    assert.deepEqual(counts.map((c) => [c.findings, c.new, c.fixed]), [[3000, 3000, 0], [1500, 0, 1500]]);
    assert.equal(Number((await r.db.raw("SELECT count(*) AS n FROM findings WHERE status = 'fixed'"))[0].n), 1500);
    assert.deepEqual(await storedFingerprints(r.db), fps('b', 3000).sort());
    assert.equal(await new PartStaging(r.db.store.sql).size(), 0, 'no staged part left');
    assert.deepEqual(r.events.map((e) => e.scan.id), ['big-1', 'big-2'], 'listeners ran once per scan, on the whole scan');
    assert.equal(await streamMessages(r.nats.url), 0, 'every message was acked');
  } finally {
    await r.close();
  }
});

test('postgres: a message nobody acks (a crashed worker) is redelivered after the ack wait and stored once', { timeout: 60_000 }, async () => {
  const r = await rig(postgres);
  try {
    const q = r.queue();
    await q.ready();
    // Create the consumer as a worker would, then take the message the way a worker that then died would.
    const w0 = r.worker();
    await w0.ready;
    await w0.stop();
    const u = upload('crash-1', 'img-c', fps('c', 20));
    await q.submit(r.tenant, u.scan, u.findings);
    const nc = await connect({ servers: r.nats.url });
    const c = await jetstream(nc).consumers.get(INGEST_STREAM, INGEST_CONSUMER);
    const taken = await c.next({ expires: 5000 });
    assert.ok(taken, 'the dying worker got the message');
    await nc.close(); // no ack: gone like a kill -9

    const started = Date.now();
    const w = r.worker();
    await waitFor('the redelivered scan', async () => (await r.db.raw('SELECT id FROM scans')).length === 1, 30_000, r.log);
    assert.ok(Date.now() - started >= 500, 'it waited for the ack wait');
    const stats = await w.stop();
    assert.equal(stats.ingested, 1);
    assert.ok(r.log.lines.some((l) => /redelivered message processed/.test(l) && /deliveries=2/.test(l)), r.log.lines.join('\n'));
  } finally {
    await r.close();
  }
});

test('postgres: bad messages and uploads the store refuses go to the dead-letter stream, others go on', { timeout: 60_000 }, async () => {
  const r = await rig(postgres);
  try {
    const q = r.queue();
    await q.ready();
    const w = r.worker();
    await w.ready;
    const nc = await connect({ servers: r.nats.url });
    const js = jetstream(nc);
    // 1: not an ingest message at all.
    const h = headers();
    h.set('Bulwark-Tenant', 'x');
    await js.publish(`${INGEST_SUBJECT}.1`, new TextEncoder().encode('garbage'), { headers: h });
    // 2: the scan id reused for another target: the store refuses it (InputError), retrying cannot help.
    const ok = upload('dup-id', 'img-1', fps('d', 5));
    await q.submit(r.tenant, ok.scan, ok.findings);
    await waitFor('the good scan', async () => (await r.db.raw('SELECT id FROM scans')).length === 1, 30_000, r.log);
    const clash = upload('dup-id', 'img-2', fps('e', 5));
    await q.submit(r.tenant, clash.scan, clash.findings);
    // 3: a good one after them still goes through.
    const later = upload('later', 'img-3', fps('f', 5));
    await q.submit(r.tenant, later.scan, later.findings);
    await waitFor('the later scan', async () => (await r.db.raw('SELECT id FROM scans')).length === 2, 30_000, r.log);
    await waitFor('two dead letters', async () => (await streamMessages(r.nats.url, DEAD_STREAM)) === 2, 10_000, r.log);
    const stats = await w.stop();
    assert.equal(stats.deadLettered, 2, JSON.stringify(stats));
    assert.equal(await streamMessages(r.nats.url), 0, 'dead letters left the work queue');

    const dead = await (await jetstreamManager(nc)).streams.getMessage(DEAD_STREAM, { seq: 2 });
    assert.match(dead!.header.get('Bulwark-Error'), /already used for target "img-1"/);
    assert.equal(dead!.header.get('Bulwark-Scan'), 'dup-id');
    assert.deepEqual(await storedFingerprints(r.db), [...fps('d', 5), ...fps('f', 5)].sort());
    assert.ok(r.log.lines.some((l) => /dead-letter stream/.test(l) && /Bulwark-Tenant: expected a tenant id/.test(l)), r.log.lines.join('\n'));
    await nc.close();
  } finally {
    await r.close();
  }
});

test('postgres: while NATS is down submit throws a retryable ExternalError (the API answers 5xx); after a restart both sides resume', { timeout: 90_000 }, async () => {
  const r = await rig(postgres);
  try {
    const q = r.queue();
    await q.ready();
    const app = await buildServer({ store: r.db.store, ingest: q });
    const { token } = await r.db.store.createApiToken(r.tenant, { name: 'ci', role: 'admin' });
    const post = (u: ReturnType<typeof upload>) =>
      app.inject({ method: 'POST', url: '/api/v1/scans', headers: { authorization: `Bearer ${token}` }, payload: { scan: u.scan, findings: u.findings } });
    const w = r.worker();
    await w.ready;

    const before = await post(upload('n-1', 'img-1', fps('n', 10)));
    assert.equal(before.statusCode, 202, before.body);
    assert.deepEqual(before.json(), { scanId: 'n-1', queued: true });
    const bad = await post({ ...upload('n-bad', 'img-x', []), scan: { ...upload('n-bad', 'img-x', []).scan, finishedAt: '2020-01-01T00:00:00.000Z' } });
    assert.equal(bad.statusCode, 400, 'validated before publishing');
    assert.match(bad.body, /scan.finishedAt/);

    await r.nats.stop();
    await sleep(200);
    const u2 = upload('n-2', 'img-2', fps('m', 10));
    await assert.rejects(() => q.submit(r.tenant, u2.scan, u2.findings), (e: unknown) => e instanceof ExternalError && e.retryable);
    const down = await post(u2);
    assert.ok(down.statusCode >= 500 && down.statusCode < 600, `5xx while NATS is down, got ${down.statusCode}`);

    await r.nats.start();
    await waitFor('the queue to reconnect', async () => {
      const res = await post(u2);
      return res.statusCode === 202;
    }, 30_000, r.log);
    await waitFor('both scans stored by the same worker', async () => (await r.db.raw('SELECT id FROM scans')).length === 2, 30_000, r.log);
    assert.deepEqual(await storedFingerprints(r.db), [...fps('m', 10), ...fps('n', 10)].sort());
    const stats = await w.stop();
    assert.equal(stats.ingested, 2);
    await app.close();
  } finally {
    await r.close();
  }
});

test('runWorker: counters in the given registry; a bad --nats value is a ConfigError', { timeout: 60_000 }, async () => {
  const r = await rig(sqlite);
  try {
    const registry = new Registry();
    const w = r.worker({ registry });
    await w.ready;
    const q = r.queue();
    await q.ready();
    const u = upload('m-1', 'img-1', fps('x', 7));
    await q.submit(r.tenant, u.scan, u.findings);
    await waitFor('the scan', async () => (await r.db.raw('SELECT id FROM scans')).length === 1, 30_000, r.log);
    await w.stop();
    const text = await registry.metrics();
    assert.match(text, /bulwark_bus_messages_total\{outcome="ingested"\} 1/);
    assert.match(text, /bulwark_bus_findings_ingested_total 7/);
    const pipeline = new IngestPipeline(r.db.store);
    await assert.rejects(() => runWorker({ store: r.db.store, natsUrl: 'http://x', pipeline }), /--nats: expected a nats:\/\/ or tls:\/\/ URL/);
    assert.throws(() => JetStreamIngestQueue.open({ url: '' }), /--nats: expected nats:\/\/host:port/);
    await assert.rejects(
      () => q.submit(r.tenant, { ...u.scan, kind: 'Not A Word' }, u.findings),
      (e: unknown) => e instanceof InputError && /scan.kind/.test(e.message),
    );
  } finally {
    await r.close();
  }
});

test('postgres: a NATS restarted with empty storage gets its stream and consumer back from the queue and the worker', { timeout: 90_000 }, async () => {
  const r = await rig(postgres);
  try {
    const q = r.queue();
    await q.ready();
    const w = r.worker();
    await w.ready;
    const a = upload('e-1', 'img-1', fps('p', 5));
    await q.submit(r.tenant, a.scan, a.findings);
    await waitFor('the first scan', async () => (await r.db.raw('SELECT id FROM scans')).length === 1, 30_000, r.log);

    await r.nats.stop();
    rmSync(join(r.nats.dir, 'jetstream'), { recursive: true, force: true });
    await r.nats.start();
    const b = upload('e-2', 'img-2', fps('q', 5));
    await waitFor('the queue to publish again', async () => {
      try {
        await q.submit(r.tenant, b.scan, b.findings);
        return true;
      } catch (e) {
        if (!(e instanceof ExternalError)) throw e;
        return false;
      }
    }, 30_000, r.log);
    // Quickly: the worker starts pulling afresh on reconnect instead of waiting for missed heartbeats (~30 s).
    await waitFor('the worker to recreate its consumer and store the scan', async () => (await r.db.raw('SELECT id FROM scans')).length === 2, 10_000, r.log);
    assert.ok(r.log.lines.some((l) => /pulling afresh/.test(l)), r.log.lines.join('\n'));
    await w.stop();
  } finally {
    await r.close();
  }
});
