// Connection and JetStream resources shared by the server's queue and the workers.
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, type Logger } from '@bulwark/core';
import { AckPolicy, DeliverPolicy, DiscardPolicy, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

/** Work-queue stream of uploads: a message leaves it when a worker acks it. */
export const INGEST_STREAM = 'BULWARK_INGEST';
/** `bulwark.ingest.<tenant>`. */
export const INGEST_SUBJECT = 'bulwark.ingest';
/** Uploads the workers gave up on, kept 30 days for an operator to inspect or replay. */
export const DEAD_STREAM = 'BULWARK_INGEST_DEAD';
export const DEAD_SUBJECT = 'bulwark.dead';
/** The one durable pull consumer every worker pulls from: each message goes to one worker (queue-group semantics). */
export const INGEST_CONSUMER = 'bulwark-ingest-workers';

const NANOS_PER_MS = 1_000_000;
const DAY_MS = 24 * 3600 * 1000;

export interface StreamOptions {
  /** Window in which a re-published part (same Nats-Msg-Id) is dropped by the server; default 10 minutes. */
  duplicateWindowMs?: number;
  /** Stream replicas in a NATS cluster; default 1. */
  replicas?: number;
}

/** `nats://host:port` (or `tls://`, or several comma-separated); a ConfigError naming `--nats` otherwise. */
export function parseNatsUrl(raw: string, setting = '--nats'): string[] {
  const servers = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (servers.length === 0) throw new ConfigError(setting, 'expected nats://host:port');
  for (const s of servers) {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      throw new ConfigError(setting, `expected nats://host:port, got "${redactNats(s)}"`);
    }
    if (u.protocol !== 'nats:' && u.protocol !== 'tls:') throw new ConfigError(setting, `expected a nats:// or tls:// URL, got "${redactNats(s)}"`);
    if (!u.hostname) throw new ConfigError(setting, `no host in "${redactNats(s)}"`);
  }
  return servers;
}

/** The URL without user, password or token, for logs. */
export function redactNats(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * Connects, retrying every `retryMs` until it succeeds or `signal` aborts (then undefined). Once connected, the client
 * reconnects by itself forever (server restarts, network blips); publishes made while disconnected fail or time out.
 */
export async function connectForever(
  servers: string[],
  opts: { name: string; log: Logger; signal?: AbortSignal; retryMs?: number },
): Promise<NatsConnection | undefined> {
  const retryMs = opts.retryMs ?? 1000;
  for (let attempt = 1; !opts.signal?.aborted; attempt++) {
    try {
      return await connect({
        servers,
        name: opts.name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        reconnectJitter: 250,
        timeout: 5000,
        pingInterval: 10_000,
        maxPingOut: 3,
      });
    } catch (e) {
      if (attempt === 1 || attempt % 30 === 0) opts.log.warn('nats not reachable, retrying', { servers: servers.map(redactNats), error: (e as Error).message, attempt });
      await sleep(retryMs, undefined, { signal: opts.signal }).catch(() => undefined);
    }
  }
  return undefined;
}

function ingestStreamConfig(o: StreamOptions): Partial<StreamConfig> & { name: string } {
  return {
    name: INGEST_STREAM,
    description: 'Bulwark scan uploads waiting for a worker',
    subjects: [`${INGEST_SUBJECT}.>`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: o.replicas ?? 1,
    duplicate_window: (o.duplicateWindowMs ?? 10 * 60 * 1000) * NANOS_PER_MS,
  };
}

function deadStreamConfig(o: StreamOptions): Partial<StreamConfig> & { name: string } {
  return {
    name: DEAD_STREAM,
    description: 'Bulwark scan uploads the workers gave up on',
    subjects: [`${DEAD_SUBJECT}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: o.replicas ?? 1,
    max_age: 30 * DAY_MS * NANOS_PER_MS,
    duplicate_window: 10 * 60 * 1000 * NANOS_PER_MS,
  };
}

/** Creates the ingest and dead-letter streams, or brings an existing one's settings up to date. Idempotent. */
export async function ensureStreams(jsm: JetStreamManager, o: StreamOptions = {}): Promise<void> {
  for (const cfg of [ingestStreamConfig(o), deadStreamConfig(o)]) {
    let current: Record<string, unknown>;
    try {
      current = (await jsm.streams.info(cfg.name)).config as unknown as Record<string, unknown>;
    } catch (e) {
      if (!isNotFound(e)) throw e;
      try {
        await jsm.streams.add(cfg);
        continue;
      } catch (e2) {
        // Another process created it between our info and add.
        if (!(e2 instanceof JetStreamApiError) || e2.code !== 10058) throw e2;
        current = (await jsm.streams.info(cfg.name)).config as unknown as Record<string, unknown>;
      }
    }
    // Retention and storage cannot change on a live stream; the rest follows this version's settings.
    const { name, retention: _r, storage: _s, ...wanted } = cfg;
    const stale = Object.entries(wanted).some(([k, v]) => JSON.stringify(current[k]) !== JSON.stringify(v));
    if (stale) await jsm.streams.update(name, wanted);
  }
}

export interface ConsumerOptions {
  /** How long a delivered, unacknowledged message waits before it is redelivered (a crashed worker); default 30 s. */
  ackWaitMs?: number;
  /** Most messages delivered and not yet acknowledged, over all workers; default 1000. */
  maxAckPending?: number;
}

/**
 * Creates the shared durable pull consumer, or updates its ack wait. It redelivers forever (max_deliver -1): the
 * worker decides when a message is poison and moves it to the dead-letter stream, so nothing is silently stranded.
 */
export async function ensureConsumer(jsm: JetStreamManager, o: ConsumerOptions = {}): Promise<void> {
  const cfg = {
    durable_name: INGEST_CONSUMER,
    description: 'Bulwark workers: one delivery per message, acked after the store committed',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: (o.ackWaitMs ?? 30_000) * NANOS_PER_MS,
    max_deliver: -1,
    max_ack_pending: o.maxAckPending ?? 1000,
  };
  try {
    const info = await jsm.consumers.info(INGEST_STREAM, INGEST_CONSUMER);
    if (info.config.ack_wait === cfg.ack_wait && info.config.max_ack_pending === cfg.max_ack_pending) return;
    await jsm.consumers.update(INGEST_STREAM, INGEST_CONSUMER, { ack_wait: cfg.ack_wait, max_ack_pending: cfg.max_ack_pending });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await jsm.consumers.add(INGEST_STREAM, cfg);
  }
}

/** A JetStream "stream not found" (10059) or "consumer not found" (10014). */
export function isNotFound(e: unknown): boolean {
  return e instanceof JetStreamApiError && (e.code === 10059 || e.code === 10014);
}
