// API latency of list queries at a large store (default 1,000,000 findings), on SQLite and PostgreSQL, measured
// over HTTP against a listening server in this run. Run alone:
// `node --import tsx packages/platform/src/server/bench.ts [findings]`; `npm run bench` calls benchApiLatency().
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { syntheticFindings } from '../storage/bench.js';
import { backends } from '../storage/test-backends.js';
import type { Store } from '../storage/types.js';
import { startServer } from './server.js';

export interface LatencyFigure {
  backend: 'sqlite' | 'postgres';
  query: string;
  requests: number;
  p50: number;
  p95: number;
  max: number;
}

export interface LargeStoreFigures {
  backend: 'sqlite' | 'postgres';
  stored: number;
  ingestPerSecond: number;
  latency: LatencyFigure[];
}

/** Findings per scan (one image each): 1M findings are 200 images of 5,000. */
const PER_SCAN = 5_000;
const TOKEN = 'bench-token-0123456789abcdef0123';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Fills a store with `n` findings as scans of 5,000 on distinct targets; returns findings/s. */
export async function fillStore(store: Store, tenant: number, n: number, onProgress?: (done: number) => void): Promise<number> {
  const t0 = performance.now();
  for (let done = 0, k = 0; done < n; k++) {
    const size = Math.min(PER_SCAN, n - done);
    const day = Date.parse('2024-05-01T00:00:00Z') + k * 3_600_000;
    await store.ingestScan(
      tenant,
      { id: `fill-${k}`, target: `registry.example/app-${k}:1`, kind: 'image', startedAt: new Date(day - 60_000).toISOString(), finishedAt: new Date(day).toISOString() },
      syntheticFindings(size, 1000 + k, `s${k}/`),
    );
    done += size;
    onProgress?.(done);
  }
  return n / ((performance.now() - t0) / 1000);
}

/** Stores `findings` findings per backend, then times list queries over HTTP (sequential requests, keep-alive). */
export async function benchApiLatency(opts: { findings?: number; requests?: number; write?: (line: string) => void } = {}): Promise<LargeStoreFigures[]> {
  const n = opts.findings ?? 1_000_000;
  const requests = opts.requests ?? 200;
  const write = opts.write ?? ((l: string) => process.stdout.write(`${l}\n`));
  const out: LargeStoreFigures[] = [];
  for (const backend of backends()) {
    await backend.setup();
    const db = await backend.fresh();
    try {
      const tenant = (await db.store.createTenant({ slug: 'bench', name: 'Bench' })).id;
      const perSecond = await fillStore(db.store, tenant, n);
      write(`api bench ${backend.name.padEnd(8)} stored ${n.toLocaleString('en-US')} findings at ${Math.round(perSecond).toLocaleString('en-US')} findings/s (in-process ingest, load ${loadavg()[0].toFixed(1)})`);
      const { app, url } = await startServer({ store: db.store, host: '127.0.0.1', port: 0, tokens: [{ token: TOKEN, tenant, role: 'analyst', name: 'bench' }] });
      try {
        const get = async (path: string): Promise<{ ms: number; body: { items: unknown[]; nextCursor?: string } }> => {
          const t0 = performance.now();
          const r = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
          const body = (await r.json()) as { items: unknown[]; nextCursor?: string };
          if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(body)}`);
          return { ms: performance.now() - t0, body };
        };
        const scans = Math.ceil(n / PER_SCAN);
        const queries: { name: string; path: (i: number) => string; follow?: boolean; requests?: number }[] = [
          { name: 'open critical+high by priority, page 1', path: () => '/api/v1/findings?severity=critical,high&status=open&limit=100' },
          { name: 'same, next pages by cursor', path: () => '/api/v1/findings?severity=critical,high&status=open&limit=100', follow: true },
          { name: 'KEV, open, by priority', path: () => '/api/v1/findings?kev=true&status=open&limit=100' },
          { name: 'one image, fix available, by priority', path: (i) => `/api/v1/findings?fixAvailable=true&target=${encodeURIComponent(`registry.example/app-${(i * 37) % scans}:1`)}&limit=100` },
          { name: 'fix available, open, newest sightings first', path: () => '/api/v1/findings?fixAvailable=true&status=open&sort=lastSeen&limit=100' },
          { name: 'one package, every status', path: (i) => `/api/v1/findings?package=${encodeURIComponent(`pkg:deb/debian/lib${(i * 13) % 2000}@1.${((i * 13) % 2000) % 7}.${((i * 13) % 2000) % 13}`)}&limit=100` },
          { name: 'one rule id', path: (i) => `/api/v1/findings?ruleId=CVE-20${10 + (i % 15)}-${10000 + ((i * 7919) % PER_SCAN)}&limit=100` },
          { name: 'summary counts, open (not a list: scans all)', path: () => '/api/v1/findings/summary?status=open', requests: 10 },
        ];
        const figures: LatencyFigure[] = [];
        for (const q of queries) {
          await get(q.path(0)); // warm
          const times: number[] = [];
          let cursor: string | undefined;
          const count = q.requests ?? requests;
          for (let i = 0; i < count; i++) {
            const path = q.follow && cursor ? `${q.path(i)}&cursor=${encodeURIComponent(cursor)}` : q.path(i);
            const r = await get(path);
            times.push(r.ms);
            cursor = r.body.nextCursor;
          }
          times.sort((a, b) => a - b);
          const f = { backend: backend.name, query: q.name, requests: count, p50: quantile(times, 0.5), p95: quantile(times, 0.95), max: times[times.length - 1] };
          figures.push(f);
          write(`api bench ${backend.name.padEnd(8)} ${q.name.padEnd(44)} p50 ${f.p50.toFixed(1).padStart(6)} ms  p95 ${f.p95.toFixed(1).padStart(6)} ms  max ${f.max.toFixed(1).padStart(6)} ms  (${count} requests)`);
        }
        out.push({ backend: backend.name, stored: n, ingestPerSecond: perSecond, latency: figures });
      } finally {
        await app.close();
      }
    } finally {
      await db.drop();
      await backend.teardown();
    }
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchApiLatency({ findings: Number(process.argv[2] ?? 1_000_000) }).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
