import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store, TenantId } from '../storage/types.js';
import { formatOf } from './formats.js';
import { renderReport } from './generate.js';
import { ReportRepository } from './repository.js';
import { PeriodicJob } from '../server/periodic.js';

export interface SchedulerOptions {
  store: Store;
  /** How often due schedules are looked for; default 60 s. */
  intervalMs?: number;
  /** How long a claimed run may take before another process may take it over; default 15 minutes. */
  leaseMs?: number;
  /** Schedules taken per look; default 20. */
  batch?: number;
  /** Names this process in leases and logs; default "<hostname>:<pid>". */
  owner?: string;
  clock?: () => Date;
  /** Told about each failed run or look (the scheduler carries on). */
  onError?: (err: unknown, scheduleId?: number) => void;
}

export interface RunOutcome {
  scheduleId: number;
  tenant: TenantId;
  reportId?: number;
  error?: string;
}

/** The audit actor of scheduled runs. */
export const SCHEDULER_ACTOR = 'system:report-scheduler';

/**
 * Builds the reports of due schedules. Several processes may run one each against the same database: a run is
 * claimed by a conditional UPDATE (a lease), so each due slot gives one report; a run whose process died is
 * taken over when its lease expires. Missed slots (server down) give one catch-up run, then the next slot.
 */
export class ReportScheduler {
  private readonly repo: ReportRepository;
  private readonly intervalMs: number;
  private readonly leaseMs: number;
  private readonly batch: number;
  private readonly owner: string;
  private readonly clock: () => Date;
  private readonly job: PeriodicJob;

  constructor(private readonly opts: SchedulerOptions) {
    this.repo = new ReportRepository(opts.store.sql);
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.leaseMs = opts.leaseMs ?? 15 * 60_000;
    this.batch = opts.batch ?? 20;
    this.owner = opts.owner ?? `${hostname()}:${process.pid}`;
    this.clock = opts.clock ?? (() => new Date());
    this.job = new PeriodicJob(() => this.runDue(this.clock()), this.intervalMs, (e) => this.opts.onError?.(e));
  }

  /** Looks for due schedules now and then every `intervalMs` until `stop()`. */
  start(): void {
    this.job.start(0);
  }

  /** Stops looking and waits for a run in progress. */
  async stop(): Promise<void> {
    await this.job.stop();
  }

  /** Runs every schedule due at `now` (at most `batch`); one outcome per run this process claimed. */
  async runDue(now: Date): Promise<RunOutcome[]> {
    const out: RunOutcome[] = [];
    for (const id of await this.repo.dueSchedules(now, this.batch)) {
      const lease = `${this.owner}#${randomUUID()}`;
      const s = await this.repo.claim(id, now, new Date(now.getTime() + this.leaseMs), lease);
      if (!s) continue;
      try {
        const { report } = await renderReport(this.opts.store, s.tenant, s.request, formatOf(s.format), {
          now,
          actor: SCHEDULER_ACTOR,
          ...(s.assetGroups !== null ? { assetGroups: s.assetGroups } : {}),
        });
        const stored = await this.repo.completeRun(s, lease, now, report);
        if (!stored) continue; // the lease expired and another process took the run over
        await this.opts.store.appendAudit(s.tenant, {
          actor: SCHEDULER_ACTOR,
          action: 'report.generate',
          target: `report:${stored.id}`,
          details: { scheduleId: s.id, kind: stored.kind, format: stored.format, sizeBytes: stored.sizeBytes },
        });
        out.push({ scheduleId: s.id, tenant: s.tenant, reportId: stored.id });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        await this.repo.failRun(s, lease, now, message).catch((err: unknown) => this.opts.onError?.(err, s.id));
        this.opts.onError?.(e, s.id);
        out.push({ scheduleId: s.id, tenant: s.tenant, error: message });
      }
    }
    return out;
  }
}
