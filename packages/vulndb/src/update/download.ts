import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ExternalError } from '@bulwark/core';

export interface DownloadOptions {
  fetch: typeof fetch;
  /** Attempts per URL for 429, 5xx and network errors. */
  retries: number;
  /** First back-off delay; doubles each retry (Retry-After wins when the server sends one, capped at 60 s). */
  retryDelayMs: number;
  /** Whole-request timeout. */
  timeoutMs: number;
  /** Largest body accepted. */
  maxBytes: number;
}

export interface CacheEntry {
  etag?: string;
  lastModified?: string;
}

export type DownloadResult =
  | { url: string; local: string; status: 'downloaded'; bytes: number }
  | { url: string; local: string; status: 'not-modified' }
  | { url: string; local: string; status: 'failed'; error: ExternalError; notFound: boolean };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function retryAfterMs(h: string | null): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.min(s * 1000, 60_000);
  const t = Date.parse(h);
  return Number.isNaN(t) ? undefined : Math.min(Math.max(0, t - Date.now()), 60_000);
}

/**
 * GETs `url` into `path` (through `path.part`, renamed when complete) with a conditional request when a
 * cached copy exists; retries 429/5xx/network failures with exponential back-off.
 */
export async function download(url: string, path: string, cached: CacheEntry | undefined, opts: DownloadOptions): Promise<{ result: DownloadResult; cache?: CacheEntry }> {
  const haveCopy = await stat(path).then((s) => s.isFile(), () => false);
  const headers: Record<string, string> = { 'user-agent': 'bulwark-vulndb-update' };
  if (haveCopy && cached?.etag) headers['if-none-match'] = cached.etag;
  if (haveCopy && cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
  let last: ExternalError | undefined;
  for (let attempt = 0; attempt < opts.retries; attempt++) {
    if (attempt > 0) await sleep(opts.retryDelayMs * 2 ** (attempt - 1));
    let res: Response;
    try {
      res = await opts.fetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs), redirect: 'follow' });
    } catch (e) {
      last = new ExternalError({ source: url, message: `request failed: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ''}`, retryable: true, cause: e });
      continue;
    }
    if (res.status === 304 && haveCopy) {
      await res.body?.cancel();
      return { result: { url, local: path, status: 'not-modified' }, cache: cached };
    }
    if (res.status === 429 || res.status >= 500) {
      await res.body?.cancel();
      last = new ExternalError({ source: url, message: `HTTP ${res.status}`, retryable: true });
      const wait = retryAfterMs(res.headers.get('retry-after'));
      if (wait !== undefined && attempt + 1 < opts.retries) await sleep(wait);
      continue;
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      return { result: { url, local: path, status: 'failed', error: new ExternalError({ source: url, message: `HTTP ${res.status}`, retryable: false }), notFound: res.status === 404 } };
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      await res.body.cancel();
      return { result: { url, local: path, status: 'failed', error: new ExternalError({ source: url, message: `body of ${declared} bytes exceeds the ${opts.maxBytes}-byte limit` }), notFound: false } };
    }
    await mkdir(dirname(path), { recursive: true });
    const part = `${path}.part`;
    let bytes = 0;
    try {
      const body = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
      body.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes > opts.maxBytes) body.destroy(new Error(`body exceeds the ${opts.maxBytes}-byte limit`));
      });
      await pipeline(body, createWriteStream(part));
    } catch (e) {
      await rm(part, { force: true });
      const tooBig = bytes > opts.maxBytes;
      last = new ExternalError({ source: url, message: `download failed: ${(e as Error).message}`, retryable: !tooBig, cause: e });
      if (tooBig) break;
      continue;
    }
    await rename(part, path);
    const entry: CacheEntry = {};
    const etag = res.headers.get('etag');
    if (etag) entry.etag = etag;
    const lm = res.headers.get('last-modified');
    if (lm) entry.lastModified = lm;
    return { result: { url, local: path, status: 'downloaded', bytes }, cache: entry };
  }
  return { result: { url, local: path, status: 'failed', error: last ?? new ExternalError({ source: url, message: 'no attempt made' }), notFound: false } };
}

export async function loadCache(file: string): Promise<Record<string, CacheEntry>> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return v !== null && typeof v === 'object' ? (v as Record<string, CacheEntry>) : {};
  } catch {
    return {};
  }
}

export async function saveCache(file: string, cache: Record<string, CacheEntry>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(cache, null, 2));
  await rename(`${file}.tmp`, file);
}

