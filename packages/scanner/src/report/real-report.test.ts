import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { unzipSync } from 'fflate';
import { BULWARK_VERSION, type OsvRecord, type ScanReport } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { matchPackages } from '../match/match.js';
import { memoryLookup } from '../match/memory-lookup.js';
import { readSbom } from '../sbom/read.js';
import { applyVex, parseOpenVex } from '../suppress/openvex.js';
import { writeReport } from './formats.js';

const here = dirname(fileURLToPath(import.meta.url));
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** A real report: Trivy's SBOM of the lab image (excerpt) → our reader → real GHSA npm records → VEX → ScanReport. */
function realReport(): ScanReport {
  const sbom = readSbom(readFileSync(join(here, '..', 'sbom', 'fixtures', 'trivy-lab-app.cdx.json')), 'lab-app.cdx.json');
  assert.ok(sbom.ok);
  const files = unzipSync(readFileSync(sharedPath('vulndb', 'osv', 'npm', 'all.zip')));
  const advisories = Object.values(files).map((b) => ({ source: 'osv:npm', record: JSON.parse(Buffer.from(b).toString('utf8')) as OsvRecord }));
  const { findings, warnings } = matchPackages(sbom.value.packages, memoryLookup({ advisories }), { now: new Date('2026-11-23T00:00:00Z') });
  const vex = parseOpenVex(
    JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      statements: [{ vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'pkg:npm/lodash' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }],
    }),
    'vex.json',
  );
  assert.ok(vex.ok);
  return {
    schemaVersion: 1,
    tool: { name: 'bulwark', version: BULWARK_VERSION },
    createdAt: '2026-11-23T19:05:42.000Z',
    target: { kind: 'sbom', name: 'lab-app.cdx.json' },
    ...(sbom.value.os ? { os: sbom.value.os } : {}),
    packages: sbom.value.packages,
    vulnerabilities: applyVex(findings, [vex.value], { source: 'vex.json' }),
    status: { fileErrors: [], warnings: [...sbom.value.warnings, ...warnings] },
    db: { path: 'memory', stale: false },
  };
}

test('real report: JSON validates against scan-report.schema.json, CycloneDX against the 1.6 schema', () => {
  const report = realReport();
  assert.ok(report.vulnerabilities.length >= 5, `${report.vulnerabilities.length} findings`);
  assert.ok(report.vulnerabilities.some((f) => f.id === 'CVE-2021-23337' && f.suppressed?.by === 'vex'));
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  const validate = ajv.compile(JSON.parse(readFileSync(join(here, 'scan-report.schema.json'), 'utf8')) as object);
  assert.equal(validate(JSON.parse(writeReport('json', report))), true, JSON.stringify(validate.errors));

  const dir = join(dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
  const load = (n: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, n), 'utf8')) as Record<string, unknown>;
  const cdxAjv = addFormats(new Ajv({ strict: false, allErrors: true }));
  for (const n of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json', 'cryptography-defs.SNAPSHOT.schema.json']) {
    const { $id: _id, ...rest } = load(n);
    cdxAjv.addSchema(rest, `http://cyclonedx.org/schema/${n}`);
  }
  const cdx = cdxAjv.compile(load('bom-1.6.SNAPSHOT.schema.json'));
  assert.equal(cdx(JSON.parse(writeReport('cyclonedx', report))), true, JSON.stringify(cdx.errors));
  // Table and SARIF hide the VEX-suppressed lodash finding.
  assert.doesNotMatch(writeReport('table', report), /CVE-2021-23337/);
  assert.doesNotMatch(writeReport('sarif', report), /"ruleId": "CVE-2021-23337"/);
});
