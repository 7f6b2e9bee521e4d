// Sends queued deliveries: claims due ones (safe with several processes on one PostgreSQL), sends through the
// destination's kind, retries with exponential back-off and jitter, and moves a delivery to the dead letters
// after maxAttempts (or at once when the destination refused it for good).
import { randomUUID } from 'node:crypto';
import { ExternalError } from '@bulwark/core';
import type { Store } from '../storage/types.js';
import { destinationKind } from './destinations/registry.js';
import type { DestinationKind } from './destinations/types.js';
import { AlertRepository, DELIVERY_COLS } from './repository.js';
import type { Delivery } from './types.js';

export interface DispatcherOptions {
  /** Opens sealed destination secrets (the key the API stored them with); default BULWARK_ALERT_SECRET_KEY. */
  secretKey?: string;
  /** Poll interval of `start()`, ms; default 2000. */
  intervalMs?: number;
  /** Deliveries claimed per round; default 20. */
  batchSize?: number;
  /** Attempts before a delivery becomes a dead letter; default 8. */
  maxAttempts?: number;
  /** Back-off before the second attempt, ms; doubles each attempt. Default 30 s. */
  baseDelayMs?: number;
  /** Longest back-off, ms; default 1 h. */
  maxDelayMs?: number;
  /** A claimed delivery whose process died is claimed again after this long, ms; default 5 min (> timeoutMs). */
  leaseMs?: number;
  /** Per-attempt timeout, ms; default 10 s. */
  timeoutMs?: number;
  /** [0, 1) source for jitter; default Math.random (tests pass seededRandom). */
  random?: () => number;
  /** Kinds by name; default the registry (tests may swap one). */
  kinds?: (kind: string) => DestinationKind | undefined;
  /** Errors of a whole round (database down); deliveries' own failures are recorded on them. */
  onError?: (err: unknown) => void;
}

export interface RoundResult {
  claimed: number;
  sent: number;
  /** Failed and scheduled for another attempt. */
  retried: number;
  /** Moved to the dead letters. */
  dead: number;
}

/**
 * Back-off before attempt `attempt + 1` after `attempt` failures: base·2^(attempt−1), capped at max, with "equal
 * jitter" (half fixed, half random) so deliveries that failed together do not retry together.
 */
export function backoffMs(attempt: number, base: number, max: number, random: () => number): number {
  const d = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(d / 2 + random() * (d / 2));
}

const MAX_ERROR_LENGTH = 1000;

export class AlertDispatcher {
  private readonly repo: AlertRepository;
  private readonly o: Required<Omit<DispatcherOptions, 'secretKey' | 'onError'>> & Pick<DispatcherOptions, 'onError'>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    private readonly store: Store,
    opts: DispatcherOptions = {},
  ) {
    this.repo = new AlertRepository(store, { secretKey: opts.secretKey ?? (process.env.BULWARK_ALERT_SECRET_KEY || undefined) });
    this.o = {
      intervalMs: opts.intervalMs ?? 2000,
      batchSize: opts.batchSize ?? 20,
      maxAttempts: opts.maxAttempts ?? 8,
      baseDelayMs: opts.baseDelayMs ?? 30_000,
      maxDelayMs: opts.maxDelayMs ?? 3_600_000,
      leaseMs: opts.leaseMs ?? 300_000,
      timeoutMs: opts.timeoutMs ?? 10_000,
      random: opts.random ?? Math.random,
      kinds: opts.kinds ?? destinationKind,
      onError: opts.onError,
    };
  }

  /** Polls every intervalMs until stop(); rounds never overlap. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = () => {
      this.running = this.runOnce(new Date())
        .catch((e) => this.o.onError?.(e))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(tick, this.o.intervalMs);
        });
    };
    tick();
  }

  /** Stops polling and waits for the round in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round: claims up to batchSize due deliveries (all tenants) and attempts each once. */
  async runOnce(now: Date = new Date()): Promise<RoundResult> {
    const out: RoundResult = { claimed: 0, sent: 0, retried: 0, dead: 0 };
    const nowIso = now.toISOString();
    const due = await this.store.sql.all<{ id: number }>(
      "SELECT id FROM alert_deliveries WHERE status IN ('pending', 'failed') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
      [nowIso, this.o.batchSize],
    );
    for (const { id } of due) {
      const claim = await this.claim(Number(id), now);
      if (!claim) continue;
      out.claimed++;
      const r = await this.attempt(claim.delivery, claim.tenant, claim.token, now);
      out[r]++;
    }
    return out;
  }

  /**
   * Claims by moving next_attempt_at past the lease under a guard on status and due time: of two processes only
   * one UPDATE matches (PostgreSQL re-checks the WHERE after the row lock; SQLite serializes writers).
   */
  private async claim(id: number, now: Date): Promise<{ delivery: Delivery; tenant: number; token: string } | undefined> {
    const token = randomUUID();
    const nowIso = now.toISOString();
    const lease = new Date(now.getTime() + this.o.leaseMs).toISOString();
    const rows = await this.store.sql.all(
      `UPDATE alert_deliveries SET next_attempt_at = ?, attempts = attempts + 1, claim_token = ?
        WHERE id = ? AND status IN ('pending', 'failed') AND next_attempt_at <= ?
        RETURNING tenant_id, ${DELIVERY_COLS}`,
      [lease, token, id, nowIso],
    );
    if (rows.length === 0) return undefined;
    return { delivery: this.repo.toDelivery(rows[0]), tenant: Number(rows[0].tenant_id), token };
  }

  private async attempt(d: Delivery, tenant: number, token: string, now: Date): Promise<'sent' | 'retried' | 'dead'> {
    let error: string;
    let retryable: boolean;
    try {
      const dest = await this.repo.getDestination(tenant, d.destinationId);
      const kind = dest && this.o.kinds(dest.kind);
      if (!dest || !kind) throw new ExternalError({ source: `destination ${d.destinationId}`, message: 'destination or its kind no longer exists', retryable: false });
      await kind.send(dest.config as never, d.payload, { timeoutMs: this.o.timeoutMs, now, deliveryId: d.id });
      await this.store.sql.run("UPDATE alert_deliveries SET status = 'sent', sent_at = ?, next_attempt_at = NULL, last_error = NULL WHERE id = ? AND claim_token = ?", [now.toISOString(), d.id, token]);
      return 'sent';
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).slice(0, MAX_ERROR_LENGTH);
      retryable = e instanceof ExternalError ? e.retryable : true;
    }
    if (retryable && d.attempts < this.o.maxAttempts) {
      const next = new Date(now.getTime() + backoffMs(d.attempts, this.o.baseDelayMs, this.o.maxDelayMs, this.o.random)).toISOString();
      await this.store.sql.run("UPDATE alert_deliveries SET status = 'failed', next_attempt_at = ?, last_error = ? WHERE id = ? AND claim_token = ?", [next, error, d.id, token]);
      return 'retried';
    }
    await this.store.sql.transaction(async (tx) => {
      const n = await tx.run("UPDATE alert_deliveries SET status = 'dead', next_attempt_at = NULL, last_error = ? WHERE id = ? AND claim_token = ?", [error, d.id, token]);
      // n = 0: the lease ran out and another process owns the delivery now; it records the outcome.
      if (n === 0) return;
      await tx.run('INSERT INTO alert_dead_letters (tenant_id, delivery_id, destination_id, payload, error, attempts, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        tenant,
        d.id,
        d.destinationId,
        JSON.stringify(d.payload),
        error,
        d.attempts,
        now.toISOString(),
      ]);
    });
    return 'dead';
  }
}
