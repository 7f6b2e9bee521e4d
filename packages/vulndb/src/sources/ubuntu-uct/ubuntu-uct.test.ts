import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withLimits } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { assertGolden, assertTotal, mutations, testContext } from '../test-helpers.js';
import { ubuntuEcosystem } from './releases.js';
import { parseUct, ubuntuUct, type UctStats } from './ubuntu-uct.js';

const limits = withLimits();
const fixture = (name: string): URL => new URL(`fixtures/${name}`, import.meta.url);
const stats = (): UctStats => ({ unknownStatus: 0, releasedWithoutVersion: 0 });

describe('ubuntu-uct', () => {
  it('maps release lines to OSV Ubuntu ecosystems', () => {
    const rows: [string, string | undefined][] = [['bionic', 'Ubuntu:18.04'], ['trusty/esm', 'Ubuntu:Pro:14.04'], ['devel', undefined], ['upstream', undefined], ['vivid/ubuntu-core', undefined]];
    for (const [r, eco] of rows) assert.equal(ubuntuEcosystem(r), eco, r);
  });

  it('converts real UCT files: released (v) and [v] fixed, needs-triage unfixed, DNE/ignored/not-affected dropped — golden', () => {
    const out = ['CVE-2013-1424.uct', 'CVE-2017-15597.uct'].map((f) => {
      const r = parseUct(readFileSync(fixture(f), 'utf8'), f, limits, '2020-06-18T13:40:24.000Z', stats());
      assert.ok(r.ok, f);
      return r.value;
    });
    const m = out[0]!;
    assert.deepEqual(
      m.affected!.map((a) => [a.package!.ecosystem, a.ranges![0].events, a.ecosystem_specific!.priority]),
      [
        ['Ubuntu:14.04', [{ introduced: '0' }, { fixed: '1.3.1-1ubuntu5.1' }], 'low'],
        ['Ubuntu:Pro:14.04', [{ introduced: '0' }, { fixed: '1.3.1-1ubuntu5.1' }], 'low'],
      ],
    );
    assert.deepEqual(m.severity, [{ type: 'Ubuntu', score: 'medium' }]);
    assertGolden(fixture('uct.expected.json'), out);
  });

  it('streams the real 33k-file tracker archive', async () => {
    const ctx = testContext();
    let n = 0;
    let glibc;
    for await (const it of ubuntuUct.read(sharedPath('vulndb'), await ubuntuUct.locate(sharedPath('vulndb')), ctx)) {
      if (it.kind !== 'advisory') continue;
      n++;
      if (it.record.id === 'UBUNTU-CVE-2019-1010022') glibc = it.record;
    }
    assert.ok(n > 24_000, String(n));
    assert.deepEqual(ctx.warnings.filter((w) => w.startsWith('skipped')), []);
    assert.deepEqual(glibc!.affected!.map((a) => a.package!.ecosystem), ['Ubuntu:16.04', 'Ubuntu:18.04', 'Ubuntu:19.10']);
  });

  it('hostile: garbage and a file without Candidate are InputErrors naming the file', () => {
    const g = parseUct(readFileSync(fixture('garbage.uct'), 'utf8'), 'garbage.uct', limits, undefined, stats());
    assert.ok(!g.ok && g.error.file === 'garbage.uct' && g.error.field === 'line 2');
    const n = parseUct('PublicDate: 2020-01-01\n', 'nocand.uct', limits, undefined, stats());
    assert.ok(!n.ok && n.error.field === 'Candidate');
  });

  it('fuzz: mutations of real files never throw', () => {
    for (const f of ['CVE-2013-1424.uct', 'CVE-2017-15597.uct']) {
      assertTotal(mutations(readFileSync(fixture(f)), 300, 21), (b) => parseUct(b.toString('utf8'), f, limits, undefined, stats()));
    }
  });
});
