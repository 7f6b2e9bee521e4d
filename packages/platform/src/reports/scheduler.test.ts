import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends, type FreshDb } from '../storage/test-backends.js';
import type { SqlStore } from '../storage/sql-store.js';
import { ReportRepository, nextRunAfter, type ScheduleInput, type When } from './repository.js';
import { ReportScheduler, SCHEDULER_ACTOR } from './scheduler.js';
import { readPdf } from './test-read.js';

describe('nextRunAfter', () => {
  const rows: Array<[When, string, string]> = [
    [{ cadence: 'daily', hour: 6 }, '2026-03-02T00:00:00.000Z', '2026-03-02T06:00:00.000Z'],
    [{ cadence: 'daily', hour: 6 }, '2026-03-02T06:00:00.000Z', '2026-03-03T06:00:00.000Z'],
    [{ cadence: 'daily', hour: 0 }, '2026-12-31T23:59:59.000Z', '2027-01-01T00:00:00.000Z'],
    // 2026-03-02 is a Monday.
    [{ cadence: 'weekly', hour: 6, weekday: 1 }, '2026-03-02T05:00:00.000Z', '2026-03-02T06:00:00.000Z'],
    [{ cadence: 'weekly', hour: 6, weekday: 1 }, '2026-03-02T06:00:00.000Z', '2026-03-09T06:00:00.000Z'],
    [{ cadence: 'weekly', hour: 23, weekday: 0 }, '2026-03-02T06:00:00.000Z', '2026-03-08T23:00:00.000Z'],
    [{ cadence: 'monthly', hour: 6, dayOfMonth: 1 }, '2026-03-02T00:00:00.000Z', '2026-04-01T06:00:00.000Z'],
    [{ cadence: 'monthly', hour: 6, dayOfMonth: 28 }, '2026-02-27T00:00:00.000Z', '2026-02-28T06:00:00.000Z'],
    [{ cadence: 'monthly', hour: 6, dayOfMonth: 15 }, '2026-12-20T00:00:00.000Z', '2027-01-15T06:00:00.000Z'],
  ];
  for (const [when, after, next] of rows) {
    it(`${JSON.stringify(when)} after ${after}`, () => assert.equal(nextRunAfter(when, new Date(after)).toISOString(), next));
  }
});

const T0 = new Date('2026-03-02T00:00:00.000Z');
const at = (iso: string) => new Date(iso);

for (const backend of backends()) {
  describe(`report scheduler on ${backend.name}`, () => {
    let db: FreshDb;
    let tenant: number;
    let repo: ReportRepository;

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      tenant = (await db.store.createTenant({ slug: 'acme', name: '示例 Acme' })).id;
      repo = new ReportRepository(db.store.sql);
      await db.store.ingestScan(
        tenant,
        { id: 's1', target: 'cluster/prod', kind: 'cluster', startedAt: '2026-02-01T00:00:00Z', finishedAt: '2026-02-01T00:00:00Z' },
        [
          { type: 'config', ruleId: 'BLW-K8S-016', severity: 'high', asset: { kind: 'workload', key: 'cluster/prod/ns/a/deployment/web' } },
          { type: 'vulnerability', ruleId: 'CVE-2025-1', severity: 'critical', asset: { kind: 'image', key: 'registry.example/web@sha256:01' } },
        ],
      );
    });
    after(async () => {
      await db?.drop();
      await backend.teardown();
    });

    const schedule = (name: string, extra: Partial<ScheduleInput> = {}): ScheduleInput => ({
      name,
      scope: { type: 'cluster', name: 'prod' },
      kind: 'vulnerabilities',
      format: 'pdf',
      cadence: 'daily',
      hour: 6,
      ...extra,
    });

    const reportsOf = async (scheduleId: number) => (await repo.listReports(tenant, { limit: 100, scheduleId })).items;

    it('runs daily, weekly and monthly schedules at their slots with the fake clock, once per slot', async () => {
      const ctx = { now: T0, actor: 'token:test' };
      const daily = await repo.createSchedule(tenant, schedule('daily', { keep: 2 }), ctx);
      const weekly = await repo.createSchedule(tenant, schedule('weekly', { cadence: 'weekly', weekday: 1, format: 'xlsx' }), ctx);
      const monthly = await repo.createSchedule(tenant, schedule('monthly', { cadence: 'monthly', dayOfMonth: 1, kind: 'compliance', framework: 'nsa', format: 'docx' }), ctx);
      assert.equal(daily.nextRunAt, '2026-03-02T06:00:00.000Z');
      assert.equal(weekly.nextRunAt, '2026-03-02T06:00:00.000Z');
      assert.equal(monthly.nextRunAt, '2026-04-01T06:00:00.000Z');
      const s = new ReportScheduler({ store: db.store, owner: 'one' });

      assert.deepEqual(await s.runDue(at('2026-03-02T05:59:59.000Z')), [], 'nothing due before 06:00');
      const first = await s.runDue(at('2026-03-02T06:00:00.000Z'));
      assert.deepEqual(first.map((o) => o.scheduleId).sort(), [daily.id, weekly.id].sort());
      assert.ok(first.every((o) => o.reportId !== undefined && o.error === undefined), JSON.stringify(first));
      assert.deepEqual(await s.runDue(at('2026-03-02T06:30:00.000Z')), [], 'a slot runs once');

      const r = (await reportsOf(daily.id))[0];
      assert.equal(r.generatedAt, '2026-03-02T06:00:00.000Z', 'the report carries the clock of its run');
      assert.equal(r.createdBy, SCHEDULER_ACTOR);
      const pdf = await readPdf((await repo.reportContent(tenant, r.id))!);
      assert.ok(pdf.text.includes('2026-03-02 06:00 UTC'), 'date in the file');
      assert.ok(pdf.text.includes('示例 Acme'), 'tenant name in the file');
      assert.equal(pdf.summary.get('Open critical'), 1);
      const after1 = (await repo.getSchedule(tenant, daily.id))!;
      assert.equal(after1.nextRunAt, '2026-03-03T06:00:00.000Z');
      assert.equal(after1.lastReportId, r.id);

      // Three days later: one catch-up run for the missed slots, then the next slot.
      const late = await s.runDue(at('2026-03-05T07:15:00.000Z'));
      assert.deepEqual(late.map((o) => o.scheduleId), [daily.id]);
      assert.equal((await repo.getSchedule(tenant, daily.id))!.nextRunAt, '2026-03-06T06:00:00.000Z');
      await s.runDue(at('2026-03-06T06:00:00.000Z'));
      const kept = await reportsOf(daily.id);
      assert.equal(kept.length, 2, 'keep: 2 drops the oldest');
      assert.deepEqual(kept.map((x) => x.generatedAt), ['2026-03-06T06:00:00.000Z', '2026-03-05T07:15:00.000Z']);

      const m = await s.runDue(at('2026-04-01T06:00:00.000Z'));
      assert.ok(m.some((o) => o.scheduleId === monthly.id && o.reportId), 'monthly compliance report on the 1st');
      assert.equal((await repo.getSchedule(tenant, monthly.id))!.nextRunAt, '2026-05-01T06:00:00.000Z');
      const weeklyRuns = (await reportsOf(weekly.id)).map((x) => x.generatedAt);
      assert.deepEqual(weeklyRuns, ['2026-04-01T06:00:00.000Z', '2026-03-02T06:00:00.000Z'], 'weekly: its Monday, then one catch-up run');

      const audit = (await db.store.listAudit(tenant, { limit: 1000 })).filter((a) => a.action === 'report.generate');
      assert.ok(audit.length >= 6 && audit.every((a) => a.actor === SCHEDULER_ACTOR), 'scheduled runs are audited');
      for (const x of [daily, weekly, monthly]) await repo.deleteSchedule(tenant, x.id);
    });

    it('gives each due slot exactly one report with two processes racing', async () => {
      const second: SqlStore = await db.reopen();
      const ids: number[] = [];
      for (let i = 0; i < 6; i++) ids.push((await repo.createSchedule(tenant, schedule(`race-${i}`, { format: i % 2 ? 'xlsx' : 'docx' }), { now: T0, actor: 'test' })).id);
      const a = new ReportScheduler({ store: db.store, owner: 'a' });
      const b = new ReportScheduler({ store: second, owner: 'b' });
      const now = at('2026-03-02T06:00:00.000Z');
      const [ra, rb] = await Promise.all([a.runDue(now), b.runDue(now)]);
      const ran = [...ra, ...rb].map((o) => o.scheduleId).sort((x, y) => x - y);
      assert.deepEqual(ran, ids, `each schedule once (a: ${ra.length}, b: ${rb.length})`);
      for (const id of ids) assert.equal((await reportsOf(id)).length, 1, `schedule ${id} has one report`);
      const [again1, again2] = await Promise.all([a.runDue(now), b.runDue(now)]);
      assert.equal(again1.length + again2.length, 0);
      for (const id of ids) await repo.deleteSchedule(tenant, id);
    });

    it('takes over a run whose lease expired and drops the late finisher\'s report', async () => {
      const s = await repo.createSchedule(tenant, schedule('lease'), { now: T0, actor: 'test' });
      const now = at('2026-03-02T06:00:00.000Z');
      const dead = await repo.claim(s.id, now, at('2026-03-02T06:10:00.000Z'), 'dead#1');
      assert.ok(dead, 'the first process claimed the run');
      const live = new ReportScheduler({ store: db.store, owner: 'live' });
      assert.deepEqual(await live.runDue(at('2026-03-02T06:05:00.000Z')), [], 'a live lease is respected');
      const taken = await live.runDue(at('2026-03-02T06:11:00.000Z'));
      assert.equal(taken.length, 1);
      assert.ok(taken[0].reportId, 'taken over after the lease expired');
      const { report } = await import('./generate.js').then((g) =>
        g.renderReport(db.store, tenant, dead.request, { id: 'pdf', contentType: 'application/pdf', extension: 'pdf', render: async () => Buffer.from('%PDF-late') }, { now, actor: 'x' }),
      );
      assert.equal(await repo.completeRun(dead, 'dead#1', now, report), undefined, 'the lost lease commits nothing');
      assert.equal((await reportsOf(s.id)).length, 1);
      await repo.deleteSchedule(tenant, s.id);
    });

    it('records a failed run and moves on to the next slot', async () => {
      const s = await repo.createSchedule(tenant, schedule('broken', { scope: { type: 'image', assetId: 987654 } }), { now: T0, actor: 'test' });
      const errors: unknown[] = [];
      const sched = new ReportScheduler({ store: db.store, owner: 'x', onError: (e) => errors.push(e) });
      const out = await sched.runDue(at('2026-03-02T06:00:00.000Z'));
      assert.equal(out.length, 1);
      assert.match(out[0].error ?? '', /scope\.assetId/);
      assert.equal(errors.length, 1);
      const after = (await repo.getSchedule(tenant, s.id))!;
      assert.match(after.lastError ?? '', /scope\.assetId/);
      assert.equal(after.nextRunAt, '2026-03-03T06:00:00.000Z');
      assert.equal((await reportsOf(s.id)).length, 0);
      await repo.deleteSchedule(tenant, s.id);
    });

    it('start() looks on its own until stop(); disabled schedules never run', async () => {
      const on = await repo.createSchedule(tenant, schedule('timer'), { now: T0, actor: 'test' });
      const off = await repo.createSchedule(tenant, schedule('off', { enabled: false }), { now: T0, actor: 'test' });
      const clock = () => at('2026-03-02T06:00:00.000Z');
      const s = new ReportScheduler({ store: db.store, owner: 't', intervalMs: 20, clock });
      s.start();
      const deadline = Date.now() + 20_000;
      while ((await reportsOf(on.id)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await s.stop();
      assert.equal((await reportsOf(on.id)).length, 1, 'the timer ran the due schedule');
      assert.equal((await reportsOf(off.id)).length, 0, 'a disabled schedule does not run');
      const updated = await repo.updateSchedule(tenant, off.id, { enabled: true }, at('2026-03-02T07:00:00.000Z'));
      assert.equal(updated?.nextRunAt, '2026-03-03T06:00:00.000Z', 'enabling moves the next run past now');
    });
  });
}
