import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withLimits } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { advisories, assertGolden, assertTotal, collect, mutations, tempDir } from '../test-helpers.js';
import { debianTrackerJson, parseTrackerJson, TRACKER_JSON } from './debian-tracker-json.js';

const limits = withLimits();
const SAMPLE = (): string => sharedPath('vulndb/samples/debian-security-tracker-json/debian.json');

describe('debian-tracker-json', () => {
  it('converts the real tracker sample: resolved → fixed, open → unfixed, fixed "0" → not affected — golden', () => {
    const r = parseTrackerJson(readFileSync(SAMPLE()), 'debian.json', limits, '2024-01-01T00:00:00.000Z');
    assert.ok(r.ok);
    assert.deepEqual([...r.value.skippedReleases], ['sid']);
    // CVE-2007-2383 is resolved with fixed_version "0" everywhere: never affected, so no record.
    assert.ok(!r.value.records.some((x) => x.id === 'DEBIAN-CVE-2007-2383'));
    const chromium = r.value.records.find((x) => x.id === 'DEBIAN-CVE-2022-0456')!;
    const buster = chromium.affected!.find((a) => a.package?.ecosystem === 'Debian:10')!;
    assert.deepEqual(buster.ranges, [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }]);
    assertGolden(new URL('fixtures/debian.expected.json', import.meta.url), r.value.records);
  });

  it('is found at debian/security-tracker.json in a mirror', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'debian'), { recursive: true });
    copyFileSync(SAMPLE(), join(dir, TRACKER_JSON));
    const recs = advisories((await collect(debianTrackerJson, dir)).items);
    assert.equal(recs.length, 5);
  });

  it('hostile: an unknown status and truncated JSON are InputErrors naming the file', () => {
    const r = parseTrackerJson(readFileSync(new URL('fixtures/bad-status.json', import.meta.url)), 'bad-status.json', limits, '2024-01-01T00:00:00Z');
    assert.ok(!r.ok && r.error.file === 'bad-status.json' && r.error.field === 'openssl.CVE-2024-0001.releases.bookworm.status');
    const t = parseTrackerJson(readFileSync(SAMPLE()).subarray(0, 300), 'cut.json', limits, '2024-01-01T00:00:00Z');
    assert.ok(!t.ok && t.error.file === 'cut.json');
  });

  it('fuzz: mutations of the real sample never throw', () => {
    assertTotal(mutations(readFileSync(SAMPLE()), 400, 13), (b) => parseTrackerJson(b, 'f.json', limits, '2024-01-01T00:00:00Z'));
  });
});
