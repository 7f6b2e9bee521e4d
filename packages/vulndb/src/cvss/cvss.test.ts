import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withLimits } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { tarGzEntries } from '../sources/archive.js';
import { parseCvssVector, scoreCvss } from './cvss.js';

describe('cvss', () => {
  it('scores the specification examples of each version', () => {
    const rows: [string, number, string][] = [
      ['AV:N/AC:L/Au:N/C:C/I:C/A:C', 10, 'high'],
      ['AV:N/AC:M/Au:N/C:N/I:P/A:N', 4.3, 'medium'],
      ['(AV:L/AC:H/Au:N/C:C/I:C/A:C)', 6.2, 'medium'],
      ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'critical'],
      ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9, 'critical'],
      ['CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N', 2.2, 'low'],
      ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0, 'negligible'],
      ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3, 'critical'],
      // Threat metrics do not change the base score (CVSS-B).
      ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U', 9.3, 'critical'],
      // Temporal metrics do not change the v3 base score.
      ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:U/RC:C', 9.8, 'critical'],
    ];
    for (const [v, score, severity] of rows) {
      const s = scoreCvss(v, 'test');
      assert.equal(s?.baseScore, score, v);
      assert.equal(s?.severity, severity, v);
    }
  });

  it('rejects vectors that are not valid', () => {
    for (const v of ['', 'garbage', 'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', 'CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:5.0/AV:N', 'AV:N/AC:L/Au:N/C:C/I:C']) {
      assert.equal(scoreCvss(v, 't'), undefined, v);
      assert.equal(parseCvssVector(v), undefined, v);
    }
  });

  it('agrees with every CNA/ADP-stated base score in vulnrichment, except reviewed upstream errors', async () => {
    // Each exception was checked: the stated score is the temporal/threat score, or (v2/v3) an arithmetic error
    // confirmed by an independent implementation (Ruby cvss-suite 3.1.0, which agrees with ours on all 2,258
    // distinct v2/v3 vectors here).
    const known = new Map<string, number>();
    for (const line of readFileSync(new URL('fixtures/vulnrichment-stated-score-errors.tsv', import.meta.url), 'utf8').split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const [cve, provider, vector, stated] = line.split('\t');
      known.set(`${cve} ${provider} ${vector}`, Number(stated));
    }
    let compared = 0;
    const perVersion: Record<string, number> = {};
    const mismatches: string[] = [];
    for await (const e of tarGzEntries(sharedPath('vulndb/cve/vulnrichment.tar.gz'), withLimits(), (n) => /CVE-[\d-]+\.json$/.test(n))) {
      const d = JSON.parse(e.data.toString('utf8')) as { cveMetadata: { cveId: string }; containers: { cna?: Container; adp?: Container[] } };
      for (const c of [d.containers.cna, ...(d.containers.adp ?? [])]) {
        for (const m of c?.metrics ?? []) {
          for (const k of ['cvssV2_0', 'cvssV3_0', 'cvssV3_1', 'cvssV4_0'] as const) {
            const x = m[k];
            if (!x?.vectorString || typeof x.baseScore !== 'number') continue;
            const ours = scoreCvss(x.vectorString, 'x');
            assert.ok(ours, `${d.cveMetadata.cveId}: ${x.vectorString} did not parse`);
            compared++;
            perVersion[ours.version] = (perVersion[ours.version] ?? 0) + 1;
            if (ours.baseScore === x.baseScore) continue;
            const key = `${d.cveMetadata.cveId} ${c?.providerMetadata?.shortName ?? '?'} ${x.vectorString}`;
            if (known.get(key) !== x.baseScore) mismatches.push(`${key}: stated ${x.baseScore}, ours ${ours.baseScore}`);
          }
        }
      }
    }
    assert.deepEqual(mismatches, []);
    assert.ok(compared > 39_000, String(compared));
    for (const v of ['2.0', '3.0', '3.1', '4.0']) assert.ok(perVersion[v] > 2000, `${v}: ${perVersion[v]}`);
    assert.ok(known.size < compared / 90, 'exceptions stay a small, reviewed minority');
  });
});

interface Container {
  providerMetadata?: { shortName?: string };
  metrics?: Partial<Record<'cvssV2_0' | 'cvssV3_0' | 'cvssV3_1' | 'cvssV4_0', { vectorString?: string; baseScore?: number }>>[];
}
