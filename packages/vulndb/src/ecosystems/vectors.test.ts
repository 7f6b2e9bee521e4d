import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { sharedPath } from '@bulwark/core/testing';
import { runVectors } from './vectors.js';
import { compareVersions } from './registry.js';

/**
 * Records in the shared corpus whose label contradicts the upstream source they cite. Each was checked by hand;
 * the test asserts Bulwark gives the upstream answer (so these count as failures in the report) and that nothing
 * else fails.
 *
 * guillemj/dpkg lib/dpkg/t/t-version.c, test_version_parse(): the extractor paired a leftover
 * `DPKG_VERSION_OBJECT(0, "2", "1")` ("2-1") from test_version_relate() with each parseversion() string, but the
 * C test compares each parsed string with the object built just before it (e.g. "5:1" with epoch 5, version "1").
 * dpkg itself orders "2-1" against these strings as shown.
 */
const CORPUS_DEFECTS: Record<string, { upstream: string }> = {
  '1e0a40566d1f222f': { upstream: '2-1 < 5:1 (epoch 5)' },
  b44b594abd0b5df2: { upstream: '2-1 > 0-0-0' },
  e8aa538b6d07d95d: { upstream: '2-1 > 0:0-0' },
  '2565ec9fbd56773e': { upstream: '2-1 > 0:0-0-0' },
  '2830193373d78749': { upstream: '2-1 > 0-azAZ09.+~' },
  f8f46b1982f76622: { upstream: '2-1 > 0-1' },
};

test('version vectors: every record of every ecosystem passes, except documented corpus defects', () => {
  const lines = readFileSync(sharedPath('corpus', 'versions', 'vectors.jsonl'), 'utf8').split('\n');
  const report = runVectors(lines);
  let total = 0;
  const unexpected: string[] = [];
  const defectsSeen = new Set<string>();
  for (const [ecosystem, tally] of Object.entries(report)) {
    total += tally.passed + tally.failed;
    for (const f of tally.failures) {
      if (CORPUS_DEFECTS[f.id]) defectsSeen.add(f.id);
      else unexpected.push(`${ecosystem} line ${f.line} (${f.id}): got ${f.got}`);
    }
  }
  assert.equal(total, 36388, 'every record is counted, none skipped');
  assert.deepEqual(unexpected, []);
  assert.deepEqual([...defectsSeen].sort(), Object.keys(CORPUS_DEFECTS).sort(), 'each listed defect is still disagreed with');
  for (const eco of ['Alpine', 'CRAN', 'Debian', 'Go', 'Hackage', 'Maven', 'NuGet', 'Packagist', 'Pub', 'PyPI', 'RPM', 'Red Hat', 'RubyGems', 'SemVer', 'npm']) {
    assert.ok((report[eco]?.passed ?? 0) > 0, `${eco} has passing records`);
  }
});

test('runVectors reports failures with line numbers, honours the filter, and survives bad lines', () => {
  const lines = [
    '{"id":"a","ecosystem":"Debian","type":"compare","a":"1.0","op":"<","b":"1.1"}',
    '{"id":"b","ecosystem":"Debian","type":"compare","a":"1.0","op":">","b":"1.1"}',
    'not json',
    '{"id":"c","ecosystem":"Alpine","type":"compare","a":"3.8.0","op":"~","b":"3.8.1","negated":true}',
    '{"id":"d","ecosystem":"npm","type":"range","range":"^1.2.3","version":"1.9.0","satisfies":true}',
    '{"id":"e","ecosystem":"Go","type":"valid","version":"v1.2","valid":true,"canonical":"v1.2.0"}',
    '{"id":"f","ecosystem":"Nope","type":"compare","a":"1","op":"<","b":"2"}',
    '',
  ];
  const all = runVectors(lines);
  assert.deepEqual(all.Debian, { passed: 1, failed: 1, failures: [{ id: 'b', line: 2, got: '<' }] });
  assert.equal(all['(unreadable)'].failed, 1);
  assert.equal(all.Alpine.passed, 1);
  assert.equal(all.npm.passed, 1);
  assert.equal(all.Go.passed, 1);
  assert.equal(all.Nope.failed, 1);
  const onlyGo = runVectors(lines, { ecosystem: 'Go' });
  assert.deepEqual(Object.keys(onlyGo), ['Go']);
});

test('the documented corpus defects are wrong by dpkg itself, the reference the records were taken from', { skip: !hasDpkg() && 'dpkg is not installed here' }, () => {
  const records = readFileSync(sharedPath('corpus', 'versions', 'vectors.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { id: string; a: string; op: string; b: string })
    .filter((r) => CORPUS_DEFECTS[r.id]);
  assert.equal(records.length, Object.keys(CORPUS_DEFECTS).length);
  for (const r of records) {
    assert.equal(r.op, '=', `${r.id} claims equality`);
    const dpkgSaysEqual = spawnSync('dpkg', ['--compare-versions', r.a, 'eq', r.b]).status === 0;
    assert.equal(dpkgSaysEqual, false, `dpkg --compare-versions ${r.a} eq ${r.b} is false, so record ${r.id} is mislabelled`);
    const ours = compareVersions('Debian', r.a, r.b);
    assert.ok(ours.ok && ours.value !== 0, `we agree with dpkg on ${r.a} vs ${r.b}`);
  }
});

function hasDpkg(): boolean {
  return spawnSync('dpkg', ['--version']).status === 0;
}
