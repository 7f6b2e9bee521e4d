// `npm run bench`, platform part: finding ingest into the platform store, SQLite (embedded default) and PostgreSQL
// (the server on 127.0.0.1:5432, BULWARK_TEST_PG_URL to change), 100k findings (BULWARK_BENCH_FINDINGS).
import { benchStorageIngest } from '../../packages/platform/src/storage/bench.js';

export async function benchPlatform(): Promise<void> {
  const findings = Number(process.env.BULWARK_BENCH_FINDINGS ?? 100_000);
  process.stdout.write(`\n## platform store ingest (${findings} findings; target ≥ 20,000 findings/s)\n`);
  const figures = await benchStorageIngest({ findings });
  for (const f of figures) {
    process.stdout.write(`${`${f.backend} ${f.phase}`.padEnd(24)} ${f.seconds.toFixed(2).padStart(8)} s ${Math.round(f.perSecond).toString().padStart(8)} findings/s  cpu ${f.cpuSeconds.toFixed(2)} s  ${f.perSecond >= 20_000 ? 'MET' : 'NOT MET'}\n`);
  }
}
