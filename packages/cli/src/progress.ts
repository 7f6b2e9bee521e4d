import cliProgress from 'cli-progress';

// cli-progress: a maintained progress bar that redraws in place on a TTY; we stay silent elsewhere (CI logs).

export interface Progress {
  update(label: string, done: number, total?: number): void;
  stop(): void;
}

export function createProgress(title: string, enabled = Boolean(process.stderr.isTTY) && !process.env.CI): Progress {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${title} {label} [{bar}] {percentage}% {value}/{total}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update(label, done, total) {
      if (stopped) return;
      if (!started) {
        bar.start(total ?? 0, done, { label });
        started = true;
      }
      if (total !== undefined) bar.setTotal(total);
      bar.update(done, { label });
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}
