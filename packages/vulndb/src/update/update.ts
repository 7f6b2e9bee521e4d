import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger, ExternalError, type Logger } from '@bulwark/core';
import { importMirror, type ImportProgress, type ImportSummary } from '../store/import.js';
import { download, loadCache, saveCache, type DownloadResult } from './download.js';
import { defaultUpstreams, type Upstream } from './upstreams.js';

export interface UpdateOptions {
  /** Base URL per source id, replacing the real upstream (mirrors, tests). */
  baseUrls?: Partial<Record<string, string>>;
  /**
   * Base URL of an HTTP mirror laid out like a local mirror directory (what `bulwark db import` reads): every file
   * is fetched from `<mirror>/<mirror path>` instead of its upstream. Files the mirror lacks (404) are skipped.
   */
  mirror?: string;
  /** Downloads go to <cacheDir>/mirror, laid out like shared/vulndb; HTTP validators to <cacheDir>/http-cache.json. */
  cacheDir: string;
  fetch?: typeof fetch;
  logger?: Logger;
  onProgress?: (e: ImportProgress | { source: string; phase: 'download'; url: string }) => void;
  /** Only these source ids. */
  sources?: string[];
  osvEcosystems?: string[];
  alpineReleases?: string[];
  retries?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
  maxBytes?: number;
}

export interface UpdateSummary extends ImportSummary {
  downloads: { source: string; url: string; status: DownloadResult['status']; error?: string }[];
}

/**
 * Downloads every feed from its upstream into a mirror directory (conditional requests, retries with
 * back-off on 429/5xx, timeouts, size limits), then imports it with importMirror. A feed that cannot be
 * reached keeps its previous copy; when no feed can be reached at all this fails with an ExternalError
 * listing the URLs.
 */
export async function updateFromUpstream(dbPath: string, opts: UpdateOptions): Promise<UpdateSummary> {
  const logger = opts.logger ?? createLogger();
  const mirror = join(opts.cacheDir, 'mirror');
  const cacheFile = join(opts.cacheDir, 'http-cache.json');
  const cache = await loadCache(cacheFile);
  const dl = {
    fetch: opts.fetch ?? globalThis.fetch,
    retries: opts.retries ?? 3,
    retryDelayMs: opts.retryDelayMs ?? 1000,
    timeoutMs: opts.timeoutMs ?? 300_000,
    maxBytes: opts.maxBytes ?? 4 * 1024 ** 3,
  };
  const upstreams: Upstream[] = defaultUpstreams(opts).filter((u) => !opts.sources || opts.sources.includes(u.id));
  const downloads: UpdateSummary['downloads'] = [];
  const failures: string[] = [];
  const usable: string[] = [];
  for (const u of upstreams) {
    const base = (opts.baseUrls?.[u.id] ?? u.baseUrl).replace(/\/+$/, '');
    const mirrorBase = opts.mirror?.replace(/\/+$/, '');
    let got = 0;
    for (const f of u.files) {
      const url = mirrorBase ? `${mirrorBase}/${f.local.split('/').map(encodeURIComponent).join('/')}` : `${base}/${f.remote}`;
      opts.onProgress?.({ source: u.id, phase: 'download', url });
      const { result, cache: entry } = await download(url, join(mirror, f.local), cache[url], dl);
      if (entry) cache[url] = entry;
      downloads.push({ source: u.id, url, status: result.status, ...(result.status === 'failed' ? { error: result.error.message } : {}) });
      if (result.status === 'failed') {
        // A 404 for one of several files (an Alpine release or OSV ecosystem upstream lacks) is not an outage.
        if (!(result.notFound && u.files.length > 1)) failures.push(`${url}: ${result.error.message.replace(`${url}: `, '')}`);
        logger.warn('download failed', { source: u.id, url, error: result.error.message });
      } else {
        got++;
      }
    }
    const haveAny = got > 0 || (await Promise.all(u.files.map((f) => stat(join(mirror, f.local)).then(() => true, () => false)))).some(Boolean);
    if (haveAny) usable.push(u.id);
  }
  await saveCache(cacheFile, cache);
  if (usable.length === 0) {
    throw new ExternalError({
      source: 'vulndb update',
      message: `no vulnerability feed could be downloaded:\n  ${failures.join('\n  ')}\nA local mirror can be imported with \`bulwark db import <dir>\`.`,
      retryable: true,
    });
  }
  const summary = await importMirror(mirror, dbPath, { sources: usable, logger, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  return { ...summary, downloads };
}
