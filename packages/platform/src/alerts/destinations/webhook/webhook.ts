import { createHmac, timingSafeEqual } from 'node:crypto';
import { checkHttpUrl, httpUrlSchema, maskUrlQuery, postBody } from '../http.js';
import { defineDestination, MASK } from '../types.js';

export interface WebhookConfig {
  url: string;
  /** HMAC key shared with the receiver (at least 16 characters). */
  secret: string;
}

export const SIGNATURE_HEADER = 'x-bulwark-signature';
export const TIMESTAMP_HEADER = 'x-bulwark-timestamp';

/** `sha256=` + hex HMAC-SHA256 over `${timestamp}.${body}` (the timestamp is signed too, so a replay is detectable). */
export function signWebhook(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * For receivers written in TypeScript: true when the signature matches and the timestamp is within
 * `toleranceSeconds` of `now` (default 5 minutes). Compare in constant time; reject anything else.
 */
export function verifyWebhook(secret: string, timestamp: string | undefined, signature: string | undefined, body: string, now = Date.now(), toleranceSeconds = 300): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const want = Buffer.from(signWebhook(secret, timestamp, body));
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Generic JSON webhook: the alert as JSON, signed with HMAC-SHA256 (Stripe/GitHub style headers). */
export const webhook = defineDestination<WebhookConfig>({
  kind: 'webhook',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['url', 'secret'],
    properties: {
      url: httpUrlSchema,
      secret: { type: 'string', minLength: 16, maxLength: 512, description: 'HMAC-SHA256 key shared with the receiver' },
    },
  },
  secretFields: ['secret'],
  check(c) {
    checkHttpUrl(c.url, 'alert destination');
  },
  mask(c) {
    return { url: maskUrlQuery(c.url), secret: MASK };
  },
  async send(c, alert, ctx) {
    const body = JSON.stringify({ event: alert.kind, deliveryId: ctx.deliveryId ?? null, alert });
    const ts = Math.floor(ctx.now.getTime() / 1000);
    const headers: Record<string, string> = {
      [TIMESTAMP_HEADER]: String(ts),
      [SIGNATURE_HEADER]: signWebhook(c.secret, ts, body),
      'x-bulwark-event': alert.kind,
    };
    if (ctx.deliveryId !== undefined) headers['x-bulwark-delivery'] = String(ctx.deliveryId);
    await postBody(c.url, body, headers, ctx, 'webhook');
  },
});
