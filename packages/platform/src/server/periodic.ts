/**
 * A background job run now and then in a server process (report schedules, retention): one run at a time, the next
 * `everyMs` after the previous one ended, never keeping the process alive, and `stop()` waits for a run in progress.
 * The jobs themselves claim leases in the store, so several processes may run the same job.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly everyMs: number,
    private readonly onError?: (e: unknown) => void,
  ) {}

  /** Runs after `firstDelayMs`, then every `everyMs` until `stop()`; a second start is ignored. */
  start(firstDelayMs = 0): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(firstDelayMs);
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.running = this.run()
        .catch((e: unknown) => this.onError?.(e))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.everyMs);
        });
    }, delay);
    this.timer.unref();
  }
}
