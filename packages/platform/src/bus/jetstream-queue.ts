import { createLogger, ExternalError, type Logger } from '@bulwark/core';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import type { IngestQueue } from '../server/context.js';
import { normalizeIngest } from '../storage/validate.js';
import { DEFAULT_STORE_LIMITS, type FindingInput, type ScanInput, type StoreLimits, type TenantId } from '../storage/types.js';
import { connectForever, ensureStreams, INGEST_SUBJECT, parseNatsUrl, redactNats, type StreamOptions } from './nats.js';
import { partBudget, partHeaders, partMessageId, splitScan } from './parts.js';

export interface JetStreamQueueOptions extends StreamOptions {
  /** `nats://host:4222` (several comma-separated for a cluster). */
  url: string;
  /** Cap on a part's body; default what the server's max_payload allows. Tests set it low to force many parts. */
  maxPartBytes?: number;
  /** How long to wait for each part's JetStream ack; default 5 s. */
  publishTimeoutMs?: number;
  /** The store's limits, checked before publishing so a bad upload gets its 400/413 now, not a dead letter later. */
  limits?: Partial<StoreLimits>;
  log?: Logger;
  /** Client name shown by the NATS server. */
  name?: string;
}

const SOURCE = 'nats';
/** Parts of one upload in flight at once. */
const PUBLISH_WINDOW = 8;

/**
 * Uploads go to a durable JetStream stream instead of the store; `bulwark worker` processes store them. `submit`
 * answers only after JetStream acknowledged every part (it is on disk), so a 202 is never lost. Each part carries a
 * `Nats-Msg-Id` derived from the upload's content, so a client's retry of the same upload is dropped by the server
 * within the duplicate window (and ingested as a no-op after it). While NATS is unreachable `submit` throws a
 * retryable ExternalError: the server answers 5xx and the client retries.
 */
export class JetStreamIngestQueue implements IngestQueue {
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private connected = false;
  private streamsReady: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly connecting: Promise<void>;
  private readonly limits: StoreLimits;
  private readonly log: Logger;
  private readonly servers: string[];

  private constructor(private readonly opts: JetStreamQueueOptions) {
    this.servers = parseNatsUrl(opts.url);
    this.limits = { ...DEFAULT_STORE_LIMITS, ...(opts.limits ?? {}) };
    this.log = opts.log ?? createLogger({ fields: { component: 'bus' } });
    this.connecting = this.connect();
  }

  /**
   * Starts connecting in the background and returns at once: a server whose NATS is down still starts and serves
   * reads; uploads get 5xx until NATS is reachable. A bad URL is a ConfigError.
   */
  static open(opts: JetStreamQueueOptions): JetStreamIngestQueue {
    return new JetStreamIngestQueue(opts);
  }

  /** Resolves once connected (or closed); for tests and for a CLI that wants to say so. */
  async ready(): Promise<boolean> {
    await this.connecting;
    return this.connected;
  }

  private async connect(): Promise<void> {
    const nc = await connectForever(this.servers, { name: this.opts.name ?? 'bulwark-server', log: this.log, signal: this.abort.signal });
    if (!nc) return;
    if (this.abort.signal.aborted) {
      await nc.close();
      return;
    }
    this.nc = nc;
    this.js = jetstream(nc);
    this.connected = true;
    this.log.info('nats connected', { servers: this.servers.map(redactNats) });
    void this.watch(nc);
    // Stream creation is retried by the first upload if this fails (JetStream still starting, say).
    await this.ensureStreams().catch(() => undefined);
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        this.connected = false;
        this.log.warn('nats disconnected; uploads answer 503 until it is back');
      } else if (s.type === 'reconnect') {
        this.connected = true;
        // A NATS restarted with empty storage has lost the stream; create it again.
        this.streamsReady = undefined;
        this.log.info('nats reconnected');
      }
    }
  }

  private ensureStreams(): Promise<void> {
    if (!this.streamsReady) {
      const nc = this.nc!;
      this.streamsReady = (async () => ensureStreams(await jetstreamManager(nc), this.opts))().catch((e: unknown) => {
        this.streamsReady = undefined;
        throw e;
      });
    }
    return this.streamsReady;
  }

  async submit(tenant: TenantId, scan: ScanInput, findings: FindingInput[]): Promise<{ queued: true; scanId: string }> {
    // Throws InputError/LimitError (400/413) exactly as the store would.
    normalizeIngest(scan, findings, this.limits);
    const nc = this.nc;
    const js = this.js;
    if (!nc || !js || !this.connected || nc.isClosed()) {
      throw new ExternalError({ source: SOURCE, message: 'message bus not connected; retry later', retryable: true });
    }
    try {
      await this.ensureStreams();
      const maxPayload = nc.info?.max_payload ?? 1024 * 1024;
      const budget = Math.min(partBudget(maxPayload, scan.id), this.opts.maxPartBytes ?? Number.MAX_SAFE_INTEGER);
      if (budget < 1024) throw new Error(`NATS max_payload ${maxPayload} leaves no room for a part`);
      const parts = await splitScan(tenant, scan, findings, budget);
      const subject = `${INGEST_SUBJECT}.${tenant}`;
      for (let i = 0; i < parts.length; i += PUBLISH_WINDOW) {
        await Promise.all(
          parts.slice(i, i + PUBLISH_WINDOW).map(async (p) => {
            const h = headers();
            for (const [k, v] of Object.entries(partHeaders(p))) h.set(k, v);
            await js.publish(subject, p.data, { msgID: partMessageId(p), headers: h, timeout: this.opts.publishTimeoutMs ?? 5000 });
          }),
        );
      }
      return { queued: true, scanId: scan.id };
    } catch (e) {
      throw new ExternalError({ source: SOURCE, message: `publish failed; retry later: ${(e as Error).message}`, retryable: true, cause: e });
    }
  }

  /** Waits for pending publishes and closes the connection (or stops connecting). */
  async close(): Promise<void> {
    this.abort.abort();
    await this.connecting;
    const nc = this.nc;
    this.nc = undefined;
    this.connected = false;
    if (nc && !nc.isClosed()) await nc.drain().catch(() => nc.close());
  }
}
