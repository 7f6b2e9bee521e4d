// Storage ingest throughput on SQLite and PostgreSQL, measured in this run on this machine.
// Run alone: `node --import tsx packages/platform/src/storage/bench.ts [findings]`; or call benchStorageIngest()
// from `npm run bench`. PostgreSQL comes from BULWARK_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test).
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Severity } from '@bulwark/core';
import { seededRandom } from '@bulwark/core/testing';
import { backends } from './test-backends.js';
import type { FindingInput, ScanInput } from './types.js';

export interface IngestFigure {
  backend: 'sqlite' | 'postgres';
  /** 'new' = all findings first seen; 'rescan' = the same findings again (updates); 'scans' = many smaller scans. */
  phase: 'new' | 'rescan' | 'scans';
  findings: number;
  seconds: number;
  perSecond: number;
  /** CPU seconds of this process (for PostgreSQL the server's share is not included). */
  cpuSeconds: number;
}

const SEVS: Severity[] = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'];

/** Findings shaped like a scanner's: ~2,000 packages, a few hundred bytes of payload each. */
export function syntheticFindings(n: number, seed = 1, prefix = ''): FindingInput[] {
  const rand = seededRandom(seed);
  const out: FindingInput[] = [];
  for (let i = 0; i < n; i++) {
    const pkg = Math.floor(rand() * 2000);
    const cvss = Math.round(rand() * 100) / 10;
    const epss = Math.round(rand() * 1000) / 1000;
    out.push({
      type: 'vulnerability',
      ruleId: `CVE-20${10 + (i % 15)}-${10000 + i}`,
      title: `Heap overflow in lib${pkg} when parsing crafted input`,
      severity: SEVS[Math.floor(rand() * 5)],
      cvss,
      epss,
      kev: rand() < 0.02,
      fixAvailable: rand() < 0.6,
      asset: { kind: 'package', key: `pkg:deb/debian/lib${pkg}@1.${pkg % 7}.${pkg % 13}` },
      locator: `${prefix}${i}`,
      priority: {
        score: Math.round((cvss * 7 + epss * 30) * 10) / 10,
        factors: [
          { name: 'cvss', weight: cvss * 7, detail: `CVSS ${cvss}` },
          { name: 'epss', weight: epss * 30, detail: `EPSS ${epss}` },
        ],
      },
      payload: {
        package: { name: `lib${pkg}`, version: `1.${pkg % 7}.${pkg % 13}`, type: 'deb', purl: `pkg:deb/debian/lib${pkg}@1.${pkg % 7}.${pkg % 13}` },
        fixedVersion: `1.${pkg % 7}.${(pkg % 13) + 1}`,
        layer: `sha256:${(pkg * 2654435761).toString(16).padStart(16, '0')}`,
        urls: [`https://security-tracker.debian.org/tracker/CVE-20${10 + (i % 15)}-${10000 + i}`],
      },
    });
  }
  return out;
}

function scan(id: string, day: number, target: string): ScanInput {
  const t = Date.parse('2024-05-01T00:00:00Z') + day * 86_400_000;
  return { id, target, kind: 'image', startedAt: new Date(t - 60_000).toISOString(), finishedAt: new Date(t).toISOString() };
}

/** Ingests `n` findings as one scan, again as a rescan, then as 10 scans of n/10 on other targets, per backend. */
export async function benchStorageIngest(opts: { findings?: number; write?: (line: string) => void } = {}): Promise<IngestFigure[]> {
  const n = opts.findings ?? 100_000;
  const write = opts.write ?? ((l: string) => process.stdout.write(l + '\n'));
  const figures: IngestFigure[] = [];
  const batch = syntheticFindings(n, 1);
  const small = Array.from({ length: 10 }, (_, k) => syntheticFindings(Math.ceil(n / 10), 100 + k, `t${k}/`));
  for (const backend of backends()) {
    await backend.setup();
    const db = await backend.fresh();
    try {
      const tenant = (await db.store.createTenant({ slug: 'bench', name: 'Bench' })).id;
      const time = async (phase: IngestFigure['phase'], count: number, fn: () => Promise<unknown>): Promise<void> => {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await fn();
        const seconds = (performance.now() - t0) / 1000;
        const c = process.cpuUsage(c0);
        const f: IngestFigure = { backend: backend.name, phase, findings: count, seconds, perSecond: count / seconds, cpuSeconds: (c.user + c.system) / 1e6 };
        figures.push(f);
        write(
          `storage ingest ${backend.name.padEnd(8)} ${phase.padEnd(6)} ${String(count).padStart(8)} findings  ${seconds.toFixed(2).padStart(6)} s` +
            `  ${Math.round(f.perSecond).toLocaleString('en-US').padStart(8)} findings/s  (process CPU ${f.cpuSeconds.toFixed(2)} s, load ${loadavg()[0].toFixed(1)})`,
        );
      };
      await time('new', n, () => db.store.ingestScan(tenant, scan('bench-1', 1, 'registry.example/big:1'), batch));
      await time('rescan', n, () => db.store.ingestScan(tenant, scan('bench-2', 2, 'registry.example/big:1'), batch));
      await time('scans', small.reduce((s, b) => s + b.length, 0), async () => {
        for (const [k, b] of small.entries()) await db.store.ingestScan(tenant, scan(`small-${k}`, 3, `registry.example/small-${k}:1`), b);
      });
    } finally {
      await db.drop();
      await backend.teardown();
    }
  }
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 100_000);
  benchStorageIngest({ findings: n }).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
