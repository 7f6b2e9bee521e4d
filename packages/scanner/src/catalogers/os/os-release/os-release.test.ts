import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { osRelease, distroFilePriority, parseOsRelease } from './os-release.js';
import { assertGolden, assertOverMaxBytes, catalogErr, catalogOk, fuzzCataloger } from '../../test-kit.js';

const fx = (name: string): Buffer => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
const golden = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;

const happy: [path: string, fixture: string][] = [
  ['/etc/os-release', 'debian-12.os-release'],
  ['/usr/lib/os-release', 'ubuntu-22.04.os-release'],
  ['/etc/os-release', 'alpine-3.19.os-release'],
  ['/etc/os-release', 'rocky-9.os-release'],
  ['/etc/debian_version', 'debian_version'],
  ['/etc/redhat-release', 'centos-7.redhat-release'],
];

test('happy fixtures give the distro (golden)', () => {
  const got = Object.fromEntries(happy.map(([path, f]) => [f, catalogOk(osRelease, path, fx(f))]));
  for (const r of Object.values(got)) assert.deepEqual(r.packages, []);
  assertGolden(got, golden('distros.expected.json'));
});

test('table: ids, versions and codenames', () => {
  const rows: [string, string, string, string | undefined, string | undefined][] = [
    ['/etc/os-release', 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n', 'debian', '12', 'bookworm'],
    ['/etc/os-release', "ID='ubuntu'\nVERSION_ID='20.04'\nUBUNTU_CODENAME=focal\n", 'ubuntu', '20.04', 'focal'],
    ['/etc/os-release', '# comment\nID="Wolfi"\n', 'wolfi', undefined, undefined],
    ['/etc/alpine-release', '3.18.4\n', 'alpine', '3.18.4', undefined],
    ['/etc/debian_version', 'trixie/sid\n', 'debian', undefined, 'trixie'],
    ['/etc/redhat-release', 'Red Hat Enterprise Linux release 8.9 (Ootpa)\n', 'rhel', '8.9', 'Ootpa'],
    ['/etc/redhat-release', 'Rocky Linux release 9.3 (Blue Onyx)\n', 'rocky', '9.3', 'Blue Onyx'],
  ];
  for (const [path, text, id, versionId, codename] of rows) {
    const os = catalogOk(osRelease, path, text).os;
    assert.equal(os?.id, id, text);
    assert.equal(os?.versionId, versionId, text);
    assert.equal(os?.versionCodename, codename, text);
  }
});

test('quoted values keep escaped characters', () => {
  assert.equal(parseOsRelease('PRETTY_NAME="A \\"quoted\\" name"').get('PRETTY_NAME'), 'A "quoted" name');
});

test('matches only the distro files', () => {
  for (const p of ['/etc/os-release', '/usr/lib/os-release', '/etc/alpine-release', '/etc/debian_version', '/etc/redhat-release']) {
    assert.ok(osRelease.matches(p, { size: 100, mode: 0o644 }), p);
  }
  for (const p of ['/etc/os-release.d/x', '/etc/lsb-release', 'os-release.txt']) assert.ok(!osRelease.matches(p, { size: 100, mode: 0o644 }), p);
  assert.ok(distroFilePriority('/etc/os-release') < distroFilePriority('/etc/debian_version'));
});

test('hostile siblings: binary, truncated, no ID, over maxBytes', () => {
  catalogErr(osRelease, '/etc/os-release', fx('not-text.bin'));
  catalogErr(osRelease, '/etc/os-release', fx('truncated.os-release'));
  catalogErr(osRelease, '/etc/redhat-release', 'SomeOS 1.0\n');
  catalogErr(osRelease, '/etc/debian_version', 'garbage here\n');
  assertOverMaxBytes(osRelease, '/etc/os-release');
});

test('fuzz: mutations of real files never throw', () => {
  fuzzCataloger(osRelease, '/etc/os-release', fx('debian-12.os-release'), 300, 11);
  fuzzCataloger(osRelease, '/etc/redhat-release', fx('centos-7.redhat-release'), 100, 12);
});
