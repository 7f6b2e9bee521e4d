import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ConfigError, type ScanReport } from '@bulwark/core';
import { expectGolden } from './golden.js';
import { isReportFormat, reportFormats, writeReport } from './formats.js';
import { renderTable } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => join(here, 'fixtures', name);
const sample = (): ScanReport => JSON.parse(readFileSync(fixture('sample.report.json'), 'utf8')) as ScanReport;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

test('every registered format renders the sample report to its golden file', () => {
  const ext: Record<string, string> = { table: 'txt', json: 'json', sarif: 'sarif', cyclonedx: 'cdx.json', 'spdx-json': 'spdx.json' };
  assert.deepEqual([...reportFormats.keys()].sort(), Object.keys(ext).sort());
  for (const [id, w] of reportFormats) {
    assert.equal(w.extension, ext[id]);
    const goldenExt = id === 'table' ? 'txt' : id === 'sarif' ? 'sarif' : 'json';
    expectGolden(fixture(`sample.${id}.expected.${goldenExt}`), writeReport(id, sample()));
  }
});

test('writers are pure: same input, same output; input not mutated', () => {
  const r = sample();
  const before = JSON.stringify(r);
  for (const id of reportFormats.keys()) assert.equal(writeReport(id, r), writeReport(id, sample()), id);
  assert.equal(JSON.stringify(r), before);
});

test('unknown format is a ConfigError naming the choices', () => {
  assert.equal(isReportFormat('sarif'), true);
  assert.equal(isReportFormat('xml'), false);
  assert.throws(() => writeReport('xml', sample()), (e: unknown) => e instanceof ConfigError && /cyclonedx, json, sarif, spdx-json, table/.test(e.message));
});

test('table: colour only when asked, suppressed hidden unless shown, packages listing without a vuln scan', () => {
  const r = sample();
  const plain = renderTable(r);
  const ESC = String.fromCharCode(27);
  assert.ok(!plain.includes(ESC));
  assert.ok(renderTable(r, { color: true }).includes(`${ESC}[31mHIGH${ESC}[39m`));
  assert.doesNotMatch(plain, /CVE-2023-4911/);
  assert.match(plain, /suppressed: 2/);
  const shown = renderTable(r, { showSuppressed: true });
  assert.match(shown, /CVE-2023-4911/);
  assert.match(shown, /suppressed/);
  // Per-group totals: OS group holds bash (high), npm group minimist (critical) + lodash (high).
  assert.match(plain, /lab-app\.tar \(debian 12\)\n=+\nTotal: 1 \(CRITICAL: 0, HIGH: 1,/);
  assert.match(plain, /Node\.js \(npm\)\n=+\nTotal: 2 \(CRITICAL: 1, HIGH: 1,/);
  const noScan: ScanReport = { ...r, vulnerabilities: [], db: undefined };
  const listing = renderTable(noScan);
  assert.match(listing, /Packages: 8/);
  assert.match(listing, /│ requests +│ 2\.19\.1 +│ pypi/);
  assert.doesNotMatch(listing, /Vulnerability/);
  // A scan that ran and found nothing still says so.
  assert.match(renderTable({ ...r, vulnerabilities: [] }), /Total: 0 \(/);
});

test('json: validates against scan-report.schema.json and keeps a stable key order', () => {
  const schema = JSON.parse(readFileSync(join(here, 'scan-report.schema.json'), 'utf8')) as object;
  const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
  const validate = ajv.compile(schema);
  const out = writeReport('json', sample());
  assert.equal(validate(JSON.parse(out)), true, JSON.stringify(validate.errors));
  // Key order does not depend on how the producer built the objects.
  const shuffled = JSON.parse(JSON.stringify(sample(), (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v))) as ScanReport;
  assert.equal(writeReport('json', shuffled), out);
  assert.match(out, /^\{\n {2}"schemaVersion": 1,\n {2}"tool"/);
  // The schema is not a tautology: a bad severity fails.
  const bad = JSON.parse(out) as { vulnerabilities: { severity: string }[] };
  bad.vulnerabilities[0].severity = 'severe';
  assert.equal(validate(bad), false);
});
