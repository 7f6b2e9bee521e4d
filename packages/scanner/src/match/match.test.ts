import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Advisory, OsvRecord, Package, PackageType } from '@bulwark/core';
import { matchPackages } from './match.js';
import { memoryLookup } from './memory-lookup.js';

function pkg(type: PackageType, ecosystem: string, name: string, version: string, extra: Partial<Package> = {}): Package {
  return { name, version, type, ecosystem, purl: `pkg:${type}/${name}@${version}`, licenses: [], locations: [{ path: '/x' }], foundBy: 'test', ...extra };
}

function rec(id: string, eco: string, name: string, events: Record<string, string>[], extra: Partial<OsvRecord> = {}): OsvRecord {
  return { id, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: eco, name }, ranges: [{ type: 'ECOSYSTEM', events }] }], ...extra };
}

const adv = (source: string, record: OsvRecord): Advisory => ({ source, record });
const V31_HIGH = 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H'; // 7.4
const V31_CRIT = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 9.8
const V40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N'; // 6.9 medium
const V30 = 'CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N'; // 3.3 low

interface Row {
  name: string;
  packages: Package[];
  advisories: Advisory[];
  opts?: { now?: Date; ignoreUnfixed?: boolean };
  lookupExtra?: Parameters<typeof memoryLookup>[0];
  expect: { id: string; pkg?: string; matchStatus?: string; fixState?: string; fixed?: string[]; severity?: string; severitySource?: string; aliases?: string[]; sources?: string[] }[];
  warnings?: RegExp[];
}

const glibc = pkg('deb', 'Debian:12', 'libc6', '2.36-9+deb12u3', { source: { name: 'glibc', version: '2.36-9+deb12u3' } });

const rows: Row[] = [
  {
    name: 'deb binary matched through its source package, in the release ecosystem',
    packages: [glibc],
    advisories: [adv('debian', rec('DSA-5514-1', 'Debian:12', 'glibc', [{ introduced: '0' }, { fixed: '2.36-9+deb12u4' }], { aliases: ['CVE-2023-4911'] }))],
    expect: [{ id: 'CVE-2023-4911', pkg: 'libc6', matchStatus: 'affected', fixState: 'fixed', fixed: ['2.36-9+deb12u4'], aliases: ['DSA-5514-1'] }],
  },
  {
    name: 'another release ecosystem does not match',
    packages: [glibc],
    advisories: [adv('debian', rec('DSA-1', 'Debian:11', 'glibc', [{ introduced: '0' }, { fixed: '9' }]))],
    expect: [],
  },
  {
    name: 'the source version is compared (binary carries an epoch the source lacks)',
    packages: [pkg('deb', 'Debian:12', 'libfoo1', '1:2.0-1', { source: { name: 'foo', version: '2.0-1' } })],
    advisories: [adv('debian', rec('DEBIAN-CVE-2024-1', 'Debian:12', 'foo', [{ introduced: '0' }, { fixed: '2.0-2' }], { upstream: ['CVE-2024-1'] }))],
    expect: [{ id: 'CVE-2024-1', fixed: ['2.0-2'], aliases: ['DEBIAN-CVE-2024-1'] }],
  },
  {
    name: 'binNMU binary (+b1) is judged by its source version',
    packages: [pkg('deb', 'Debian:12', 'bash', '5.2.15-2+b1', { source: { name: 'bash', version: '5.2.15-2' } })],
    advisories: [adv('debian', rec('DEBIAN-CVE-2022-3715', 'Debian:12', 'bash', [{ introduced: '0' }, { fixed: '5.2.15-2+b1' }]))],
    expect: [{ id: 'DEBIAN-CVE-2022-3715', fixed: ['5.2.15-2+b1'] }],
  },
  {
    name: 'no source: binary name; a record naming the binary is found as well as the source one',
    packages: [pkg('deb', 'Debian:12', 'zlib1g', '1:1.2.13.dfsg-1'), pkg('deb', 'Debian:12', 'libssl3', '3.0.1-1', { source: { name: 'openssl', version: '3.0.1-1' } })],
    advisories: [
      adv('debian', rec('DSA-2', 'Debian:12', 'zlib1g', [{ introduced: '0' }, { fixed: '1:1.2.13.dfsg-2' }])),
      adv('debian', rec('DSA-3', 'Debian:12', 'libssl3', [{ introduced: '0' }, { fixed: '3.0.2-1' }])),
      adv('debian', rec('DSA-4', 'Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.3-1' }])),
    ],
    expect: [{ id: 'DSA-2', pkg: 'zlib1g' }, { id: 'DSA-3', pkg: 'libssl3' }, { id: 'DSA-4', pkg: 'libssl3' }],
  },
  {
    name: 'Alpine origin, apk versions',
    packages: [pkg('apk', 'Alpine:v3.19', 'libcrypto3', '3.1.4-r0', { source: { name: 'openssl' } })],
    advisories: [adv('alpine', rec('ALPINE-CVE-2023-5678', 'Alpine:v3.19', 'openssl', [{ introduced: '0' }, { fixed: '3.1.4-r1' }], { aliases: ['CVE-2023-5678'] }))],
    expect: [{ id: 'CVE-2023-5678', fixed: ['3.1.4-r1'] }],
  },
  {
    name: 'Ubuntu LTS ecosystem spelling and per-CVE upstream',
    packages: [pkg('deb', 'Ubuntu:22.04', 'libnetty-java', '1:4.1.48-4', { source: { name: 'netty', version: '1:4.1.48-4' } })],
    advisories: [
      adv('ubuntu', {
        id: 'UBUNTU-CVE-2022-24823', modified: '2026-06-08T16:11:47Z', upstream: ['CVE-2022-24823'], related: ['USN-7284-1'],
        severity: [{ type: 'Ubuntu', score: 'low' }],
        affected: [{ package: { ecosystem: 'Ubuntu:22.04:LTS', name: 'netty' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:4.1.48-4ubuntu0.1' }] }] }],
      }),
    ],
    expect: [{ id: 'CVE-2022-24823', severity: 'low', severitySource: 'ubuntu-priority', aliases: ['UBUNTU-CVE-2022-24823'] }],
  },
  {
    name: 'withdrawn records skipped; one withdrawn after the scan time still applies',
    packages: [pkg('npm', 'npm', 'a', '1.0.0')],
    advisories: [
      adv('osv:npm', rec('GHSA-gone', 'npm', 'a', [{ introduced: '0' }], { withdrawn: '2024-02-01T00:00:00Z' })),
      adv('osv:npm', rec('GHSA-late', 'npm', 'a', [{ introduced: '0' }], { withdrawn: '2030-01-01T00:00:00Z' })),
    ],
    opts: { now: new Date('2025-01-01T00:00:00Z') },
    expect: [{ id: 'GHSA-late', fixState: 'not-fixed', fixed: [] }],
  },
  {
    name: 'unfixed vs no-dsa/end-of-life (wont-fix); ignoreUnfixed drops both',
    packages: [glibc],
    advisories: [
      adv('debian', rec('DEBIAN-CVE-2024-2', 'Debian:12', 'glibc', [{ introduced: '0' }])),
      adv('debian', { ...rec('DEBIAN-CVE-2024-3', 'Debian:12', 'glibc', [{ introduced: '0' }]), database_specific: { nodsa: 'Minor issue' } }),
      adv('debian', { ...rec('DEBIAN-CVE-2024-4', 'Debian:12', 'glibc', [{ introduced: '0' }]), database_specific: { status: 'end-of-life' } }),
    ],
    expect: [
      { id: 'DEBIAN-CVE-2024-2', fixState: 'not-fixed' },
      { id: 'DEBIAN-CVE-2024-3', fixState: 'wont-fix' },
      { id: 'DEBIAN-CVE-2024-4', fixState: 'wont-fix' },
    ],
  },
  {
    name: 'ignoreUnfixed keeps only fixed findings',
    packages: [glibc],
    advisories: [
      adv('debian', rec('DEBIAN-CVE-2024-2', 'Debian:12', 'glibc', [{ introduced: '0' }])),
      adv('debian', rec('DEBIAN-CVE-2024-5', 'Debian:12', 'glibc', [{ introduced: '0' }, { fixed: '2.37-1' }])),
    ],
    opts: { ignoreUnfixed: true },
    expect: [{ id: 'DEBIAN-CVE-2024-5', fixState: 'fixed' }],
  },
  {
    name: 'a CVE and the GHSA/PYSEC records aliasing it become one finding',
    packages: [pkg('pypi', 'PyPI', 'Requests', '2.19.1')],
    advisories: [
      adv('osv:PyPI', rec('PYSEC-2018-28', 'PyPI', 'requests', [{ introduced: '0' }, { fixed: '2.20.0' }], { aliases: ['CVE-2018-18074', 'GHSA-x84v-xcm2-53pg'] })),
      adv('ghsa', rec('GHSA-x84v-xcm2-53pg', 'PyPI', 'requests', [{ introduced: '0' }, { fixed: '2.20.0' }], { aliases: ['CVE-2018-18074'], database_specific: { severity: 'HIGH' } })),
    ],
    expect: [{ id: 'CVE-2018-18074', aliases: ['GHSA-x84v-xcm2-53pg', 'PYSEC-2018-28'], sources: ['ghsa:GHSA-x84v-xcm2-53pg', 'osv:PyPI:PYSEC-2018-28'], severity: 'high', severitySource: 'ghsa', fixed: ['2.20.0'] }],
  },
  {
    name: 'two CVEs are never merged through a record aliasing both; no CVE → first advisory id',
    packages: [pkg('npm', 'npm', 'b', '1.0.0')],
    advisories: [
      adv('osv:npm', rec('GHSA-both', 'npm', 'b', [{ introduced: '0' }], { aliases: ['CVE-2020-1', 'CVE-2020-2'] })),
      adv('osv:npm', rec('GHSA-one', 'npm', 'b', [{ introduced: '0' }], { aliases: ['CVE-2020-1'] })),
      adv('osv:npm', rec('GHSA-two', 'npm', 'b', [{ introduced: '0' }], { aliases: ['CVE-2020-2'] })),
      adv('osv:npm', rec('GHSA-zz', 'npm', 'b', [{ introduced: '0' }], { aliases: ['MAL-2025-1'] })),
      adv('osv:npm', rec('MAL-2025-1', 'npm', 'b', [{ introduced: '0' }])),
    ],
    expect: [{ id: 'CVE-2020-1', aliases: ['GHSA-one'] }, { id: 'CVE-2020-2', aliases: ['GHSA-two'] }, { id: 'GHSA-both' }, { id: 'GHSA-zz', aliases: ['MAL-2025-1'] }],
  },
  {
    name: 'severity: v3.1 preferred over v4 and v3.0; enrichment (NVD) before the advisory',
    packages: [pkg('npm', 'npm', 'c', '1.0.0')],
    advisories: [
      adv('osv:npm', rec('GHSA-c1', 'npm', 'c', [{ introduced: '0' }], { aliases: ['CVE-2021-1'], severity: [{ type: 'CVSS_V4', score: V40 }, { type: 'CVSS_V3', score: V31_HIGH }] })),
      adv('osv:npm', rec('GHSA-c2', 'npm', 'c', [{ introduced: '0' }], { severity: [{ type: 'CVSS_V4', score: V40 }, { type: 'CVSS_V3', score: V30 }] })),
      adv('osv:npm', rec('GHSA-c3', 'npm', 'c', [{ introduced: '0' }], { severity: [{ type: 'CVSS_V3', score: V30 }] })),
      adv('osv:npm', rec('GHSA-c4', 'npm', 'c', [{ introduced: '0' }], { aliases: ['CVE-2021-4'], severity: [{ type: 'CVSS_V3', score: V31_HIGH }] })),
      adv('osv:npm', rec('GHSA-c5', 'npm', 'c', [{ introduced: '0' }])),
    ],
    lookupExtra: {
      advisories: [],
      enrichment: new Map([['CVE-2021-4', { cvss: [{ version: '3.1', vector: V31_CRIT, baseScore: 9.8, severity: 'critical', source: 'nvd' }] }]]),
    },
    expect: [
      { id: 'CVE-2021-4', severity: 'critical', severitySource: 'cvss:3.1:nvd' },
      { id: 'CVE-2021-1', severity: 'high', severitySource: 'cvss:3.1:osv:GHSA-c1' },
      { id: 'GHSA-c2', severity: 'medium', severitySource: 'cvss:4.0:osv:GHSA-c2' },
      { id: 'GHSA-c3', severity: 'low', severitySource: 'cvss:3.0:osv:GHSA-c3' },
      { id: 'GHSA-c5', severity: 'unknown', severitySource: 'none' },
    ],
  },
  {
    name: 'a version that cannot be compared gives matchStatus unknown and a warning naming the package',
    packages: [pkg('npm', 'npm', 'd', 'not a version!')],
    advisories: [adv('osv:npm', rec('GHSA-d', 'npm', 'd', [{ introduced: '1.0.0' }, { fixed: '1.2.0' }]))],
    expect: [{ id: 'GHSA-d', matchStatus: 'unknown', fixState: 'unknown' }],
    warnings: [/^d@not a version! \(npm\): cannot decide GHSA-d/],
  },
  {
    name: 'fixed versions: lowest above the installed one first',
    packages: [pkg('npm', 'npm', 'e', '1.0.0')],
    advisories: [
      adv('osv:npm', {
        id: 'GHSA-e', modified: '2024-01-01T00:00:00Z',
        affected: [
          { package: { ecosystem: 'npm', name: 'e' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.10.0' }] }] },
          { package: { ecosystem: 'npm', name: 'e' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2.0' }] }] },
        ],
      }),
    ],
    expect: [{ id: 'GHSA-e', fixed: ['1.2.0', '1.10.0'] }],
  },
];

for (const row of rows) {
  test(`match: ${row.name}`, () => {
    const lookup = memoryLookup({ ...(row.lookupExtra ?? { advisories: [] }), advisories: row.advisories });
    const { findings, warnings } = matchPackages(row.packages, lookup, row.opts);
    assert.deepEqual(findings.map((f) => f.id), row.expect.map((e) => e.id));
    row.expect.forEach((e, i) => {
      const f = findings[i];
      if (e.pkg) assert.equal(f.package.name, e.pkg);
      if (e.matchStatus) assert.equal(f.matchStatus, e.matchStatus);
      if (e.fixState) assert.equal(f.fixState, e.fixState);
      if (e.fixed) assert.deepEqual(f.fixedVersions, e.fixed);
      if (e.severity) assert.equal(f.severity, e.severity, f.id);
      if (e.severitySource) assert.equal(f.severitySource, e.severitySource, f.id);
      if (e.aliases) assert.deepEqual(f.aliases, e.aliases);
      if (e.sources) assert.deepEqual(f.dataSources.map((d) => `${d.source}:${d.id}`), e.sources);
    });
    if (row.warnings) {
      assert.equal(warnings.length, row.warnings.length, warnings.join('\n'));
      row.warnings.forEach((w, i) => assert.match(warnings[i], w));
    } else assert.deepEqual(warnings, []);
  });
}

test('match: kev and epss attached to CVE findings; all CVSS scores kept', () => {
  const lookup = memoryLookup({
    advisories: [adv('osv:npm', rec('GHSA-k', 'npm', 'k', [{ introduced: '0' }], { aliases: ['CVE-2021-44228'], severity: [{ type: 'CVSS_V3', score: V31_CRIT }, { type: 'CVSS_V4', score: V40 }] }))],
    kev: new Map([['CVE-2021-44228', { dateAdded: '2021-12-10' }]]),
    epss: new Map([['CVE-2021-44228', { score: 0.97, percentile: 0.99 }]]),
  });
  const [f] = matchPackages([pkg('npm', 'npm', 'k', '1.0.0')], lookup).findings;
  assert.deepEqual(f.kev, { dateAdded: '2021-12-10' });
  assert.deepEqual(f.epss, { score: 0.97, percentile: 0.99 });
  assert.deepEqual(f.cvss.map((c) => c.version), ['3.1', '4.0']);
});

test('match: output order is severity, id, package, whatever the input order', () => {
  const advisories = [
    adv('osv:npm', rec('GHSA-low', 'npm', 'p', [{ introduced: '0' }], { severity: [{ type: 'CVSS_V3', score: V30 }] })),
    adv('osv:npm', rec('GHSA-crit', 'npm', 'p', [{ introduced: '0' }], { severity: [{ type: 'CVSS_V3', score: V31_CRIT }] })),
    adv('osv:npm', rec('GHSA-crit2', 'npm', 'q', [{ introduced: '0' }], { severity: [{ type: 'CVSS_V3', score: V31_CRIT }] })),
  ];
  const pkgs = [pkg('npm', 'npm', 'q', '1.0.0'), pkg('npm', 'npm', 'p', '1.0.0')];
  const a = matchPackages(pkgs, memoryLookup({ advisories })).findings.map((f) => `${f.id}/${f.package.name}`);
  const b = matchPackages([...pkgs].reverse(), memoryLookup({ advisories: [...advisories].reverse() })).findings.map((f) => `${f.id}/${f.package.name}`);
  assert.deepEqual(a, ['GHSA-crit/p', 'GHSA-crit2/q', 'GHSA-low/p']);
  assert.deepEqual(b, a);
});
