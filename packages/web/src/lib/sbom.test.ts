import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cyclonedx, spdx } from './sbom.js';
import { foldCompliance } from './compliance.js';

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

test('compliance folds findings into frameworks → controls → resources, controls in natural order', () => {
  const f = (id: number, resource: string, controls: [string, string][]) => ({
    id,
    ruleId: `R${id}`,
    title: 't',
    severity: 'high',
    payload: { resource, frameworks: controls.map(([framework, control]) => ({ framework, control })) },
  });
  const rows = foldCompliance([f(1, 'Pod/a', [['cis', '5.2.10'], ['nsa', 'pod']]), f(2, 'Pod/b', [['cis', '5.2.2']]), f(3, 'Pod/a', [['cis', '5.2.2']])]);
  assert.deepEqual(rows.map((r) => r.framework), ['cis', 'nsa']);
  assert.deepEqual(rows[0].controls.map((c) => c.control), ['5.2.2', '5.2.10']);
  assert.deepEqual(rows[0].controls[0].resources, ['Pod/a', 'Pod/b']);
  assert.equal(rows[0].findings, 3);
});
