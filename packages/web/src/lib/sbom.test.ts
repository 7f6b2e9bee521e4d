import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cyclonedx, spdx } from './sbom.js';

const pkgs = [
  { name: 'openssl', version: '3.0.11-1', purl: 'pkg:deb/debian/openssl@3.0.11-1' },
  { name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15' },
];

test('CycloneDX lists every package with its purl under the image', () => {
  const d = cyclonedx({ name: 'shop/web:1', imageId: 'sha256:ab' }, pkgs, '00000000-0000-4000-8000-000000000000', '2026-01-01T00:00:00Z') as {
    bomFormat: string;
    components: { purl: string }[];
    dependencies: { dependsOn: string[] }[];
  };
  assert.equal(d.bomFormat, 'CycloneDX');
  assert.deepEqual(d.components.map((c) => c.purl), pkgs.map((p) => p.purl));
  assert.deepEqual(d.dependencies[0].dependsOn, pkgs.map((p) => p.purl));
});

test('SPDX describes the image and contains every package', () => {
  const d = spdx({ name: 'shop/web:1' }, pkgs, 'x', '2026-01-01T00:00:00Z') as { spdxVersion: string; packages: { SPDXID: string }[]; relationships: { relationshipType: string }[] };
  assert.equal(d.spdxVersion, 'SPDX-2.3');
  assert.equal(d.packages.length, 3);
  assert.equal(new Set(d.packages.map((p) => p.SPDXID)).size, 3, 'SPDX ids are unique');
  assert.equal(d.relationships.filter((r) => r.relationshipType === 'CONTAINS').length, 2);
});
