import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withLimits } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { advisories, assertGolden, assertTotal, collect, mutations } from '../test-helpers.js';
import { friendsOfPhp, friendsOfPhpPath, parseFriendsOfPhp } from './friendsofphp.js';

const limits = withLimits();
const fixture = (name: string): URL => new URL(`fixtures/${name}`, import.meta.url);
const where = { pkg: 'cakephp/cakephp', base: '2015-08-06' };

describe('friendsofphp', () => {
  it('maps archive paths, with or without a GitHub archive folder', () => {
    assert.deepEqual(friendsOfPhpPath('cakephp/cakephp/2015-08-06.yaml'), where);
    assert.deepEqual(friendsOfPhpPath('security-advisories-master/cakephp/cakephp/2015-08-06.yaml'), where);
    assert.equal(friendsOfPhpPath('security-advisories-master/.github/workflows/ci.yaml'), undefined);
  });

  it('converts a real advisory, one range per branch — golden', () => {
    const r = parseFriendsOfPhp(readFileSync(fixture('2015-08-06.yaml')), '2015-08-06.yaml', where, limits);
    assert.ok(r.ok);
    assert.equal(r.value.affected![0].ranges!.length, 8);
    assert.deepEqual(r.value.affected![0].ranges![5].events, [{ introduced: '2.5.0' }, { fixed: '2.5.9' }]);
    assertGolden(fixture('2015-08-06.expected.json'), r.value);
  });

  it('reads the whole real database', async () => {
    const { items, warnings } = await collect(friendsOfPhp, sharedPath('vulndb'));
    assert.deepEqual(warnings, []);
    const recs = advisories(items);
    assert.equal(recs.length, 1592);
    assert.equal(new Set(recs.map((r) => r.affected![0].package!.name)).size, 350);
    const lte = recs.flatMap((r) => r.affected![0].ranges!).filter((g) => g.events.some((e) => e.last_affected));
    assert.ok(lte.length > 0, '"<=" constraints become last_affected');
  });

  it('hostile: a bad constraint and truncated YAML are InputErrors naming the file', () => {
    const b = parseFriendsOfPhp(readFileSync(fixture('bad-constraint.yaml')), 'bad-constraint.yaml', where, limits);
    assert.ok(!b.ok && b.error.file === 'bad-constraint.yaml' && b.error.field === 'branches.1.x.versions');
    const t = parseFriendsOfPhp(readFileSync(fixture('2015-08-06.yaml')).subarray(0, 200), 'cut.yaml', where, limits);
    assert.ok(!t.ok && t.error.file === 'cut.yaml');
  });

  it('fuzz: mutations of a real advisory never throw', () => {
    assertTotal(mutations(readFileSync(fixture('2015-08-06.yaml')), 400, 41), (b) => parseFriendsOfPhp(b, 'f.yaml', where, limits));
  });
});
