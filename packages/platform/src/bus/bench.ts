// Throughput through NATS JetStream into PostgreSQL with 1 and 2 `bulwark worker` processes, measured in this run on
// this machine. Run alone (after `npm run build`): `node --import tsx packages/platform/src/bus/bench.ts [scans]`.
// Each run: a fresh nats-server and schema; the stream is filled first (publish rate), then K workers start and
// the clock runs until every scan is stored (drain rate). Scans are 1,000 scanner-like findings each.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '@bulwark/core/testing';
import { syntheticFindings } from '../storage/bench.js';
import { backends, PG_TEST_URL } from '../storage/test-backends.js';
import { JetStreamIngestQueue } from './jetstream-queue.js';
import { startTestNats } from './test-nats.js';

export interface BusFigure {
  workers: number;
  findings: number;
  publishPerSecond: number;
  drainSeconds: number;
  perSecond: number;
}

const BIN = join(REPO_ROOT, 'bin/bulwark');

function startWorker(db: string, nats: string, concurrency: number): Promise<ChildProcess> {
  // BULWARK_BENCH_WORKER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the workers.
  const nodeArgs = (process.env.BULWARK_BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'worker', '--database', db, '--nats', nats, '--concurrency', String(concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/consuming from/.test(out)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${out}`)));
  });
}

export async function benchBus(opts: { scans?: number; write?: (line: string) => void } = {}): Promise<BusFigure[]> {
  if (!existsSync(join(REPO_ROOT, 'packages/cli/dist/bulwark.mjs'))) throw new Error('run `npm run build` first: the bench starts `bulwark worker` processes');
  const scans = opts.scans ?? 40;
  const write = opts.write ?? ((l: string) => process.stdout.write(l + '\n'));
  const perScan = 1000;
  const bodies = Array.from({ length: scans }, (_, i) => syntheticFindings(perScan, 1000 + i, `s${i}/`));
  const figures: BusFigure[] = [];
  const pgBackend = backends()[1];
  await pgBackend.setup();
  for (const workers of [1, 2]) {
    const db = await pgBackend.fresh();
    const nats = await startTestNats();
    const queue = JetStreamIngestQueue.open({ url: nats.url });
    const procs: ChildProcess[] = [];
    try {
      const tenant = (await db.store.createTenant({ slug: 'bench', name: 'Bench' })).id;
      await queue.ready();
      const t0 = performance.now();
      for (let i = 0; i < scans; i++) {
        const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
        await queue.submit(tenant, { id: `bench-${i}`, target: `registry.example/app-${i}:1`, kind: 'image', startedAt: at, finishedAt: at }, bodies[i]);
      }
      const publishSeconds = (performance.now() - t0) / 1000;
      const schema = (db.store as { schema?: string }).schema!;
      const url = `${PG_TEST_URL}?schema=${schema}`;
      const t1 = performance.now();
      // Scans in flight across all workers = the machine's cores (PostgreSQL shares them): 2 workers take one each.
      // BULWARK_BENCH_WORKER_CONCURRENCY overrides the per-worker figure.
      const concurrency = Number(process.env.BULWARK_BENCH_WORKER_CONCURRENCY ?? Math.max(1, Math.round(availableParallelism() / workers)));
      procs.push(...(await Promise.all(Array.from({ length: workers }, () => startWorker(url, nats.url, concurrency)))));
      // Workers are long-running: throughput is counted from the moment they consume (a node process start and
      // bundle load, ~0.5–1 s here, is reported apart).
      const t2 = performance.now();
      while (Number((await db.raw('SELECT count(*) AS n FROM scans'))[0].n) < scans) await sleep(25);
      const t3 = performance.now();
      const drainSeconds = (t3 - t2) / 1000;
      const f: BusFigure = { workers, findings: scans * perScan, publishPerSecond: (scans * perScan) / publishSeconds, drainSeconds, perSecond: (scans * perScan) / drainSeconds };
      figures.push(f);
      write(
        `bus ${workers} worker(s) × ${concurrency} in flight: ${f.findings} findings published ${Math.round(f.publishPerSecond).toLocaleString('en-US')}/s; ` +
          `stored in ${drainSeconds.toFixed(1)} s = ${Math.round(f.perSecond).toLocaleString('en-US')} findings/s ` +
          `(worker start ${((t2 - t1) / 1000).toFixed(1)} s before that; with it ${Math.round((scans * perScan) / ((t3 - t1) / 1000)).toLocaleString('en-US')} findings/s; load ${loadavg()[0].toFixed(1)})`,
      );
    } finally {
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
      await queue.close();
      await nats.cleanup();
      await db.drop();
    }
  }
  await pgBackend.teardown();
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchBus({ scans: Number(process.argv[2] ?? 40) }).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
