import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { createGunzip, gunzipSync } from 'node:zlib';
import { InputError, withLimits } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { assertRejectsOnlyInputError, assertTotal, mutations, testContext } from '../test-helpers.js';
import type { SourceItem } from '../types.js';
import { epss, EpssParser, readEpss } from './epss.js';

const limits = withLimits();

async function drain(input: Buffer, file: string): Promise<number> {
  let n = 0;
  for await (const _ of readEpss(Readable.from([input]), file, limits)) n++;
  return n;
}

describe('epss', () => {
  it('reads every row of the real gzip CSV with its score date', async () => {
    const dir = sharedPath('vulndb');
    let rows = 0;
    let first: SourceItem | undefined;
    let snapshot: string | null | undefined;
    for await (const it of epss.read(dir, await epss.locate(dir), testContext())) {
      if (it.kind === 'epss') {
        rows++;
        first ??= it;
      } else if (it.kind === 'snapshot') snapshot = it.date;
    }
    assert.equal(rows, 360_142);
    assert.equal(snapshot, '2026-08-16T00:00:00.000Z');
    assert.ok(first?.kind === 'epss' && first.cve === 'CVE-1999-0001' && first.info.score === 0.03351 && first.info.percentile === 0.8765);
  });

  it('hostile: a bad row, a missing header and a truncated gzip are InputErrors naming the file', async () => {
    await assert.rejects(drain(readFileSync(new URL('fixtures/bad-row.csv', import.meta.url)), 'bad-row.csv'), (e) => e instanceof InputError && e.file === 'bad-row.csv' && e.field === 'line 2');
    await assert.rejects(drain(Buffer.from('CVE-2024-0001,0.1,0.2\n'), 'nohead.csv'), (e) => e instanceof InputError && e.file === 'nohead.csv');
    const gz = readFileSync(sharedPath('vulndb/epss/epss_scores-2026-08-16.csv.gz'));
    const truncated = Readable.from([gz.subarray(0, 4096)]).pipe(createGunzip());
    await assert.rejects(
      (async () => {
        for await (const _ of readEpss(truncated, 'cut.csv.gz', limits));
      })(),
      (e) => e instanceof InputError && e.file === 'cut.csv.gz',
    );
  });

  it('fuzz: mutated real CSV lines give a row or an InputError', async () => {
    const text = gunzipSync(readFileSync(sharedPath('vulndb/epss/epss_scores-2026-08-16.csv.gz'))).subarray(0, 2000);
    assertTotal(mutations(text, 200, 3), (b) => {
      const p = new EpssParser('f.csv');
      for (const [i, line] of b.toString('latin1').split('\n').entries()) {
        const r = p.line(line, i + 1);
        if (!r.ok) return r;
      }
      return p.finish();
    });
    for (const m of mutations(text, 50, 9)) await assertRejectsOnlyInputError(() => drain(m, 'f.csv'));
  });
});
