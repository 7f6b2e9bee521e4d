import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError, type Package, type ScanReport } from '@bulwark/core';
import { expectGolden } from '../report/golden.js';
import { renderCycloneDx } from '../report/cyclonedx.js';
import { renderSpdx } from '../report/spdx.js';
import { readCycloneDx } from './cyclonedx.js';
import { STRUCTURE_TOKENS, mutations } from '../catalogers/test-kit.js';
import { distroEcosystem, packageFromPurl } from './purl-package.js';
import { readSbom } from './read.js';
import { readSpdx } from './spdx.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (n: string): Buffer => readFileSync(join(here, 'fixtures', n));
const reportFixture = (): ScanReport => JSON.parse(readFileSync(join(here, '..', 'report', 'fixtures', 'sample.report.json'), 'utf8')) as ScanReport;

test('CycloneDX from Trivy (real, lab image excerpt): packages, distro ecosystem, epoch, source, layer, file path', () => {
  const r = readSbom(fixture('trivy-lab-app.cdx.json'), 'lab.cdx.json');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.equal(r.value.format, 'cyclonedx');
  assert.deepEqual(r.value.os, { id: 'debian', versionId: '12.15' });
  expectGolden(join(here, 'fixtures', 'trivy-lab-app.cdx.expected.json'), JSON.stringify(r.value, null, 2) + '\n');
  const byName = new Map(r.value.packages.map((p) => [p.name, p]));
  assert.equal(byName.get('bsdutils')?.version, '1:2.38.1-5+deb12u3');
  assert.equal(byName.get('bsdutils')?.ecosystem, 'Debian:12');
  assert.deepEqual(byName.get('libc6')?.source, { name: 'glibc', version: '2.36-9+deb12u14' });
  assert.deepEqual(byName.get('bash')?.source, { name: 'bash', version: '5.2.15-2' });
  assert.equal(byName.get('symfony/http-kernel')?.ecosystem, 'Packagist');
  assert.equal(byName.get('smallvec')?.ecosystem, 'crates.io');
  assert.deepEqual(byName.get('lodash')?.locations, [{ path: 'srv/web/node_modules/lodash/package.json', layer: { index: 3, digest: 'sha256:d7f731b429f75337e4b25e9628b9898bfb4aa482aed81e43191fea57af2b8d8f', diffId: 'sha256:d7f731b429f75337e4b25e9628b9898bfb4aa482aed81e43191fea57af2b8d8f' } }]);
});

test('SPDX 2.3 from Trivy (real, lab image excerpt): same packages as its CycloneDX', () => {
  const r = readSbom(fixture('trivy-lab-app.spdx.json'), 'lab.spdx.json');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.equal(r.value.specVersion, 'SPDX-2.3');
  expectGolden(join(here, 'fixtures', 'trivy-lab-app.spdx.expected.json'), JSON.stringify(r.value, null, 2) + '\n');
  const libc = r.value.packages.find((p) => p.name === 'libc6');
  assert.deepEqual(libc?.source, { name: 'glibc', version: '2.36-9+deb12u14' });
  assert.equal(libc?.ecosystem, 'Debian:12');
  assert.deepEqual(libc?.licenses, ['LGPL-2.1-only', 'GPL-2.0-only']);
  const cdx = readCycloneDx(fixture('trivy-lab-app.cdx.json'), 'lab.cdx.json');
  assert.ok(cdx.ok);
  const key = (p: Package): string => `${p.purl} ${p.version} ${p.ecosystem}`;
  const cdxKeys = new Set(cdx.value.packages.map(key));
  for (const p of r.value.packages) if (p.type === 'deb' || p.name === 'lodash') assert.ok(cdxKeys.has(key(p)), key(p));
});

test('CycloneDX 1.2 with nested components; purl-less components skipped with a warning', () => {
  const r = readSbom(fixture('nested.cdx-1.2.json'), 'nested.json');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(r.value.packages.map((p) => `${p.name}@${p.version}`), ['express@4.17.1', 'debug@2.6.9', 'ms@2.0.0', '@types/node@14.14.31']);
  assert.deepEqual(r.value.packages[3].licenses, ['MIT OR Apache-2.0']);
  assert.equal(r.value.subject, 'lab-web');
  assert.deepEqual(r.value.warnings, ['components[2] (local-lib): no purl, skipped']);
  assert.deepEqual(r.value.packages[0].locations, [{ path: 'nested.json' }]);
});

test('round trip: our CycloneDX and SPDX read back give the same packages', () => {
  const report = reportFixture();
  const strip = (ps: Package[]): unknown[] => ps.map(({ metadata: _m, ...rest }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const expected = strip(report.packages);
  const cdx = readSbom(renderCycloneDx(report), 'out.cdx.json');
  assert.ok(cdx.ok, cdx.ok ? '' : cdx.error.message);
  assert.deepEqual(strip(cdx.value.packages), expected);
  const spdx = readSbom(renderSpdx(report), 'out.spdx.json');
  assert.ok(spdx.ok, spdx.ok ? '' : spdx.error.message);
  assert.deepEqual(strip(spdx.value.packages), expected);
  assert.deepEqual(cdx.value.os, { id: 'debian', versionId: '12' });
});

test('purls → packages: distro qualifiers and namespaces to OSV ecosystems and names', () => {
  const rows: [string, string, string, string][] = [
    ['pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12.15', 'libc6', '2.36-9', 'Debian:12'],
    ['pkg:deb/ubuntu/libc6@2.35-0ubuntu3?distro=ubuntu-22.04', 'libc6', '2.35-0ubuntu3', 'Ubuntu:22.04'],
    ['pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.1', 'musl', '1.2.4-r2', 'Alpine:v3.19'],
    ['pkg:rpm/rocky/openssl@3.0.7-24.el9?epoch=1&distro=rocky-9.3', 'openssl', '1:3.0.7-24.el9', 'Rocky Linux:9'],
    ['pkg:deb/debian/zlib1g@1.2.13?upstream=zlib', 'zlib1g', '1.2.13', 'Debian'],
    ['pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', 'org.apache.logging.log4j:log4j-core', '2.14.1', 'Maven'],
    ['pkg:golang/github.com/gin-gonic/gin@v1.9.0', 'github.com/gin-gonic/gin', 'v1.9.0', 'Go'],
    ['pkg:npm/%40babel/core@7.0.0', '@babel/core', '7.0.0', 'npm'],
    ['pkg:gem/rack@2.2.3', 'rack', '2.2.3', 'RubyGems'],
    ['pkg:nuget/Newtonsoft.Json@12.0.1', 'Newtonsoft.Json', '12.0.1', 'NuGet'],
    ['pkg:pypi/pyyaml@5.3', 'pyyaml', '5.3', 'PyPI'],
    ['pkg:nodejs/node@v20.11.0', 'node', 'v20.11.0', 'nodejs'],
  ];
  for (const [purl, name, version, eco] of rows) {
    const p = packageFromPurl({ purl, licenses: [], locations: [], foundBy: 't' });
    assert.deepEqual([p?.name, p?.version, p?.ecosystem], [name, version, eco], purl);
  }
  assert.deepEqual(packageFromPurl({ purl: 'pkg:deb/debian/zlib1g@1.2.13?upstream=zlib', licenses: [], locations: [], foundBy: 't' })?.source, { name: 'zlib' });
  assert.equal(packageFromPurl({ purl: 'pkg:deb/debian/bash@5.2', licenses: [], locations: [], foundBy: 't', os: { id: 'debian', versionId: '11' } })?.ecosystem, 'Debian:11');
  assert.equal(packageFromPurl({ purl: 'not a purl', licenses: [], locations: [], foundBy: 't' }), undefined);
  assert.equal(distroEcosystem('alpine', 'v3.18'), 'Alpine:v3.18');
});

test('malformed documents: InputError naming the file and field', () => {
  const cases: [string, string | undefined, RegExp][] = [
    ['{"bomFormat": "SPDX", "specVersion": "1.5"}', 'bomFormat', /expected "CycloneDX"/],
    ['{"bomFormat": "CycloneDX", "specVersion": "1.1"}', 'specVersion', /1\.2–1\.6/],
    ['{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": {}}', '$.components', /an array/],
    ['{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"name": 3, "purl": "pkg:npm/a@1"}]}', 'components[0].name', /a string/],
    ['{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"name": "a", "components": [7]}]}', 'components[0].components[0]', /an object/],
    ['{"spdxVersion": "SPDX-2.1", "packages": []}', 'spdxVersion', /SPDX-2.2/],
    ['{"spdxVersion": "SPDX-2.3", "packages": [{"SPDXID": "x", "name": "a", "externalRefs": [{"referenceType": "purl", "referenceLocator": 5}]}]}', 'packages[0].externalRefs[0].referenceLocator', /a string/],
    ['{"hello": 1}', '$', /CycloneDX \(bomFormat\) or SPDX/],
    ['[1, 2]', '$', /CycloneDX \(bomFormat\) or SPDX/],
  ];
  for (const [text, field, msg] of cases) {
    const r = readSbom(text, 'sbom.json');
    assert.ok(!r.ok, text);
    assert.ok(r.error instanceof InputError);
    assert.equal(r.error.file, 'sbom.json');
    assert.equal(r.error.field, field, text);
    assert.match(r.error.message, msg);
  }
  const notJson = readSbom(fixture('tag-value.spdx'), 'tag-value.spdx');
  assert.ok(!notJson.ok && /not valid JSON/.test(notJson.error.message));
  const truncated = readSbom(fixture('truncated.cdx.json'), 'truncated.cdx.json');
  assert.ok(!truncated.ok && truncated.error.file === 'truncated.cdx.json');
});

test('limits: size, depth and package count', () => {
  const big = readSbom(fixture('trivy-lab-app.cdx.json'), 'big', { maxBytes: 1000 });
  assert.ok(!big.ok && big.error.kind === 'limit');
  const deep = `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${'{"name":"a","components":['.repeat(100)}${']}'.repeat(100)}]}`;
  const d = readSbom(deep, 'deep');
  assert.ok(!d.ok && d.error.kind === 'limit' && /nested 202 deep/.test(d.error.message));
  const many = readSpdx(fixture('trivy-lab-app.spdx.json'), 'many', { maxPackages: 3 });
  assert.ok(!many.ok && many.error.kind === 'limit');
  const manyCdx = readCycloneDx(fixture('nested.cdx-1.2.json'), 'many', { maxPackages: 2 });
  assert.ok(!manyCdx.ok && manyCdx.error.kind === 'limit');
});

test('fuzz: mutated real SBOMs give packages or an InputError, never a throw or a hang', () => {
  const start = Date.now();
  let errors = 0;
  let oks = 0;
  for (const name of ['trivy-lab-app.cdx.json', 'trivy-lab-app.spdx.json', 'nested.cdx-1.2.json']) {
    for (const m of mutations(fixture(name), 300, 42, STRUCTURE_TOKENS)) {
      const r = readSbom(m, name);
      if (r.ok) oks++;
      else {
        assert.ok(r.error instanceof InputError, String(r.error));
        errors++;
      }
    }
  }
  assert.ok(errors > 100 && oks > 50, `errors ${errors} oks ${oks}`);
  assert.ok(Date.now() - start < 30_000);
});
