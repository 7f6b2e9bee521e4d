// `npm run bench`, configuration part: `bulwark scan config` next to `trivy config` on the same tree
// (../shared/corpus/k8s/cases by default, BULWARK_BENCH_CONFIG_TREE to change), measured in the same run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { REPO_ROOT, sharedDir } from '@bulwark/core/testing';
import { measure, measureMedian, type Measurement } from './measure.js';

const bulwark = join(REPO_ROOT, 'bin/bulwark');

function fmt(m: Measurement): string {
  return `${(m.wallMs / 1000).toFixed(2)} s${m.peakRssMb !== undefined ? `, ${m.peakRssMb.toFixed(0)} MB` : ''}`;
}

function check(m: Measurement, what: string): Measurement {
  // both tools exit 0 here: no --exit-code given
  if (m.status !== 0) throw new Error(`${what} failed (exit ${m.status}): ${m.stderr.slice(0, 2000)}`);
  return m;
}

/** Failed checks in a `trivy config -f json` report. */
function trivyFailures(path: string): number {
  const report = JSON.parse(readFileSync(path, 'utf8')) as { Results?: { Misconfigurations?: { Status?: string }[] }[] };
  return (report.Results ?? []).reduce((n, r) => n + (r.Misconfigurations ?? []).filter((m) => m.Status === 'FAIL').length, 0);
}

/** Findings in a `bulwark scan config -f json` report. */
function bulwarkFindings(path: string): number {
  const report = JSON.parse(readFileSync(path, 'utf8')) as { findings?: unknown[] };
  return report.findings?.length ?? 0;
}

export function benchConfig(trivy: string, runs: number): void {
  const tree = process.env.BULWARK_BENCH_CONFIG_TREE ?? join(sharedDir(), 'corpus', 'k8s', 'cases');
  // Trivy takes minutes on the corpus tree (its default --timeout of 5 min can cut it off on a busy machine):
  // one run unless asked for more
  const trivyRuns = Number(process.env.BULWARK_BENCH_TRIVY_CONFIG_RUNS ?? 1);
  const work = mkdtempSync(join(tmpdir(), 'bulwark-bench-config-'));
  try {
    const trivyOut = join(work, 'trivy.json');
    const bulwarkOut = join(work, 'bulwark.json');
    const trivyRun = measureMedian(trivyRuns, () => {
      const cache = join(work, `trivy-cache-${Math.random().toString(36).slice(2)}`);
      const m = measure(trivy, ['config', '--skip-policy-update', '--timeout', '60m', '--cache-dir', cache, '-q', '-f', 'json', '-o', trivyOut, tree]);
      rmSync(cache, { recursive: true, force: true });
      return check(m, 'trivy config');
    });
    const ours = measureMedian(runs, () => check(measure(process.execPath, [bulwark, 'scan', 'config', tree, '-f', 'json', '-o', bulwarkOut], { env: { ...process.env, CI: '1' } }), 'bulwark scan config'));
    const ratio = ours.wallMs / trivyRun.wallMs;
    process.stdout.write(`\n## scan config: ${tree} (bulwark median of ${runs}, trivy median of ${trivyRuns})\n`);
    process.stdout.write(`${'trivy config -f json'.padEnd(46)} ${fmt(trivyRun).padStart(18)} ${`${trivyFailures(trivyOut)} failed checks`.padStart(22)}\n`);
    process.stdout.write(`${'bulwark scan config -f json'.padEnd(46)} ${fmt(ours).padStart(18)} ${`${bulwarkFindings(bulwarkOut)} findings`.padStart(22)}\n`);
    process.stdout.write(`bulwark / trivy config: ${ratio.toFixed(2)}× (target ≤ 0.50×) ${ratio <= 0.5 ? 'MET' : 'NOT MET'}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
