import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ExternalError, describeError } from '@bulwark/core';
import type { ImageReference } from './reference.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  credentials?: Credentials;
  /** Docker config with `auths` (default $DOCKER_CONFIG/config.json, else ~/.docker/config.json). */
  dockerConfig?: string;
  /** Plain http for hosts other than localhost / 127.0.0.1 / [::1]. */
  insecure?: boolean;
  /** Time to response headers, and longest pause between body chunks (default 30 s). */
  timeoutMs?: number;
  /** Retries on 429, 5xx and network errors (default 3). */
  retries?: number;
  /** First retry delay, doubled each time (default 500 ms); Retry-After wins when given. */
  retryDelayMs?: number;
}

/** Finds credentials for a registry host in a Docker config file's `auths` (inline `auth` or username/password). */
export function dockerConfigCredentials(host: string, configPath?: string): Credentials | undefined {
  const path = configPath ?? join(process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  const auths = (doc as { auths?: Record<string, { auth?: string; username?: string; password?: string }> })?.auths;
  if (!auths || typeof auths !== 'object') return undefined;
  const names = host === 'docker.io' ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'] : [host, `https://${host}`, `http://${host}`, `https://${host}/v1/`, `https://${host}/v2/`];
  for (const n of names) {
    const e = auths[n];
    if (!e || typeof e !== 'object') continue;
    if (typeof e.auth === 'string' && e.auth.length > 0) {
      const text = Buffer.from(e.auth, 'base64').toString('utf8');
      const i = text.indexOf(':');
      if (i > 0) return { username: text.slice(0, i), password: text.slice(i + 1) };
    }
    if (typeof e.username === 'string' && typeof e.password === 'string') return { username: e.username, password: e.password };
  }
  return undefined;
}

function isLocal(host: string): boolean {
  const name = host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '127.0.0.1' || name === '[::1]';
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="https://auth",service="registry",scope="repository:x:pull"`. */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let p = re.exec(m[2]); p; p = re.exec(m[2])) params[p[1].toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: m[1].toLowerCase(), params };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Minimal OCI distribution client: GET with retries, timeouts and auth (anonymous, Basic, Bearer token
 * from the WWW-Authenticate challenge, scoped to the repository for pull).
 */
export class RegistryClient {
  readonly base: string;
  private readonly host: string;
  private readonly opts: RegistryClientOptions;
  private readonly creds: Credentials | undefined;
  private authorization: string | undefined;

  constructor(readonly ref: ImageReference, opts: RegistryClientOptions = {}) {
    this.opts = opts;
    this.host = ref.registry === 'docker.io' ? 'registry-1.docker.io' : ref.registry;
    const scheme = isLocal(this.host) || opts.insecure ? 'http' : 'https';
    this.base = `${scheme}://${this.host}/v2/${ref.repository}`;
    this.creds = opts.credentials ?? dockerConfigCredentials(ref.registry, opts.dockerConfig);
  }

  private fail(message: string, retryable = false, cause?: unknown): ExternalError {
    return new ExternalError({ source: `registry ${this.host}`, message, retryable, cause });
  }

  /** GET a path under /v2/<repo>/ and return the response with an OK status; throws ExternalError. */
  async get(path: string, accept?: string): Promise<Response> {
    const retries = this.opts.retries ?? 3;
    let delay = this.opts.retryDelayMs ?? 500;
    let authTried = false;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), this.opts.timeoutMs ?? 30_000);
      try {
        const headers: Record<string, string> = {};
        if (accept) headers.accept = accept;
        if (this.authorization) headers.authorization = this.authorization;
        res = await fetch(`${this.base}/${path}`, { headers, signal: ac.signal, redirect: 'follow' });
      } catch (e) {
        clearTimeout(timer);
        const msg = ac.signal.aborted ? `no response within ${this.opts.timeoutMs ?? 30_000} ms` : `cannot reach ${this.host}: ${describeError((e as Error).cause ?? e)}`;
        if (attempt < retries) {
          await sleep(delay);
          delay *= 2;
          continue;
        }
        throw this.fail(msg, true, e);
      }
      clearTimeout(timer);
      if (res.ok) return res;
      if (res.status === 401 && !authTried) {
        authTried = true;
        await res.body?.cancel();
        await this.authenticate(res.headers.get('www-authenticate'));
        attempt--;
        continue;
      }
      if ((res.status === 429 || res.status >= 500) && attempt < retries) {
        await res.body?.cancel();
        const after = Number(res.headers.get('retry-after'));
        await sleep(Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 10_000) : delay);
        delay *= 2;
        continue;
      }
      const text = (await res.text().catch(() => '')).slice(0, 300).trim();
      if (res.status === 401 || res.status === 403) throw this.fail(`access denied to ${this.ref.repository} (HTTP ${res.status})${this.creds ? '' : '; no credentials given'}${text ? `: ${text}` : ''}`);
      if (res.status === 404) throw this.fail(`${this.ref.repository}/${path}: not found (HTTP 404)`);
      throw this.fail(`GET ${path}: HTTP ${res.status}${text ? `: ${text}` : ''}`, res.status === 429 || res.status >= 500);
    }
  }

  private async authenticate(header: string | null): Promise<void> {
    const ch = header ? parseChallenge(header) : undefined;
    if (!ch) throw this.fail('authentication required but the registry sent no usable WWW-Authenticate challenge');
    if (ch.scheme === 'basic') {
      if (!this.creds) throw this.fail(`access denied to ${this.ref.repository}: the registry wants Basic credentials; none given`);
      this.authorization = 'Basic ' + Buffer.from(`${this.creds.username}:${this.creds.password}`).toString('base64');
      return;
    }
    if (ch.scheme !== 'bearer' || !ch.params.realm) throw this.fail(`unsupported authentication scheme ${JSON.stringify(header)}`);
    const url = new URL(ch.params.realm);
    if (ch.params.service) url.searchParams.set('service', ch.params.service);
    url.searchParams.set('scope', ch.params.scope ?? `repository:${this.ref.repository}:pull`);
    const headers: Record<string, string> = {};
    if (this.creds) headers.authorization = 'Basic ' + Buffer.from(`${this.creds.username}:${this.creds.password}`).toString('base64');
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000) });
    } catch (e) {
      throw this.fail(`token endpoint ${url.host} unreachable: ${describeError((e as Error).cause ?? e)}`, true, e);
    }
    if (!res.ok) throw this.fail(`token endpoint ${url.origin}${url.pathname} refused (HTTP ${res.status})`, res.status === 429 || res.status >= 500);
    const body = (await res.json().catch(() => undefined)) as { token?: unknown; access_token?: unknown } | undefined;
    const token = typeof body?.token === 'string' ? body.token : typeof body?.access_token === 'string' ? body.access_token : undefined;
    if (!token) throw this.fail(`token endpoint ${url.origin}${url.pathname} answered without a token`);
    this.authorization = `Bearer ${token}`;
  }

  /** Reads a whole small body (manifest, config), refusing more than `max` bytes. */
  async readSmall(res: Response, max: number): Promise<Buffer> {
    const len = Number(res.headers.get('content-length'));
    if (Number.isFinite(len) && len > max) {
      await res.body?.cancel();
      throw this.fail(`document of ${len} bytes is over the ${max}-byte limit`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const c of res.body ?? []) {
        total += c.length;
        if (total > max) throw this.fail(`document is over the ${max}-byte limit`);
        chunks.push(Buffer.from(c));
      }
    } catch (e) {
      if (e instanceof ExternalError) throw e;
      throw this.fail(`reading response: ${describeError(e)}`, true, e);
    }
    return Buffer.concat(chunks);
  }

  /** Streams a blob, verifying its digest at the end (ExternalError on mismatch), with an idle timeout per chunk. */
  blobStream(digest: string): AsyncIterable<Uint8Array> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const client = this;
    return {
      async *[Symbol.asyncIterator]() {
        const res = await client.get(`blobs/${digest}`);
        const alg = digest.slice(0, digest.indexOf(':'));
        const hash = createHash(alg === 'sha512' ? 'sha512' : 'sha256');
        const reader = res.body!.getReader();
        const idle = client.opts.timeoutMs ?? 30_000;
        try {
          while (true) {
            let timer: NodeJS.Timeout | undefined;
            const next = await Promise.race([
              reader.read(),
              new Promise<never>((_, reject) => {
                timer = setTimeout(() => reject(client.fail(`blob ${digest}: no data for ${idle} ms`, true)), idle);
              }),
            ]).catch((e: unknown) => {
              throw e instanceof ExternalError ? e : client.fail(`blob ${digest}: ${describeError(e)}`, true, e);
            }).finally(() => clearTimeout(timer));
            if (next.done) break;
            hash.update(next.value);
            yield next.value;
          }
        } finally {
          reader.releaseLock();
          await res.body?.cancel().catch(() => undefined);
        }
        const got = `${alg}:${hash.digest('hex')}`;
        if (got !== digest) throw client.fail(`blob digest mismatch: expected ${digest}, got ${got}`);
      },
    };
  }
}
