// `npm run bench`, platform part: finding ingest into the platform store, SQLite (embedded default) and PostgreSQL
// (the server on 127.0.0.1:5432, BULWARK_TEST_PG_URL to change), 100k findings (BULWARK_BENCH_FINDINGS).
import { benchStorageIngest } from '../../packages/platform/src/storage/bench.js';

export async function benchPlatform(): Promise<void> {
  const findings = Number(process.env.BULWARK_BENCH_FINDINGS ?? 100_000);
  process.stdout.write(`\n## platform store ingest (${findings} findings; target ≥ 20,000 findings/s)\n`);
  const figures = await benchStorageIngest({ findings, write: (line) => process.stdout.write(`${line}\n`) });
  for (const backend of ['sqlite', 'postgres'] as const) {
    const worst = Math.min(...figures.filter((f) => f.backend === backend).map((f) => f.perSecond));
    process.stdout.write(`${backend}: slowest phase ${Math.round(worst)} findings/s (target ≥ 20,000) ${worst >= 20_000 ? 'MET' : 'NOT MET'}\n`);
  }
}
