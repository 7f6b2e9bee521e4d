import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withLimits } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { assertTotal, collect, mutations } from '../test-helpers.js';
import { kev, parseKev } from './kev.js';

const limits = withLimits();

describe('kev', () => {
  it('reads the real CISA catalog', async () => {
    const { items } = await collect(kev, sharedPath('vulndb'));
    const rows = items.flatMap((i) => (i.kind === 'kev' ? [i] : []));
    assert.equal(rows.length, 1662);
    assert.ok(items.some((i) => i.kind === 'snapshot' && i.date === '2026-08-07T16:45:47.064Z'));
    const log4j = rows.find((r) => r.cve === 'CVE-2021-44228');
    assert.equal(log4j?.info.dateAdded, '2021-12-10');
    assert.equal(log4j?.info.knownRansomwareCampaignUse, 'Known');
  });

  it('hostile: garbage and truncated catalogs are InputErrors naming the file', () => {
    const garbage = parseKev(readFileSync(new URL('fixtures/not-json.json', import.meta.url)), 'kev.json', limits);
    assert.ok(!garbage.ok && garbage.error.file === 'kev.json');
    const real = readFileSync(sharedPath('vulndb/kev/known_exploited_vulnerabilities.json'));
    const cut = parseKev(real.subarray(0, 5000), 'cut.json', limits);
    assert.ok(!cut.ok && cut.error.file === 'cut.json');
    const wrongShape = parseKev('{"vulnerabilities": [{"cveID": "not-a-cve", "dateAdded": "2020-01-01"}]}', 'w.json', limits);
    assert.ok(!wrongShape.ok && wrongShape.error.field === 'vulnerabilities[0]');
  });

  it('fuzz: mutations of a real excerpt never throw', () => {
    const real = readFileSync(sharedPath('vulndb/kev/known_exploited_vulnerabilities.json'), 'utf8');
    const doc = JSON.parse(real) as { vulnerabilities: unknown[] };
    const excerpt = Buffer.from(JSON.stringify({ ...doc, vulnerabilities: doc.vulnerabilities.slice(0, 5) }, null, 2));
    assert.ok(assertTotal(mutations(excerpt, 400, 7), (b) => parseKev(b, 'kev.json', limits)) > 0);
  });
});
