import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withLimits } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { advisories, assertTotal, collect, mutations } from '../test-helpers.js';
import { alpineSecdb, parseSecdb, secdbRecords } from './alpine-secdb.js';

const limits = withLimits();

describe('alpine-secdb', () => {
  it('reads all 18 real YAML files into per-CVE records keyed by origin package', async () => {
    const dir = sharedPath('vulndb');
    assert.equal((await alpineSecdb.locate(dir)).length, 18);
    const recs = advisories((await collect(alpineSecdb, dir)).items);
    assert.ok(recs.length > 2500, String(recs.length));
    const r = recs.find((x) => x.id === 'ALPINE-CVE-2019-14904')!;
    assert.deepEqual(r.aliases, ['CVE-2019-14904']);
    assert.ok(r.affected!.some((a) => a.package!.ecosystem === 'Alpine:v3.11' && a.package!.name === 'ansible' && a.ranges![0].events[1].fixed === '2.9.3-r0'));
  });

  it('reads the secdb JSON served by secdb.alpinelinux.org', () => {
    const r = parseSecdb(readFileSync(sharedPath('vulndb/samples/alpine-secdb-json/v3.10-community.json')), 'v3.10-community.json', limits);
    assert.ok(r.ok);
    assert.deepEqual(r.value.find((f) => f.vuln === 'CVE-2018-20187'), { ecosystem: 'Alpine:v3.10', name: 'botan', vuln: 'CVE-2018-20187', fixed: '2.9.0-r0' });
  });

  it('keeps versions as strings and treats key "0" as never affected', () => {
    const yaml = 'distroversion: v3.9\nreponame: main\npackages:\n  - pkg:\n      name: a\n      secfixes:\n        1.10-r0:\n          - CVE-2020-0001 CVE-2020-0002\n        0:\n          - CVE-2020-0003\n';
    const r = parseSecdb(yaml, 'x.yaml', limits);
    assert.ok(r.ok);
    assert.deepEqual(r.value.map((f) => [f.vuln, f.fixed]).sort(), [['CVE-2020-0001', '1.10-r0'], ['CVE-2020-0002', '1.10-r0'], ['CVE-2020-0003', '0']]);
    assert.deepEqual(secdbRecords(r.value, '2020-01-01T00:00:00Z').map((x) => x.id), ['ALPINE-CVE-2020-0001', 'ALPINE-CVE-2020-0002']);
  });

  it('hostile: truncated YAML and a non-secdb document are InputErrors naming the file', () => {
    const t = parseSecdb(readFileSync(new URL('fixtures/truncated.yaml', import.meta.url)), 'truncated.yaml', limits);
    assert.ok(!t.ok && t.error.file === 'truncated.yaml');
    const w = parseSecdb('[1, 2, 3]', 'list.json', limits);
    assert.ok(!w.ok && w.error.file === 'list.json');
  });

  it('fuzz: mutations of a real file never throw', () => {
    assertTotal(mutations(readFileSync(sharedPath('vulndb/alpine/secdb/v3.4/community.yaml')), 300, 17), (b) => parseSecdb(b, 'f.yaml', limits));
    assertTotal(mutations(readFileSync(sharedPath('vulndb/samples/alpine-secdb-json/v3.10-community.json')), 300, 18), (b) => parseSecdb(b, 'f.json', limits));
  });
});
