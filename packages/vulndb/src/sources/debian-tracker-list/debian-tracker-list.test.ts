import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withLimits } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { advisories, assertGolden, assertTotal, collect, mutations } from '../test-helpers.js';
import { debianTrackerList, parseTrackerList } from './debian-tracker-list.js';
import { debianEcosystem } from './releases.js';

const limits = withLimits();
const fixture = (name: string): URL => new URL(`fixtures/${name}`, import.meta.url);

describe('debian-tracker-list', () => {
  it('maps codenames to OSV release numbers', () => {
    const rows: [string, string | undefined][] = [['woody', 'Debian:3.0'], ['squeeze', 'Debian:6.0'], ['wheezy', 'Debian:7'], ['bookworm', 'Debian:12'], ['trixie', 'Debian:13'], ['sid', undefined]];
    for (const [codename, eco] of rows) assert.equal(debianEcosystem(codename), eco, codename);
  });

  it('converts a real excerpt (fixed, <not-affected>, <end-of-life>, NOTE-only, urgency) — golden', () => {
    const r = parseTrackerList(readFileSync(fixture('dsa-excerpt.list'), 'utf8'), 'dsa-excerpt.list', limits);
    assert.ok(r.ok);
    assertGolden(fixture('dsa-excerpt.expected.json'), r.value.records);
  });

  it('reads the real DSA and DLA lists', async () => {
    const { items, warnings } = await collect(debianTrackerList, sharedPath('vulndb'));
    const recs = advisories(items);
    assert.deepEqual(warnings, []);
    assert.equal(recs.filter((r) => r.id.startsWith('DSA-')).length, 5381);
    assert.equal(recs.filter((r) => r.id.startsWith('DLA-')).length, 3530);
    const dsa = recs.find((r) => r.id === 'DSA-5380-1')!;
    assert.deepEqual(dsa.affected, [{ package: { ecosystem: 'Debian:11', name: 'xorg-server' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2:1.20.11-1+deb11u6' }] }] }]);
    assert.deepEqual(dsa.aliases, ['CVE-2023-1393']);
  });

  it('hostile: a line that is not tracker syntax is an InputError naming the file and line', () => {
    const r = parseTrackerList(readFileSync(fixture('garbage.list'), 'utf8'), 'garbage.list', limits);
    assert.ok(!r.ok && r.error.file === 'garbage.list' && r.error.field === 'line 4');
    const bin = parseTrackerList('\u0000\u0001', 'bin.list', limits);
    assert.ok(!bin.ok && bin.error.file === 'bin.list');
  });

  it('fuzz: mutations of the real excerpt never throw', () => {
    assertTotal(mutations(readFileSync(fixture('dsa-excerpt.list')), 400, 5), (b) => parseTrackerList(b.toString('utf8'), 'f.list', limits));
  });
});
