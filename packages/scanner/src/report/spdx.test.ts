import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ScanReport } from '@bulwark/core';
import { isSpdxExpression } from './common.js';
import { renderSpdx } from './spdx.js';

const here = dirname(fileURLToPath(import.meta.url));
const sample = (): ScanReport => JSON.parse(readFileSync(join(here, 'fixtures', 'sample.report.json'), 'utf8')) as ScanReport;

interface Doc {
  spdxVersion: string;
  SPDXID: string;
  documentNamespace: string;
  creationInfo: { creators: string[]; created: string };
  packages: { SPDXID: string; name: string; licenseDeclared?: string; externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[]; sourceInfo?: string }[];
  relationships: { spdxElementId: string; relatedSpdxElement: string; relationshipType: string }[];
  hasExtractedLicensingInfos?: { licenseId: string; name: string; extractedText: string }[];
}

// SPDX 2.3 §6 (document creation), §7 (packages), §11 (relationships): the required fields and id syntax.
test('spdx: document, packages and relationships follow SPDX 2.3', () => {
  const doc = JSON.parse(renderSpdx(sample())) as Doc;
  assert.equal(doc.spdxVersion, 'SPDX-2.3');
  assert.equal(doc.SPDXID, 'SPDXRef-DOCUMENT');
  assert.match(doc.documentNamespace, /^https:\/\/bulwark\.dev\/spdxdocs\/lab-app\.tar-[0-9a-f-]{36}$/);
  assert.match(doc.creationInfo.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(doc.creationInfo.creators.includes('Tool: bulwark-0.1.0'));
  const ids = doc.packages.map((p) => p.SPDXID);
  assert.equal(new Set(ids).size, ids.length, 'SPDXIDs unique');
  for (const id of ids) assert.match(id, /^SPDXRef-[A-Za-z0-9.-]+$/);
  for (const r of doc.relationships) {
    assert.ok(r.spdxElementId === 'SPDXRef-DOCUMENT' || ids.includes(r.spdxElementId));
    assert.ok(ids.includes(r.relatedSpdxElement));
  }
  assert.equal(doc.relationships.filter((r) => r.relationshipType === 'DESCRIBES').length, 1);
  // Every package reachable: root + os + 8 packages, each CONTAINS-related once.
  assert.equal(doc.relationships.filter((r) => r.relationshipType === 'CONTAINS').length, doc.packages.length - 1);
  const libc = doc.packages.find((p) => p.name === 'libc6');
  assert.equal(libc?.sourceInfo, 'built package from: glibc 2.36-9+deb12u14');
  assert.deepEqual(libc?.externalRefs, [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12' }]);
});

test('spdx: licenses become valid expressions, unknown names LicenseRefs with extracted text', () => {
  const doc = JSON.parse(renderSpdx(sample())) as Doc;
  for (const p of doc.packages) if (p.licenseDeclared && p.licenseDeclared !== 'NOASSERTION') assert.ok(isSpdxExpression(p.licenseDeclared), p.licenseDeclared);
  assert.equal(doc.packages.find((p) => p.name === 'bash')?.licenseDeclared, 'GPL-3.0 AND LicenseRef-GPL-3-with-Bison-exception');
  assert.equal(doc.packages.find((p) => p.name === 'requests')?.licenseDeclared, 'LicenseRef-Apache-2.0');
  assert.deepEqual(doc.hasExtractedLicensingInfos?.map((e) => e.name), ['Apache 2.0', 'GPL-3+ with Bison exception']);
});

test('spdx: namespace differs between reports, equal for equal reports', () => {
  const a = JSON.parse(renderSpdx(sample())) as Doc;
  const r = sample();
  r.createdAt = '2026-11-24T00:00:00.000Z';
  const b = JSON.parse(renderSpdx(r)) as Doc;
  assert.notEqual(a.documentNamespace, b.documentNamespace);
  assert.equal(a.documentNamespace, (JSON.parse(renderSpdx(sample())) as Doc).documentNamespace);
});
