// Sends one scan to the platform: POST /api/v1/scans with the built-in fetch, retried with back-off when the network
// or the server fails (the scan id makes a retry after a lost reply harmless: the server answers "duplicate").
import { ConfigError, ExternalError, LimitError } from '@bulwark/core';
import type { UploadBody } from './types.js';

/** The server's default body limit (`DEFAULT_BODY_LIMIT` of @bulwark/platform): gzip is not accepted, so this is the JSON size. */
export const SERVER_BODY_LIMIT = 32 * 1024 * 1024;

export interface UploadOptions {
  /** Attempts after the first on network errors, timeouts, 429 and 5xx; default 3. */
  retries?: number;
  /** Largest body sent; default `SERVER_BODY_LIMIT`. */
  maxBytes?: number;
  /** Per attempt; default 120 s. */
  timeoutMs?: number;
  /** Delay before retry `attempt` (1-based); default 0.5 s doubling to 8 s, with jitter. A Retry-After header wins (≤ 60 s). */
  backoffMs?: (attempt: number) => number;
  /** Told before each retry (the CLI prints it). */
  onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

export interface UploadResult {
  /** 201 stored, 200 the scan id was already stored (nothing changed), 202 queued for workers. */
  status: number;
  scanId: string;
  queued: boolean;
  duplicate: boolean;
  counts?: { findings: number; new: number; reopened: number; fixed: number };
}

/** The scans endpoint of a server URL: "https://bulwark.example" → "https://bulwark.example/api/v1/scans". */
export function scansEndpoint(server: string): string {
  let u: URL;
  try {
    u = new URL(server);
  } catch {
    throw new ConfigError('--upload', `expected the server URL, such as https://bulwark.example.com, got "${server}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError('--upload', `expected an http:// or https:// URL, got "${server}"`);
  if (u.username || u.password) throw new ConfigError('--upload', 'the URL must not carry credentials; pass the API token with --token or BULWARK_TOKEN');
  u.search = '';
  u.hash = '';
  const path = u.pathname.replace(/\/+$/, '');
  u.pathname = path.endsWith('/api/v1/scans') ? path : `${path}/api/v1/scans`;
  return u.toString();
}

const TOKEN_RE = /^[\x21-\x7e]{16,512}$/;

export function checkToken(token: string | undefined): string {
  if (token === undefined || token === '') throw new ConfigError('--token', 'an API token is needed to upload: pass --token or set BULWARK_TOKEN');
  if (!TOKEN_RE.test(token)) throw new ConfigError('--token', 'expected 16–512 visible ASCII characters');
  return token;
}

function defaultBackoff(attempt: number): number {
  const base = Math.min(8000, 500 * 2 ** (attempt - 1));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

function retryAfterMs(h: string | null): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s) && s >= 0) return Math.min(60_000, s * 1000);
  const at = Date.parse(h);
  return Number.isNaN(at) ? undefined : Math.min(60_000, Math.max(0, at - Date.now()));
}

async function serverMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const j = JSON.parse(text) as { message?: unknown };
    if (typeof j.message === 'string') return j.message;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 500) || res.statusText || 'no message';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Uploads one scan. Network errors, timeouts, 429 and 5xx are retried `retries` times with back-off; other answers
 * fail at once with the server's message (401 bad token, 403 role, 400 the field it refused, 413 its limit). A body
 * over `maxBytes` fails before sending: a scan stays one scan, so it is never split.
 */
export async function uploadScan(server: string, token: string, body: UploadBody, opts: UploadOptions = {}): Promise<UploadResult> {
  const url = scansEndpoint(server);
  checkToken(token);
  const source = `upload to ${new URL(url).origin}`;
  const json = JSON.stringify(body);
  const bytes = Buffer.byteLength(json);
  const max = opts.maxBytes ?? SERVER_BODY_LIMIT;
  if (bytes > max) {
    throw new LimitError({
      file: 'upload',
      limit: `${max} bytes`,
      message: `the scan is ${bytes} bytes as JSON (${body.findings.length} findings, ${body.scan.assets?.length ?? 0} assets), over the server's request limit of ${max} bytes (${(max / 1048576).toFixed(0)} MiB); a scan is uploaded whole — scan a smaller target or raise the server's body limit`,
    });
  }
  const retries = opts.retries ?? 3;
  const backoff = opts.backoffMs ?? defaultBackoff;
  for (let attempt = 0; ; attempt++) {
    let reason: string;
    let wait: number | undefined;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'user-agent': 'bulwark-cli' },
        body: json,
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.timeoutMs ?? 120_000),
      });
      if (res.status === 200 || res.status === 201 || res.status === 202) {
        const r = (await res.json()) as { scanId?: string; duplicate?: boolean; queued?: boolean; counts?: UploadResult['counts'] };
        return { status: res.status, scanId: r.scanId ?? body.scan.id, queued: r.queued === true, duplicate: r.duplicate === true, ...(r.counts ? { counts: r.counts } : {}) };
      }
      if (res.status >= 300 && res.status < 400) {
        throw new ExternalError({ source, message: `the server redirected (${res.status}) to ${res.headers.get('location') ?? 'elsewhere'}; pass that URL to --upload` });
      }
      if (res.status !== 429 && res.status < 500) {
        const hint = res.status === 401 ? ' (check --token / BULWARK_TOKEN)' : res.status === 403 ? ' (the token needs the admin, analyst or developer role)' : '';
        throw new ExternalError({ source, message: `HTTP ${res.status}: ${await serverMessage(res)}${hint}` });
      }
      reason = `HTTP ${res.status}: ${await serverMessage(res)}`;
      wait = retryAfterMs(res.headers.get('retry-after'));
    } catch (e) {
      if (e instanceof ExternalError) throw e;
      const err = e as Error & { cause?: { code?: string; message?: string } };
      reason = err.name === 'TimeoutError' ? `no answer within ${(opts.timeoutMs ?? 120_000) / 1000} s` : (err.cause?.code ?? err.cause?.message ?? err.message);
    }
    if (attempt >= retries) throw new ExternalError({ source, retryable: true, message: `${reason} (gave up after ${attempt + 1} attempt${attempt === 0 ? '' : 's'})` });
    const delay = wait ?? backoff(attempt + 1);
    opts.onRetry?.(attempt + 1, reason, delay);
    await sleep(delay);
  }
}
