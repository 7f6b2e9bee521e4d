import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ScanReport } from '@bulwark/core';
import { renderCycloneDx } from './cyclonedx.js';

const here = dirname(fileURLToPath(import.meta.url));
const sample = (): ScanReport => JSON.parse(readFileSync(join(here, 'fixtures', 'sample.report.json'), 'utf8')) as ScanReport;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

// The official CycloneDX JSON schemas, as shipped (Apache-2.0) in @cyclonedx/cyclonedx-library (dev dependency).
function cdxValidator(): ReturnType<Ajv['compile']> {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
  const load = (n: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, n), 'utf8')) as Record<string, unknown>;
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true, validateFormats: true }));
  // bom-1.6 refers to its siblings by relative name, resolved against its own $id.
  for (const n of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json', 'cryptography-defs.SNAPSHOT.schema.json']) {
    const { $id: _id, ...rest } = load(n);
    ajv.addSchema(rest, `http://cyclonedx.org/schema/${n}`);
  }
  return ajv.compile(load('bom-1.6.SNAPSHOT.schema.json'));
}

test('cyclonedx: valid against the official 1.6 schema', () => {
  const validate = cdxValidator();
  const bom = JSON.parse(renderCycloneDx(sample())) as unknown;
  assert.equal(validate(bom), true, JSON.stringify(validate.errors, null, 1));
  const broken = JSON.parse(renderCycloneDx(sample())) as { components: { type: string }[] };
  broken.components[1].type = 'gadget';
  assert.equal(validate(broken), false, 'validator rejects a bad component type');
});

interface Bom {
  metadata: { component: { type: string; name: string; 'bom-ref': string } };
  components: { 'bom-ref': string; purl?: string; name: string; type: string; licenses?: unknown[]; properties?: { name: string; value: string }[] }[];
  dependencies: { ref: string; dependsOn: string[] }[];
  vulnerabilities: { id: string; affects: { ref: string }[]; ratings: { method: string; score?: number; vector?: string }[]; analysis?: Record<string, unknown>; references?: { id: string }[] }[];
  serialNumber: string;
}

test('cyclonedx: components by purl, duplicates kept apart, layers and paths as properties, dependencies', () => {
  const bom = JSON.parse(renderCycloneDx(sample())) as Bom;
  assert.equal(bom.metadata.component.type, 'container');
  assert.match(bom.serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const refs = bom.components.map((c) => c['bom-ref']);
  assert.equal(new Set(refs).size, refs.length, 'bom-refs unique');
  const debugs = bom.components.filter((c) => c.name === 'debug');
  assert.equal(debugs.length, 2);
  assert.equal(debugs[0]['bom-ref'], 'pkg:npm/debug@2.6.9');
  assert.match(debugs[1]['bom-ref'], /file_path=/);
  const lodash = bom.components.find((c) => c.name === 'lodash');
  assert.deepEqual(lodash?.licenses, [{ license: { id: 'MIT' } }]);
  assert.ok(lodash?.properties?.some((p) => p.name === 'bulwark:location:layerCreatedBy' && p.value === 'COPY web /srv/web'));
  assert.deepEqual(debugs[0].licenses, [{ expression: 'MIT OR Apache-2.0' }]);
  const bash = bom.components.find((c) => c.name === 'bash');
  assert.deepEqual(bash?.licenses, [{ license: { id: 'GPL-3.0' } }, { license: { name: 'GPL-3+ with Bison exception' } }]);
  const os = bom.dependencies.find((d) => d.ref.startsWith('bulwark:os:'));
  assert.deepEqual(os?.dependsOn.length, 2);
  assert.deepEqual(bom.dependencies.find((d) => d.ref === 'pkg:npm/debug@2.6.9')?.dependsOn, ['pkg:npm/ms@2.0.0']);
});

test('cyclonedx: vulnerabilities carry ratings, affects by bom-ref and analysis for suppressed ones', () => {
  const bom = JSON.parse(renderCycloneDx(sample())) as Bom;
  const ids = bom.vulnerabilities.map((v) => v.id);
  assert.ok(ids.includes('CVE-2023-4911') && ids.includes('PYSEC-2018-28'), 'suppressed findings kept');
  const glibc = bom.vulnerabilities.find((v) => v.id === 'CVE-2023-4911');
  assert.deepEqual(glibc?.analysis, { state: 'not_affected', justification: 'code_not_reachable', detail: 'VEX vex.json: no setuid binaries' });
  assert.deepEqual(glibc?.ratings, [{ source: { name: 'debian-urgency' }, severity: 'high', method: 'other' }]);
  const minimist = bom.vulnerabilities.find((v) => v.id === 'CVE-2021-44906');
  assert.deepEqual(minimist?.affects, [{ ref: 'pkg:npm/minimist@1.2.0', versions: [{ version: '1.2.0', status: 'affected' }] }]);
  assert.deepEqual(minimist?.ratings[0], { source: { name: 'osv:GHSA-xvch-5gv4-984h' }, score: 9.8, severity: 'critical', method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' });
  assert.deepEqual(minimist?.references, [{ id: 'GHSA-xvch-5gv4-984h', source: { name: 'osv:npm' } }]);
  for (const v of bom.vulnerabilities) for (const a of v.affects) assert.ok(bom.components.some((c) => c['bom-ref'] === a.ref), `${v.id} affects a known ref`);
});
