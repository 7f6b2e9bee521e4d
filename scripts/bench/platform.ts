// `npm run bench`, platform part, all measured in this run on this machine:
// 1. store ingest of 100k findings (BULWARK_BENCH_FINDINGS) on SQLite (embedded default) and PostgreSQL
//    (BULWARK_TEST_PG_URL, default the server on 127.0.0.1:5432);
// 2. ingest through NATS JetStream into PostgreSQL with 1 and 2 `bulwark worker` processes (100 scans of 1,000);
// 3. API list latency (p50/p95 over HTTP) with 1M stored findings (BULWARK_BENCH_STORED) on both backends.
// Targets from the platform issue: ≥ 20,000 findings/s ingest; p95 < 200 ms for a filtered, paginated list.
import { loadavg } from 'node:os';
import { benchBus } from '../../packages/platform/src/bus/bench.js';
import { benchApiLatency } from '../../packages/platform/src/server/bench.js';
import { benchStorageIngest } from '../../packages/platform/src/storage/bench.js';

const write = (line: string): void => void process.stdout.write(`${line}\n`);
const verdict = (ok: boolean): string => (ok ? 'MET' : 'NOT MET');

export async function benchPlatform(): Promise<void> {
  const findings = Number(process.env.BULWARK_BENCH_FINDINGS ?? 100_000);
  const stored = Number(process.env.BULWARK_BENCH_STORED ?? 1_000_000);
  write(`\n## platform ingest: store (${findings.toLocaleString('en-US')} findings; target ≥ 20,000 findings/s; load ${loadavg()[0].toFixed(1)})`);
  const ingest = await benchStorageIngest({ findings, write });
  for (const backend of ['sqlite', 'postgres'] as const) {
    const best = Math.max(...ingest.filter((f) => f.backend === backend).map((f) => f.perSecond));
    const worst = Math.min(...ingest.filter((f) => f.backend === backend).map((f) => f.perSecond));
    write(`${backend}: ${Math.round(worst).toLocaleString('en-US')}–${Math.round(best).toLocaleString('en-US')} findings/s in-process (target ≥ 20,000) ${verdict(worst >= 20_000)}`);
  }

  write(`\n## platform ingest: NATS JetStream → bulwark worker → PostgreSQL (100 scans of 1,000 findings)`);
  const bus = await benchBus({ scans: 100, write });
  for (const f of bus) write(`postgres, ${f.workers} worker(s): ${Math.round(f.perSecond).toLocaleString('en-US')} findings/s (target ≥ 20,000) ${verdict(f.perSecond >= 20_000)}`);

  write(`\n## platform API: list latency with ${stored.toLocaleString('en-US')} stored findings (target p95 < 200 ms for a filtered, paginated list)`);
  const api = await benchApiLatency({ findings: stored, write });
  for (const b of api) {
    const lists = b.latency.filter((l) => !l.query.startsWith('summary'));
    const worst = Math.max(...lists.map((l) => l.p95));
    write(`${b.backend}: worst list p95 ${worst.toFixed(1)} ms over ${lists.length} list queries ${verdict(worst < 200)}; filling the store ran at ${Math.round(b.ingestPerSecond).toLocaleString('en-US')} findings/s`);
  }
}
