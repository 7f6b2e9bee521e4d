import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Measurement {
  wallMs: number;
  peakRssMb: number | undefined;
  status: number;
  stderr: string;
}

/** Runs a command once, measuring wall time and (through GNU time, when present) peak resident memory. */
export function measure(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Measurement {
  const gnuTime = existsSync('/usr/bin/time');
  const argv = gnuTime ? ['-f', '__PEAK_KB=%M', cmd, ...args] : args;
  const bin = gnuTime ? '/usr/bin/time' : cmd;
  const start = process.hrtime.bigint();
  const r = spawnSync(bin, argv, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'] });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const m = /__PEAK_KB=(\d+)/.exec(r.stderr ?? '');
  return {
    wallMs,
    peakRssMb: m ? Number(m[1]) / 1024 : undefined,
    status: r.status ?? -1,
    stderr: (r.stderr ?? '').replace(/__PEAK_KB=\d+\n?/, ''),
  };
}

/** Median of several runs (by wall time), to steady the figures on a shared 2-core machine. */
export function measureMedian(runs: number, fn: () => Measurement): Measurement {
  const all = Array.from({ length: runs }, fn).sort((a, b) => a.wallMs - b.wallMs);
  return all[Math.floor(all.length / 2)]!;
}
