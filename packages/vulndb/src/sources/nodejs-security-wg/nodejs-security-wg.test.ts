import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withLimits } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import semver from 'semver';
import { advisories, assertGolden, assertTotal, collect, mutations } from '../test-helpers.js';
import { nodejsSecurityWg, nswgEvents, parseNswgFile } from './nodejs-security-wg.js';

const limits = withLimits();
const fixture = (name: string): URL => new URL(`fixtures/${name}`, import.meta.url);

/** Evaluates OSV SEMVER events the way OSV defines them (sorted events, introduced/fixed/last_affected). */
function inEvents(events: { introduced?: string; fixed?: string; last_affected?: string }[], v: string): boolean {
  let affected = false;
  for (const e of events) {
    if (e.introduced !== undefined && (e.introduced === '0' || semver.gte(v, e.introduced))) affected = true;
    if (e.fixed !== undefined && semver.gte(v, e.fixed)) affected = false;
    if (e.last_affected !== undefined && semver.gt(v, e.last_affected)) affected = false;
  }
  return affected;
}

describe('nodejs-security-wg', () => {
  it('affected = vulnerable minus patched, checked against node-semver on every real core entry', async () => {
    const index = JSON.parse(readFileSync(sharedPath('vulndb/nodejs/vuln/core/index.json'), 'utf8')) as Record<string, { vulnerable: string; patched?: string }>;
    const probes = ['0.10.40', '4.8.3', '4.8.4', '6.0.0', '8.1.3', '8.1.4', '12.22.12', '14.21.3', '18.20.4', '20.20.1', '20.20.2', '22.22.1', '22.22.2', '24.14.0', '24.14.1', '25.8.2', '26.0.0'];
    let checked = 0;
    for (const [n, v] of Object.entries(index)) {
      const ev = nswgEvents(v.vulnerable, v.patched);
      assert.ok(ev, n);
      for (const p of probes) {
        const expected = semver.satisfies(p, v.vulnerable) && !(v.patched && semver.satisfies(p, v.patched));
        assert.equal(inEvents(ev.events, p), expected, `NSWG-COR-${n} at ${p}: ${v.vulnerable} / ${v.patched}`);
        checked++;
      }
    }
    assert.ok(checked > 2000);
  });

  it('converts real core and npm entries — golden', () => {
    const core = parseNswgFile(readFileSync(fixture('core-1.json')), 'vuln/core/1.json', 'core', limits);
    const npm = parseNswgFile(readFileSync(fixture('npm-1.json')), 'vuln/npm/1.json', 'npm', limits);
    assert.ok(core.ok && npm.ok);
    assert.equal(core.value[0].affected![0].package!.ecosystem, 'Node.js');
    assert.deepEqual(npm.value[0].affected![0].ranges![0].events, [{ introduced: '0' }, { last_affected: '1.5.1' }]);
    assertGolden(fixture('nswg.expected.json'), [...core.value, ...npm.value]);
  });

  it('reads the real core and npm indexes', async () => {
    const recs = advisories((await collect(nodejsSecurityWg, sharedPath('vulndb'))).items);
    assert.equal(recs.filter((r) => r.id.startsWith('NSWG-COR-')).length, 171);
    assert.equal(recs.filter((r) => r.id.startsWith('NSWG-ECO-')).length, 467);
  });

  it('hostile: a bad range and truncated JSON are InputErrors naming the file', () => {
    const b = parseNswgFile(readFileSync(fixture('bad-range.json')), 'vuln/core/999.json', 'core', limits);
    assert.ok(!b.ok && b.error.file === 'vuln/core/999.json');
    const t = parseNswgFile(readFileSync(fixture('core-1.json')).subarray(0, 40), 'vuln/core/1.json', 'core', limits);
    assert.ok(!t.ok && t.error.file === 'vuln/core/1.json');
  });

  it('fuzz: mutations of real entries never throw', () => {
    assertTotal(mutations(readFileSync(fixture('core-1.json')), 300, 51), (b) => parseNswgFile(b, 'vuln/core/1.json', 'core', limits));
    assertTotal(mutations(readFileSync(fixture('npm-1.json')), 300, 52), (b) => parseNswgFile(b, 'vuln/npm/1.json', 'npm', limits));
  });
});
