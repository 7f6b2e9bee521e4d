import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Distro, Package, PackageType } from '@bulwark/core';
import { applyDistro } from './distro.js';

function pkg(type: PackageType, purl: string, ecosystem: string): Package {
  return { name: 'x', version: '1', type, ecosystem, purl, licenses: [], locations: [{ path: '/p' }], foundBy: 't' };
}

const rows: { name: string; type: PackageType; purl: string; eco: string; distro: Distro; wantEco: string; wantPurl: string }[] = [
  { name: 'debian major only', type: 'deb', purl: 'pkg:deb/debian/libc6@2.36-9?arch=amd64', eco: 'Debian', distro: { id: 'debian', versionId: '12' }, wantEco: 'Debian:12', wantPurl: 'pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12' },
  { name: 'debian point release', type: 'deb', purl: 'pkg:deb/debian/libc6@2.36-9', eco: 'Debian', distro: { id: 'debian', versionId: '12.5' }, wantEco: 'Debian:12', wantPurl: 'pkg:deb/debian/libc6@2.36-9?distro=debian-12.5' },
  { name: 'ubuntu namespace', type: 'deb', purl: 'pkg:deb/debian/bash@5.1-6ubuntu1?arch=amd64', eco: 'Debian', distro: { id: 'ubuntu', versionId: '22.04' }, wantEco: 'Ubuntu:22.04', wantPurl: 'pkg:deb/ubuntu/bash@5.1-6ubuntu1?arch=amd64&distro=ubuntu-22.04' },
  { name: 'alpine major.minor', type: 'apk', purl: 'pkg:apk/alpine/musl@1.2.4-r2', eco: 'Alpine', distro: { id: 'alpine', versionId: '3.19.1' }, wantEco: 'Alpine:v3.19', wantPurl: 'pkg:apk/alpine/musl@1.2.4-r2?distro=alpine-3.19.1' },
  { name: 'wolfi', type: 'apk', purl: 'pkg:apk/wolfi/glibc@2.39-r1', eco: 'Alpine', distro: { id: 'wolfi', versionId: '20230201' }, wantEco: 'Wolfi', wantPurl: 'pkg:apk/wolfi/glibc@2.39-r1?distro=wolfi-20230201' },
  { name: 'rocky', type: 'rpm', purl: 'pkg:rpm/bash@5.1.8-6.el9', eco: 'RPM', distro: { id: 'rocky', versionId: '9.3' }, wantEco: 'Rocky Linux:9', wantPurl: 'pkg:rpm/rocky/bash@5.1.8-6.el9?distro=rocky-9.3' },
  { name: 'almalinux', type: 'rpm', purl: 'pkg:rpm/almalinux/bash@5.1', eco: 'RPM', distro: { id: 'almalinux', versionId: '8.9' }, wantEco: 'AlmaLinux:8', wantPurl: 'pkg:rpm/almalinux/bash@5.1?distro=almalinux-8.9' },
  { name: 'opensuse leap', type: 'rpm', purl: 'pkg:rpm/opensuse/bash@5.1', eco: 'RPM', distro: { id: 'opensuse-leap', versionId: '15.5' }, wantEco: 'openSUSE:Leap 15.5', wantPurl: 'pkg:rpm/opensuse/bash@5.1?distro=opensuse-leap-15.5' },
  { name: 'amazon linux keeps base ecosystem (no OSV name)', type: 'rpm', purl: 'pkg:rpm/amazon/bash@5.2', eco: 'RPM', distro: { id: 'amzn', versionId: '2023' }, wantEco: 'RPM', wantPurl: 'pkg:rpm/amazon/bash@5.2?distro=amzn-2023' },
  { name: 'deb on a non-Debian distro keeps its ecosystem', type: 'deb', purl: 'pkg:deb/debian/x@1', eco: 'Debian', distro: { id: 'alpine', versionId: '3.19' }, wantEco: 'Debian', wantPurl: 'pkg:deb/debian/x@1?distro=alpine-3.19' },
];

for (const r of rows) {
  test(`applyDistro: ${r.name}`, () => {
    const out = applyDistro(pkg(r.type, r.purl, r.eco), r.distro);
    assert.equal(out.ecosystem, r.wantEco);
    assert.equal(out.purl, r.wantPurl);
  });
}

test('applyDistro leaves language packages alone and does not mutate its input', () => {
  const npm = pkg('npm', 'pkg:npm/lodash@4.17.15', 'npm');
  assert.equal(applyDistro(npm, { id: 'debian', versionId: '12' }), npm);
  const deb = pkg('deb', 'pkg:deb/debian/a@1', 'Debian');
  applyDistro(deb, { id: 'debian', versionId: '12' });
  assert.equal(deb.ecosystem, 'Debian');
});
