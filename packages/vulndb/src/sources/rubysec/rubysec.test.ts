import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withLimits } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { advisories, assertGolden, assertTotal, collect, mutations } from '../test-helpers.js';
import { bumpGem, requirementIntervals } from './requirements.js';
import { parseRubysec, rubysec, rubysecPath } from './rubysec.js';

const limits = withLimits();
const fixture = (name: string): URL => new URL(`fixtures/${name}`, import.meta.url);
const where = { kind: 'gems' as const, name: 'rack', base: 'CVE-2011-5036' };

describe('rubysec', () => {
  it('bumps and reads gem requirements like Gem::Requirement', () => {
    const bumps: [string, string][] = [['1.2.3', '1.3'], ['2.0', '3'], ['1', '2'], ['1.2.0.rc1', '1.3'], ['4.2.11-rc', '4.3']];
    for (const [v, b] of bumps) assert.equal(bumpGem(v), b, v);
    assert.deepEqual(requirementIntervals('~> 1.2.5'), [{ lo: { v: '1.2.5', inclusive: true }, hi: { v: '1.3', inclusive: false } }]);
    assert.deepEqual(requirementIntervals('>= 1.0, < 2'), [{ lo: { v: '1.0', inclusive: true }, hi: { v: '2', inclusive: false } }]);
    assert.deepEqual(requirementIntervals('!= 1.5').length, 2);
  });

  it('maps archive paths, with or without a GitHub archive folder', () => {
    assert.deepEqual(rubysecPath('gems/rack/CVE-2011-5036.yml'), where);
    assert.deepEqual(rubysecPath('ruby-advisory-db-master/rubies/jruby/CVE-2010-1330.yml'), { kind: 'rubies', name: 'jruby', base: 'CVE-2010-1330' });
    assert.equal(rubysecPath('README.md'), undefined);
  });

  it('converts a real advisory: vulnerable = not patched — golden', () => {
    const r = parseRubysec(readFileSync(fixture('CVE-2011-5036.yml')), 'CVE-2011-5036.yml', where, limits);
    assert.ok(r.ok);
    assert.deepEqual(r.value.affected![0].ranges![0].events, [{ introduced: '0' }, { fixed: '1.1.3' }, { introduced: '1.2' }, { fixed: '1.2.5' }, { introduced: '1.3' }, { fixed: '1.3.6' }]);
    assertGolden(fixture('CVE-2011-5036.expected.json'), r.value);
  });

  it('reads the whole real database: gems as RubyGems, rubies as Ruby', async () => {
    const { items, warnings } = await collect(rubysec, sharedPath('vulndb'));
    const recs = advisories(items);
    assert.deepEqual(warnings, []);
    assert.equal(recs.length, 1381);
    assert.equal(recs.filter((r) => r.affected![0].package!.ecosystem === 'Ruby').length, 147);
  });

  it('hostile: a bad requirement and a truncated file are InputErrors naming the file', () => {
    const b = parseRubysec(readFileSync(fixture('bad-requirement.yml')), 'bad-requirement.yml', where, limits);
    assert.ok(!b.ok && b.error.file === 'bad-requirement.yml' && b.error.field === 'patched_versions');
    const t = parseRubysec('gem: rack\ndate: [2011', 'cut.yml', where, limits);
    assert.ok(!t.ok && t.error.file === 'cut.yml');
  });

  it('fuzz: mutations of a real advisory never throw', () => {
    assertTotal(mutations(readFileSync(fixture('CVE-2011-5036.yml')), 400, 31), (b) => parseRubysec(b, 'f.yml', where, limits));
  });
});
