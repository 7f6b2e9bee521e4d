import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import type { Advisory, KevInfo, OsvRecord, Package } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { matchPackages } from './match.js';
import { memoryLookup } from './memory-lookup.js';

// Real OSV records (osv.dev/GHSA npm excerpt, PyPA PyPI database) and the real CISA KEV catalog from shared/vulndb.
function loadZip(ecosystem: string): Advisory[] {
  const files = unzipSync(readFileSync(sharedPath('vulndb', 'osv', ecosystem, 'all.zip')));
  return Object.values(files).map((bytes) => ({ source: `osv:${ecosystem}`, record: JSON.parse(Buffer.from(bytes).toString('utf8')) as OsvRecord }));
}

function loadKev(): Map<string, KevInfo> {
  const doc = JSON.parse(readFileSync(sharedPath('vulndb', 'kev', 'known_exploited_vulnerabilities.json'), 'utf8')) as { vulnerabilities: { cveID: string; dateAdded: string; dueDate: string }[] };
  return new Map(doc.vulnerabilities.map((v) => [v.cveID, { dateAdded: v.dateAdded, dueDate: v.dueDate }]));
}

const npm = (name: string, version: string): Package => ({ name, version, type: 'npm', ecosystem: 'npm', purl: `pkg:npm/${name}@${version}`, licenses: [], locations: [{ path: `/srv/web/node_modules/${name}/package.json` }], foundBy: 'test' });
const pypi = (name: string, version: string): Package => ({ name, version, type: 'pypi', ecosystem: 'PyPI', purl: `pkg:pypi/${name.toLowerCase()}@${version}`, licenses: [], locations: [{ path: '/srv/locks/requirements.txt' }], foundBy: 'test' });

test('real records: lab-app npm packages and pinned PyPI packages', () => {
  const lookup = memoryLookup({ advisories: [...loadZip('npm'), ...loadZip('PyPI')], kev: loadKev() });
  const packages = [npm('lodash', '4.17.15'), npm('minimist', '1.2.0'), npm('lodash', '4.17.21'), pypi('Requests', '2.19.1'), pypi('PyYAML', '5.3')];
  const { findings, warnings } = matchPackages(packages, lookup, { now: new Date('2026-11-23T00:00:00Z') });
  assert.deepEqual(warnings, []);
  const got = findings.map((f) => `${f.package.name}@${f.package.version} ${f.id} ${f.severity} ${f.fixedVersions.join(',')}`);
  // Expected from the records themselves (ranges and GHSA CVSS 3.1 vectors), reviewed by hand.
  assert.deepEqual(got.filter((g) => g.startsWith('lodash@')).sort(), [
    'lodash@4.17.15 CVE-2020-28500 medium 4.17.21',
    'lodash@4.17.15 CVE-2020-8203 high 4.17.19',
    'lodash@4.17.15 CVE-2021-23337 high 4.17.21',
  ]);
  assert.deepEqual(got.filter((g) => g.startsWith('minimist@')).sort(), ['minimist@1.2.0 CVE-2020-7598 medium 1.2.3', 'minimist@1.2.0 CVE-2021-44906 critical 1.2.6']);
  const requests = findings.filter((f) => f.package.name === 'Requests');
  assert.deepEqual(requests.map((f) => f.id).sort(), ['CVE-2018-18074', 'CVE-2023-32681']);
  const r = requests.find((f) => f.id === 'CVE-2018-18074');
  assert.deepEqual(r?.aliases, ['GHSA-x84v-xcm2-53pg', 'PYSEC-2018-28']);
  assert.deepEqual(r?.fixedVersions, ['2.20.0']);
  assert.deepEqual(findings.filter((f) => f.package.name === 'PyYAML').map((f) => f.id).sort(), ['CVE-2020-14343', 'CVE-2020-1747']);
  // minimist CVE-2021-44906: the GHSA gives the 9.8 vector; the finding is ordered first (critical).
  assert.equal(findings[0].id, 'CVE-2021-44906');
  assert.equal(findings[0].severitySource, 'cvss:3.1:osv:GHSA-xvch-5gv4-984h');
  assert.equal(findings[0].title, 'Prototype Pollution in minimist');
  assert.ok(findings.every((f) => f.matchStatus === 'affected' && f.fixState === 'fixed'));
});

test('real records: withdrawn PyPI records never match', () => {
  const withdrawn = loadZip('PyPI').filter((a) => a.record.withdrawn);
  assert.ok(withdrawn.length >= 10);
  const lookup = memoryLookup({ advisories: withdrawn });
  const packages = withdrawn.flatMap((a) => (a.record.affected ?? []).filter((x) => x.package && x.versions?.length).map((x) => pypi(x.package?.name ?? '', x.versions?.[0] ?? '')));
  assert.ok(packages.length > 0);
  assert.deepEqual(matchPackages(packages, lookup).findings, []);
});
