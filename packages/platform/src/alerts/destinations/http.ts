// HTTP POST for the webhook-style destinations: a timeout per attempt, redirects refused (a 3xx must not send the
// alert, or the server's reach, somewhere the admin did not configure), the reply read up to a limit, and failures
// sorted into retryable (network, timeout, 408/425/429/5xx) and final (other statuses).
import { ExternalError, InputError } from '@bulwark/core';
import type { JsonSchema } from '../check.js';
import { MASK, type SendContext } from './types.js';

const MAX_REPLY_BYTES = 64 * 1024;

export interface HttpReply {
  status: number;
  body: string;
}

/** The destination's host, for messages: paths and queries of chat robot URLs carry their tokens. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(bad url)';
  }
}

async function readLimited(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_REPLY_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, MAX_REPLY_BYTES).toString('utf8');
}

function networkMessage(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}

/** Whether an HTTP status is worth retrying. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** POSTs `body`; resolves with any 2xx reply, throws ExternalError otherwise. */
export async function postBody(url: string, body: string, headers: Record<string, string>, ctx: SendContext, kind: string): Promise<HttpReply> {
  const source = `${kind} ${hostOf(url)}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Bulwark-Alerts/1', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(ctx.timeoutMs),
    });
  } catch (e) {
    throw new ExternalError({ source, message: `request failed: ${networkMessage(e)}`, retryable: true, cause: e });
  }
  let text: string;
  try {
    text = await readLimited(res);
  } catch (e) {
    throw new ExternalError({ source, message: `reading the reply failed: ${networkMessage(e)}`, retryable: true, cause: e });
  }
  if (res.status >= 300 && res.status < 400) {
    throw new ExternalError({ source, message: `HTTP ${res.status}: redirects are not followed (configure the final URL)`, retryable: false });
  }
  if (res.status < 200 || res.status >= 300) {
    throw new ExternalError({ source, message: `HTTP ${res.status}: ${text.slice(0, 200)}`, retryable: retryableStatus(res.status) });
  }
  return { status: res.status, body: text };
}

/** Parses a vendor's JSON reply; a 2xx that is not JSON is a final error (wrong URL). */
export function jsonReply(reply: HttpReply, kind: string, url: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(reply.body);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ExternalError({ source: `${kind} ${hostOf(url)}`, message: `reply is not a JSON object: ${reply.body.slice(0, 200)}`, retryable: false });
}

/** An http(s) URL (config.url); the server reaches whatever URL the admin configures. */
export const httpUrlSchema: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 2048,
  pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$',
  description: 'an http:// or https:// URL',
};

/** Throws InputError unless `url` parses as http(s) with a host and no credentials. */
export function checkHttpUrl(url: string, file: string, field = 'config.url'): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError({ file, field, expected: 'an http:// or https:// URL' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InputError({ file, field, expected: 'an http:// or https:// URL' });
  if (!u.hostname) throw new InputError({ file, field, expected: 'a URL with a host' });
  if (u.username || u.password) throw new InputError({ file, field, expected: 'a URL without user:password (use the secret field)' });
}

/** Origin only: for chat robot URLs, whose path or query is the credential. */
export function maskUrlToOrigin(url: string): string {
  try {
    return `${new URL(url).origin}/********`;
  } catch {
    return '********';
  }
}

/** Origin and path with every query value masked: for generic webhooks, whose query may carry a token. */
export function maskUrlQuery(url: string): string {
  try {
    const u = new URL(url);
    for (const k of [...new Set(u.searchParams.keys())]) u.searchParams.set(k, '********');
    return u.toString();
  } catch {
    return '********';
  }
}

/**
 * The config half of a chat robot webhook (Slack, DingTalk, WeCom, Feishu): a URL that is itself the credential,
 * plus a signing secret for the robots that sign (DingTalk 加签, Feishu 签名校验).
 */
export function robotWebhookConfig(signed: boolean) {
  const properties: Record<string, JsonSchema> = { url: httpUrlSchema };
  if (signed) properties.secret = { type: 'string', minLength: 1, maxLength: 512 };
  return {
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties,
    },
    secretFields: signed ? ['url', 'secret'] : ['url'],
    check(c: { url: string }): void {
      checkHttpUrl(c.url, 'alert destination');
    },
    mask(c: { url: string; secret?: string }): Record<string, unknown> {
      return c.secret === undefined ? { url: maskUrlToOrigin(c.url) } : { url: maskUrlToOrigin(c.url), secret: MASK };
    },
  };
}
