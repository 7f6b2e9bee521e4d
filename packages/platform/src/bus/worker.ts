import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, describeError, InputError, type Logger } from '@bulwark/core';
import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { Counter, type Registry } from 'prom-client';
import type { IngestPipeline } from '../server/ingest.js';
import type { Store } from '../storage/types.js';
import { connectForever, DEAD_SUBJECT, ensureConsumer, ensureStreams, INGEST_CONSUMER, INGEST_STREAM, parseNatsUrl, redactNats, type StreamOptions } from './nats.js';
import { assembleScan, HEADERS, partFromMessage, partHeaders, type ScanPart } from './parts.js';
import { PartStaging } from './staging.js';

export interface WorkerOptions extends StreamOptions {
  store: Store;
  /** `nats://host:4222` (several comma-separated for a cluster). */
  natsUrl: string;
  /** Stores each assembled scan and tells its listeners (the same pipeline the server uses in-process). */
  pipeline: IngestPipeline;
  /** Messages processed at once by this process; default 2. */
  concurrency?: number;
  /** Stops pulling, finishes (acks) the messages in hand, closes the connection; `runWorker` then resolves. */
  signal?: AbortSignal;
  /** Redelivery delay of a message whose worker died (the consumer's ack wait, shared by all workers); default 30 s. */
  ackWaitMs?: number;
  /**
   * Deliveries after which a message that still fails (with the store reachable), or that keeps killing its
   * workers, goes to the dead-letter stream; default 10. Bad content (InputError) goes there at once.
   */
  maxDeliver?: number;
  /** Staged parts of uploads that never completed are dropped after this long; default 30 days. */
  stagedTtlMs?: number;
  log?: Logger;
  /** Prometheus registry for `bulwark_bus_messages_total{outcome}` and `bulwark_bus_findings_ingested_total`. */
  registry?: Registry;
  /** Called once the consumer is pulling. */
  onReady?: () => void;
  /** Client name shown by the NATS server. */
  name?: string;
}

/** What this worker did, returned when it stops. */
export interface WorkerStats {
  /** Scans stored (not duplicates). */
  ingested: number;
  /** Messages that were already-ingested scans (redeliveries, retries past the duplicate window). */
  duplicates: number;
  /** Parts kept while their upload is incomplete. */
  staged: number;
  /** Failures handed back for a later delivery. */
  retried: number;
  /** Messages moved to the dead-letter stream. */
  deadLettered: number;
  /** Findings of the scans stored. */
  findings: number;
}

type Outcome = { kind: 'ingested'; findings: number } | { kind: 'duplicate' } | { kind: 'staged' } | { kind: 'dead' };

/** The message keeps killing or failing workers: do not process it again. */
class PoisonError extends Error {}

/** A small counting semaphore: at most `n` messages in hand. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number) {
    this.free = n;
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

function backoffMs(deliveries: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, deliveries - 1));
}

function oneLine(s: string, max = 400): string {
  const t = s.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

/**
 * Consumes scan uploads from JetStream and stores them, until `signal` aborts. All workers share one durable pull
 * consumer, so each message goes to one of them; a message is acked only after the store committed it, so a worker
 * killed mid-scan leaves it to be redelivered (after the ack wait) to another. Storing is idempotent (scan id,
 * fingerprints, staged parts keyed by upload digest and index), so redeliveries and retried uploads change nothing.
 * Parts of a multi-part upload are staged in the database; the worker that stages the last one ingests the
 * assembled scan in one call and deletes the parts. NATS restarts are ridden out (the client reconnects forever);
 * while the store is unreachable the messages in hand are held (not failed) until it is back.
 */
export async function runWorker(opts: WorkerOptions): Promise<WorkerStats> {
  const servers = parseNatsUrl(opts.natsUrl);
  const log = opts.log ?? createLogger({ fields: { component: 'worker' } });
  const signal = opts.signal ?? new AbortController().signal;
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 2));
  const ackWaitMs = opts.ackWaitMs ?? 30_000;
  const maxDeliver = Math.max(1, opts.maxDeliver ?? 10);
  const stagedTtlMs = opts.stagedTtlMs ?? 30 * 24 * 3600 * 1000;
  const stats: WorkerStats = { ingested: 0, duplicates: 0, staged: 0, retried: 0, deadLettered: 0, findings: 0 };
  const counters = opts.registry ? metrics(opts.registry) : undefined;
  const staging = new PartStaging(opts.store.sql);

  const nc = await connectForever(servers, { name: opts.name ?? 'bulwark-worker', log, signal });
  if (!nc) return stats;
  log.info('nats connected', { servers: servers.map(redactNats) });
  const js = jetstream(nc);
  const slots = new Slots(concurrency);
  const inflight = new Set<Promise<void>>();
  let current: ConsumerMessages | undefined;
  const onAbort = (): void => void current?.close();
  signal.addEventListener('abort', onAbort, { once: true });

  const purge = async (): Promise<void> => {
    try {
      const n = await staging.purgeStagedBefore(new Date(Date.now() - stagedTtlMs));
      if (n > 0) log.warn('dropped parts of uploads that never completed', { parts: n });
    } catch (e) {
      log.warn('could not purge staged parts', { error: describeError(e) });
    }
  };
  void purge();
  const purgeTimer = setInterval(() => void purge(), 6 * 3600 * 1000);
  purgeTimer.unref();

  const ensure = async (jsm: JetStreamManager): Promise<void> => {
    await ensureStreams(jsm, opts);
    await ensureConsumer(jsm, { ackWaitMs });
  };

  async function storeReachable(): Promise<boolean> {
    try {
      await opts.store.schemaVersion();
      return true;
    } catch {
      return false;
    }
  }

  async function processPart(part: ScanPart): Promise<Outcome> {
    if (part.count === 1) {
      const env = await assembleScan([part]);
      const r = await opts.pipeline.ingest(env.tenant, env.scan, env.findings);
      return r.duplicate ? { kind: 'duplicate' } : { kind: 'ingested', findings: r.counts.findings };
    }
    // A late part (redelivered after its upload was ingested) must not be staged again; and parts left behind by a
    // worker killed between ingesting and deleting them go now.
    const stored = async (): Promise<boolean> => {
      if (!(await staging.scanStored(part.tenant, part.scanId))) return false;
      await staging.remove(part.digest);
      return true;
    };
    if (await stored()) return { kind: 'duplicate' };
    await staging.stage(part);
    if ((await staging.count(part.digest)) < part.count) {
      // Checked again after staging: had another worker ingested the upload and deleted its parts in between, this
      // part would otherwise stay behind.
      return (await stored()) ? { kind: 'duplicate' } : { kind: 'staged' };
    }
    const parts = await staging.load(part.digest);
    let outcome: Outcome;
    try {
      const env = await assembleScan(parts);
      const r = await opts.pipeline.ingest(env.tenant, env.scan, env.findings);
      outcome = r.duplicate ? { kind: 'duplicate' } : { kind: 'ingested', findings: r.counts.findings };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      // The whole upload is bad: keep all its parts together as dead letters, then forget them.
      const moved = await deadLetter(
        parts.map((p) => ({ headers: partHeaders(p), data: p.data, id: `${p.digest}.${p.index}` })),
        part.tenant,
        e,
        0,
      );
      if (!moved) throw new Error(`could not move upload ${part.digest} to the dead letters`, { cause: e });
      outcome = { kind: 'dead' };
    }
    await staging.remove(part.digest);
    return outcome;
  }

  /** Publishes messages to the dead-letter stream; false when that failed (the caller retries later). */
  async function deadLetter(msgs: { headers: Record<string, string>; data: Uint8Array; id: string }[], tenant: number | undefined, reason: unknown, deliveries: number): Promise<boolean> {
    try {
      for (const m of msgs) {
        const h = natsHeaders();
        for (const [k, v] of Object.entries(m.headers)) h.set(k, v);
        h.set(HEADERS.error, oneLine(describeError(reason)));
        h.set(HEADERS.deliveries, String(deliveries));
        await (js as JetStreamClient).publish(`${DEAD_SUBJECT}.${tenant ?? 'unknown'}`, m.data, { msgID: `dead.${m.id}`, headers: h, timeout: 5000 });
      }
      log.error('moved an upload to the dead-letter stream', { stream: 'BULWARK_INGEST_DEAD', tenant, messages: msgs.length, deliveries, reason: oneLine(describeError(reason)) });
      return true;
    } catch (e) {
      log.warn('dead-letter publish failed; the message will be retried', { error: describeError(e) });
      return false;
    }
  }

  function headersOf(h: MsgHdrs | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    if (!h) return out;
    for (const k of h.keys()) if (!k.toLowerCase().startsWith('nats-')) out[k] = h.get(k);
    return out;
  }

  function count(o: Outcome): void {
    if (o.kind === 'ingested') {
      stats.ingested++;
      stats.findings += o.findings;
      counters?.findings.inc(o.findings);
    } else if (o.kind === 'duplicate') stats.duplicates++;
    else if (o.kind === 'staged') stats.staged++;
    else stats.deadLettered++;
    counters?.messages.inc({ outcome: o.kind });
  }

  async function handle(m: JsMsg): Promise<void> {
    // Keeps the message ours while a big scan is being stored (the ack wait restarts on each beat).
    const beat = setInterval(() => m.working(), Math.max(1000, Math.floor(ackWaitMs / 3)));
    const deliveries = m.info.deliveryCount;
    let part: ScanPart | undefined;
    try {
      for (;;) {
        try {
          part = partFromMessage((name) => m.headers?.get(name) || undefined, m.data);
          if (deliveries > maxDeliver) throw new PoisonError(`delivered ${deliveries} times without being acknowledged (limit ${maxDeliver}): it may be crashing workers`);
          const outcome = await processPart(part);
          m.ack();
          count(outcome);
          if (deliveries > 1) log.info('redelivered message processed', { scan: part.scanId, part: `${part.index}/${part.count}`, deliveries, outcome: outcome.kind });
          return;
        } catch (e) {
          const permanent = e instanceof InputError || e instanceof PoisonError;
          if (!permanent && !signal.aborted && !(await storeReachable())) {
            // Not the message's fault: hold it (the beat keeps it ours) and try again once the store answers.
            log.warn('store unreachable; holding the message until it is back', { error: describeError(e) });
            while (!signal.aborted && !(await storeReachable())) await sleep(2000);
            if (!signal.aborted) continue;
          }
          if (permanent || deliveries >= maxDeliver) {
            const moved = await deadLetter([{ headers: headersOf(m.headers), data: m.data, id: `${m.info.stream}.${m.seq}` }], part?.tenant, e, deliveries);
            if (moved) {
              // Ack, not term: a work-queue stream keeps terminated messages on older servers (2.9).
              m.ack();
              count({ kind: 'dead' });
              return;
            }
          }
          stats.retried++;
          counters?.messages.inc({ outcome: 'retried' });
          log.warn('message failed; it will be redelivered', { scan: part?.scanId, deliveries, retryInMs: backoffMs(deliveries), error: describeError(e) });
          m.nak(backoffMs(deliveries));
          return;
        }
      }
    } finally {
      clearInterval(beat);
    }
  }

  // After a reconnect the pull requests of the running consume() may be gone with the old server process, and the
  // stream and consumer with it (a NATS restarted without its storage): rather than wait for missed heartbeats,
  // start consuming afresh, which checks the stream and consumer first. Messages in hand are still acked.
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type !== 'reconnect' || signal.aborted) continue;
      log.info('nats reconnected; pulling afresh', { server: s.server });
      void current?.close();
    }
  })();

  let announced = false;
  try {
    while (!signal.aborted) {
      try {
        const jsm = await jetstreamManager(nc);
        await ensure(jsm);
        const consumer = await js.consumers.get(INGEST_STREAM, INGEST_CONSUMER);
        const msgs = await consumer.consume({ max_messages: Math.max(2, concurrency * 2) });
        current = msgs;
        if (signal.aborted) {
          await msgs.close();
          break;
        }
        void watch(msgs, jsm);
        if (!announced) {
          announced = true;
          opts.onReady?.();
        }
        for await (const m of msgs) {
          await slots.acquire();
          if (signal.aborted) {
            // Pulled but not started: hand it back now rather than after the ack wait.
            slots.release();
            m.nak();
            continue;
          }
          const p: Promise<void> = handle(m).finally(() => {
            slots.release();
            inflight.delete(p);
          });
          inflight.add(p);
        }
        // The pull ended without a stop (a reconnect closed it): start again shortly.
        if (!signal.aborted) await sleep(100);
      } catch (e) {
        if (signal.aborted) break;
        log.warn('consumer stopped; starting again', { error: describeError(e) });
        await sleep(1000, undefined, { signal }).catch(() => undefined);
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    clearInterval(purgeTimer);
    await Promise.allSettled([...inflight]);
    await nc.drain().catch(() => nc.close());
  }
  return stats;

  /** A NATS that lost its storage (or an operator) removed the stream or consumer: create them again. */
  async function watch(msgs: ConsumerMessages, jsm: JetStreamManager): Promise<void> {
    for await (const s of msgs.status()) {
      if (s.type === 'consumer_not_found' || s.type === 'stream_not_found' || s.type === 'consumer_deleted') {
        log.warn('ingest consumer missing; creating it again', { status: s.type });
        await ensure(jsm).catch((e: unknown) => log.warn('could not create the ingest stream or consumer yet', { error: describeError(e) }));
      }
    }
  }
}

function metrics(registry: Registry): { messages: Counter<'outcome'>; findings: Counter } {
  const existing = registry.getSingleMetric('bulwark_bus_messages_total') as Counter<'outcome'> | undefined;
  return {
    messages: existing ?? new Counter({ name: 'bulwark_bus_messages_total', help: 'Ingest messages handled by outcome (ingested, duplicate, staged, retried, dead)', labelNames: ['outcome'], registers: [registry] }),
    findings:
      (registry.getSingleMetric('bulwark_bus_findings_ingested_total') as Counter | undefined) ??
      new Counter({ name: 'bulwark_bus_findings_ingested_total', help: 'Findings stored by workers (duplicate scans excluded)', registers: [registry] }),
  };
}
