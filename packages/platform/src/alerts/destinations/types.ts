import type { JsonSchema } from '../check.js';
import type { AlertPayload } from '../types.js';

export interface SendContext {
  /** Per attempt: connect + request + response. */
  timeoutMs: number;
  now: Date;
  /** The delivery's id (absent for a test message): receivers may use it to drop duplicates of a retried delivery. */
  deliveryId?: number;
}

/**
 * One kind of alert destination: its config schema (additionalProperties false), which config fields are secret
 * (sealed at rest when a key is configured, never returned by the API) and how to send one alert. A sender throws
 * `ExternalError` with `retryable` set for 429/5xx/timeouts/connection errors and clear for refusals a retry
 * cannot fix (bad token, 4xx, a vendor error code): those go to the dead letters at once.
 */
export interface DestinationKind<C = Record<string, unknown>> {
  /** Folder name: 'webhook', 'slack', 'dingtalk', 'wecom', 'feishu', 'email', 'syslog', 'cef'. */
  readonly kind: string;
  readonly configSchema: JsonSchema;
  /** Config fields holding secrets: 'secret', 'password'; 'url' for chat robots whose URL is the credential. */
  readonly secretFields: readonly string[];
  /** Checks beyond the schema (URL scheme); throws InputError naming `config.<field>`. */
  check?(config: C): void;
  /** The config as API reads show it: secrets replaced by MASK, secret-bearing URLs cut to their origin. */
  mask(config: C): Record<string, unknown>;
  send(config: C, alert: AlertPayload, ctx: SendContext): Promise<void>;
}

/** What API reads show instead of a secret. */
export const MASK = '********';

/** Declares a kind with its config type checked against the schema's use in `send`. */
export function defineDestination<C>(d: DestinationKind<C>): DestinationKind<C> {
  return d;
}
