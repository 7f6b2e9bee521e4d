import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PeriodicJob } from './periodic.js';

test('a periodic job runs one run at a time, again after each, reports errors and stop() waits for a run', async () => {
  let active = 0;
  let most = 0;
  let runs = 0;
  const errors: unknown[] = [];
  let release: (() => void) | undefined;
  const job = new PeriodicJob(
    async () => {
      active++;
      most = Math.max(most, active);
      runs++;
      if (runs === 2) {
        active--;
        throw new Error('second run fails');
      }
      if (runs === 4) await new Promise<void>((r) => (release = r));
      active--;
    },
    5,
    (e) => errors.push(e),
  );
  job.start(0);
  job.start(0); // ignored: already started
  while (runs < 4) await sleep(2);
  assert.equal(most, 1, 'never two runs at once');
  assert.equal(errors.length, 1, 'the failed run was reported and the job carried on');
  assert.match(String(errors[0]), /second run fails/, 'with its error');
  let stopped = false;
  const stopping = job.stop().then(() => (stopped = true));
  await sleep(20);
  assert.equal(stopped, false, 'stop() waits for the run in progress');
  active--;
  release!();
  await stopping;
  const after = runs;
  await sleep(30);
  assert.equal(runs, after, 'no run after stop()');
});
