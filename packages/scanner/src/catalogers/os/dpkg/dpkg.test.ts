import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dpkg } from './dpkg.js';
import { copyrightLicenses, normalizeDebianLicense, recogniseLicenseText, splitLicenseExpression } from './licenses.js';
import { parseControl } from './control.js';
import { assertGolden, assertOverMaxBytes, catalogErr, catalogOk, fuzzCataloger } from '../../test-kit.js';

const fx = (name: string): Buffer => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
const golden = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;
const info = { size: 1, mode: 0o644 };

test('status: installed packages only, epochs, sources (golden)', () => {
  const r = catalogOk(dpkg, '/var/lib/dpkg/status', fx('status'));
  assert.deepEqual(r.packages.map((p) => p.name), ['adduser', 'bsdutils', 'fzf', 'libgmp10'], 'config-files remnant skipped');
  assertGolden(r, golden('status.expected.json'));
});

test('status: fields map to the package model', () => {
  const [, bsdutils, fzf, libgmp10] = catalogOk(dpkg, '/var/lib/dpkg/status', fx('status')).packages;
  assert.equal(bsdutils.version, '1:2.38.1-5+deb12u3');
  assert.equal(bsdutils.purl, 'pkg:deb/debian/bsdutils@2.38.1-5+deb12u3?arch=amd64&epoch=1');
  assert.deepEqual(bsdutils.source, { name: 'util-linux', version: '2.38.1-5+deb12u3' });
  assert.deepEqual(fzf.source, { name: 'fzf', version: '0.38.0-1' });
  assert.deepEqual(libgmp10.source, { name: 'gmp', version: '2:6.2.1+dfsg1-1.1' }, 'bare Source takes the binary version');
  assert.equal(fzf.ecosystem, 'Debian');
  assert.equal(fzf.type, 'deb');
  assert.equal(fzf.foundBy, 'os/dpkg');
  assert.deepEqual(fzf.locations, [{ path: '/var/lib/dpkg/status' }]);
});

test('status states: table', () => {
  const rows: [string, boolean][] = [
    ['install ok installed', true],
    ['hold ok installed', true],
    ['install ok triggers-pending', true],
    ['deinstall ok config-files', false],
    ['install ok half-installed', false],
    ['purge ok not-installed', false],
    ['install ok unpacked', false],
  ];
  for (const [status, present] of rows) {
    const r = catalogOk(dpkg, '/var/lib/dpkg/status', `Package: a\nStatus: ${status}\nVersion: 1.0-1\nArchitecture: all\n`);
    assert.equal(r.packages.length, present ? 1 : 0, status);
  }
  // status.d files (distroless) have no Status line and count as installed; the status file needs one.
  assert.equal(catalogOk(dpkg, '/var/lib/dpkg/status', 'Package: a\nVersion: 1\n').packages.length, 0);
});

test('distroless status.d files (golden)', () => {
  const r = catalogOk(dpkg, '/var/lib/dpkg/status.d/libc6', fx('libc6.status-d'));
  assert.equal(r.packages.length, 1);
  assert.deepEqual(r.packages[0].source, { name: 'glibc', version: '2.36-9+deb12u14' });
  assertGolden(r, golden('libc6.status-d.expected.json'));
});

test('matches status, status.d control files and copyright files only', () => {
  const yes = ['/var/lib/dpkg/status', '/var/lib/dpkg/status.d/libc6', '/var/lib/dpkg/status.d/base', '/usr/share/doc/fzf/copyright'];
  const no = ['/var/lib/dpkg/status-old', '/var/lib/dpkg/status.d/libc6.md5sums', '/var/lib/dpkg/available', '/usr/share/doc/fzf/changelog.gz', '/usr/share/doc/fzf/x/copyright'];
  for (const p of yes) assert.ok(dpkg.matches(p, info), p);
  for (const p of no) assert.ok(!dpkg.matches(p, info), p);
});

test('copyright files give license hints (golden)', () => {
  const got = Object.fromEntries(
    ['fzf', 'python3-yaml', 'libselinux1', 'libxxhash0', 'dash'].map((n) => [n, catalogOk(dpkg, `/usr/share/doc/${n}/copyright`, fx(`${n}.copyright`)).licenseHints]),
  );
  assert.deepEqual(got.fzf, [{ type: 'deb', name: 'fzf', licenses: ['MIT'] }]);
  assert.deepEqual(got['python3-yaml'], [{ type: 'deb', name: 'python3-yaml', licenses: ['MIT'] }], 'MIT recognised from its text');
  assert.deepEqual(got.libselinux1?.[0].licenses, ['LGPL-2.1-only', 'GPL-2.0-only'], 'common-licenses references');
  assertGolden(got, golden('copyright.expected.json'));
});

test('license names: table', () => {
  const rows: [string, string][] = [
    ['Expat', 'MIT'],
    ['GPL-2+', 'GPL-2.0-or-later'],
    ['GPL-2', 'GPL-2.0-only'],
    ['LGPL-2.1+', 'LGPL-2.1-or-later'],
    ['GFDL-NIV-1.3+', 'GFDL-1.3-no-invariants-or-later'],
    ['BSD-3-clause', 'BSD-3-Clause'],
    ['Apache-2', 'Apache-2.0'],
    ['public-domain', 'public-domain'],
  ];
  for (const [raw, want] of rows) assert.equal(normalizeDebianLicense(raw), want, raw);
  assert.deepEqual(splitLicenseExpression('BSD-3-clause and/or GPL-3+'), ['BSD-3-clause', 'GPL-3+']);
  assert.deepEqual(splitLicenseExpression('GPL-1+ or Artistic'), ['GPL-1+', 'Artistic']);
  assert.deepEqual(splitLicenseExpression('Artistic or GPL-1+, and Unicode'), ['Artistic', 'GPL-1+', 'Unicode']);
  assert.deepEqual(copyrightLicenses('Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-3+ with Bison exception\n'), ['GPL-3+ with Bison exception']);
  assert.deepEqual(recogniseLicenseText('Redistribution and use in source and binary forms, with or without\nmodification, are permitted provided that ... Neither the name of'), ['BSD-3-Clause']);
  assert.deepEqual(copyrightLicenses('Nothing recognisable here.\n'), []);
});

test('control parser: continuation lines and " ." blank lines', () => {
  const { paragraphs } = parseControl('Package: a\nDescription: x\n line\n .\n more\n\nPackage: b\n');
  assert.equal(paragraphs.length, 2);
  assert.equal(paragraphs[0].get('Description'), 'x\nline\n\nmore');
});

test('hostile siblings: truncated, binary, not control, over maxBytes', () => {
  const t = catalogOk(dpkg, '/var/lib/dpkg/status', fx('truncated.status'));
  assert.deepEqual(t.packages.map((p) => p.version), ['5.2.15-2+b13'], 'truncated description still gives the package');
  catalogErr(dpkg, '/var/lib/dpkg/status', fx('not-text.bin'));
  catalogErr(dpkg, '/var/lib/dpkg/status', fx('not-control.json'));
  catalogErr(dpkg, '/usr/share/doc/x/copyright', fx('not-text.bin'));
  assertOverMaxBytes(dpkg, '/var/lib/dpkg/status');
});

test('fuzz: mutations of real status and copyright files never throw', () => {
  fuzzCataloger(dpkg, '/var/lib/dpkg/status', fx('status'), 300, 21);
  fuzzCataloger(dpkg, '/var/lib/dpkg/status.d/libc6', fx('libc6.status-d'), 100, 22);
  fuzzCataloger(dpkg, '/usr/share/doc/dash/copyright', fx('dash.copyright'), 200, 23);
});
