// The upload of a real image scan: the lab image (shared/lab/images/lab-app.tar.gz) matched against the shared
// vulnerability mirror (OSV, KEV, EPSS), converted, checked against a golden view and ingested by a real store.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ScanReport } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { SqliteStore, findingFingerprint } from '@bulwark/platform';
import { scanTarget } from '@bulwark/scanner';
import { VulnDb, importMirror } from '@bulwark/vulndb';
// The platform's scorer, to check the attributes and payload fields it reads are the ones uploaded.
import { prioritizeScan } from '@bulwark/platform';
import { expectGolden, linesJson } from './golden.js';
import { preferredCvss, sbomSubject, vulnerabilityUpload } from './vulns.js';

const here = new URL('.', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'bulwark-upload-vulns-'));
let report: ScanReport;

before(async () => {
  const db = join(work, 'vuln.db');
  await importMirror(sharedPath('vulndb'), db, { sources: ['kev', 'epss', 'osv'] });
  const vdb = VulnDb.open(db, { readonly: true });
  try {
    report = await scanTarget({ kind: 'image', target: sharedPath('lab', 'images', 'lab-app.tar.gz'), lookup: vdb, now: new Date('2026-11-23T00:00:00Z') });
  } finally {
    vdb.close();
  }
});
after(() => rmSync(work, { recursive: true, force: true }));

const timing = { scanId: '00000000-0000-4000-8000-000000000001', startedAt: new Date('2026-11-23T10:00:00Z'), finishedAt: new Date('2026-11-23T10:00:05Z') };

test('lab image: image asset, packages installed in it, one finding per advisory and package copy (golden)', () => {
  const body = vulnerabilityUpload(report, report.vulnerabilities, timing);
  const { scan, findings } = body;
  assert.equal(scan.id, timing.scanId);
  assert.equal(scan.kind, 'image');
  assert.equal(scan.target, 'image:localhost/lab-app:1');
  const image = scan.assets?.[0];
  assert.equal(image?.kind, 'image');
  assert.equal(image?.key, 'localhost/lab-app:1');
  const packages = scan.assets?.filter((a) => a.kind === 'package') ?? [];
  assert.equal(packages.length, new Set(report.packages.map((p) => p.purl)).size, 'one asset per distinct purl');
  assert.ok(scan.relations?.every((r) => r.kind === 'installed-in' && r.to.key === 'localhost/lab-app:1' && r.from.kind === 'package'), 'packages are installed in the image');
  assert.equal(scan.relations?.length, packages.length);

  assert.equal(findings.length, report.vulnerabilities.filter((v) => !v.suppressed).length);
  const prints = new Set(findings.map((f) => findingFingerprint({ type: f.type, ruleId: f.ruleId, asset: f.asset, locator: f.locator })));
  assert.equal(prints.size, findings.length, 'fingerprints are distinct: the platform keeps every finding');

  const kev = findings.filter((f) => f.kev);
  assert.deepEqual([...new Set(kev.map((f) => f.ruleId))], ['CVE-2020-11023'], 'the jQuery XSS is in CISA KEV');
  assert.ok(findings.filter((f) => f.epss !== null).length > findings.length / 2, 'most have an EPSS score');
  const lodash = findings.find((f) => f.ruleId === 'CVE-2020-8203' && f.locator?.startsWith('pkg:npm/lodash@4.17.15 '));
  assert.ok(lodash, 'lodash prototype pollution');
  assert.equal(lodash.fixAvailable, true);
  assert.deepEqual((lodash.payload as { fixedVersions: string[] }).fixedVersions, ['4.17.19']);

  const view = {
    scan: { target: scan.target, kind: scan.kind, root: image, packages: packages.length, relations: scan.relations?.length },
    findings: [...findings]
      .sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : (a.locator ?? '') < (b.locator ?? '') ? -1 : 1))
      .map((f) => [f.ruleId, f.severity, f.cvss, f.epss, f.kev, f.fixAvailable, f.locator]),
  };
  expectGolden(join(here, 'fixtures', 'lab-app.upload.expected.json'), linesJson(view, ['findings']));
});

test('lab image: stable across runs, accepted whole by the store, prioritized from its payload', async () => {
  const a = vulnerabilityUpload(report, report.vulnerabilities, { ...timing, scanId: undefined });
  const b = vulnerabilityUpload(report, report.vulnerabilities, { ...timing, scanId: undefined });
  assert.notEqual(a.scan.id, b.scan.id, 'a fresh scan id per run');
  assert.match(a.scan.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(a.findings, b.findings, 'the same findings, locators included');

  const store = await SqliteStore.open(join(work, 'platform.db'));
  try {
    const tenant = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
    const first = await store.ingestScan(tenant, a.scan, prioritizeScan(a.scan, a.findings));
    assert.equal(first.counts.findings, a.findings.length);
    assert.equal(first.counts.new, a.findings.length);
    const second = await store.ingestScan(tenant, { ...b.scan, startedAt: '2026-11-24T10:00:00.000Z', finishedAt: '2026-11-24T10:00:05.000Z' }, prioritizeScan(b.scan, b.findings));
    assert.deepEqual([second.counts.new, second.counts.fixed, second.counts.reopened], [0, 0, 0], 'a second run changes nothing');
    const top = (await store.listFindings(tenant, {}, { by: 'priority', dir: 'desc' }, { limit: 1 })).items[0];
    assert.equal(top.ruleId, 'CVE-2020-11023', 'the KEV-listed finding ranks first');
    assert.deepEqual(top.priority.factors.find((f) => f.name === 'kev'), { name: 'kev', weight: 20, detail: 'in CISA KEV' });
    assert.equal(top.priority.factors.find((f) => f.name === 'fix')?.detail, 'fix available in 3.5.0');
  } finally {
    await store.close();
  }
});

test('suppressed findings are left out; the CVSS is the one the severity came from', () => {
  const [first, ...rest] = report.vulnerabilities;
  const body = vulnerabilityUpload(report, [{ ...first, suppressed: { by: 'vex', status: 'not_affected' } }, ...rest], timing);
  assert.equal(body.findings.length, report.vulnerabilities.length - 1);
  const v = {
    ...first,
    severitySource: 'cvss:3.1:nvd',
    cvss: [
      { version: '4.0' as const, vector: 'CVSS:4.0/…', baseScore: 9.3, severity: 'critical' as const, source: 'ghsa' },
      { version: '3.1' as const, vector: 'CVSS:3.1/…', baseScore: 7.5, severity: 'high' as const, source: 'nvd' },
      { version: '3.1' as const, vector: 'CVSS:3.1/…', baseScore: 8.1, severity: 'high' as const, source: 'osv' },
    ],
  };
  assert.equal(preferredCvss(v)?.baseScore, 7.5, 'the severity source');
  assert.equal(preferredCvss({ ...v, severitySource: 'ghsa' })?.baseScore, 8.1, 'else the highest v3.1');
  assert.equal(preferredCvss({ ...v, cvss: [] }), undefined);
});

test('sbom subjects: CycloneDX container, SPDX described package, silence', () => {
  const cdx = JSON.parse(readFileSync(join(here, '..', '..', '..', 'scanner', 'src', 'sbom', 'fixtures', 'trivy-lab-app.cdx.json'), 'utf8')) as unknown;
  assert.deepEqual(sbomSubject(cdx), { kind: 'image', key: 'docker.io/library/lab-app.tar:latest', name: 'lab-app.tar' });
  assert.deepEqual(sbomSubject({ metadata: { component: { type: 'container', name: 'ghcr.io/acme/web', version: 'sha256:abc' } } }), {
    kind: 'image',
    key: 'ghcr.io/acme/web@sha256:abc',
    name: 'ghcr.io/acme/web@sha256:abc',
  });
  assert.deepEqual(sbomSubject({ metadata: { component: { type: 'application', name: 'shop', version: '1.2', purl: 'pkg:npm/shop@1.2' } } }), { kind: 'repository', key: 'pkg:npm/shop@1.2', name: 'shop@1.2' });
  const spdx = JSON.parse(readFileSync(join(here, '..', '..', '..', 'scanner', 'src', 'sbom', 'fixtures', 'trivy-lab-app.spdx.json'), 'utf8')) as unknown;
  const s = sbomSubject(spdx);
  assert.equal(s?.kind, 'image');
  assert.equal(sbomSubject({ bomFormat: 'CycloneDX' }), undefined);
  assert.equal(sbomSubject('nope'), undefined);

  const sbomReport: ScanReport = { ...report, target: { kind: 'sbom', name: '/tmp/app.cdx.json' } };
  const body = vulnerabilityUpload(sbomReport, [], { ...timing, sbomSubject: { kind: 'image', key: 'ghcr.io/acme/web:1', name: 'ghcr.io/acme/web:1' } });
  assert.equal(body.scan.target, 'sbom:image:ghcr.io/acme/web:1');
  assert.equal(vulnerabilityUpload(sbomReport, [], timing).scan.assets?.[0].key, 'sbom:app.cdx.json');
});

test('fs and rootfs scans: the repository (path inside it in the target) and the host', () => {
  const fsReport: ScanReport = { ...report, target: { kind: 'fs', name: 'services/api' } };
  const repository = { key: 'github.com/acme/shop', name: 'acme/shop', subpath: 'services/api', attributes: { remote: 'github.com/acme/shop' } };
  const fsBody = vulnerabilityUpload(fsReport, report.vulnerabilities.slice(0, 3), { ...timing, repository });
  assert.equal(fsBody.scan.target, 'fs:github.com/acme/shop//services/api');
  assert.equal(fsBody.scan.assets?.[0].kind, 'repository');
  assert.ok(fsBody.scan.relations?.every((r) => r.to.kind === 'repository'), 'packages are installed in the repository');
  assert.ok(fsBody.findings.every((f) => f.asset.key === 'github.com/acme/shop'), 'findings on the repository');

  const hostBody = vulnerabilityUpload({ ...report, target: { kind: 'rootfs', name: '/' } }, [], timing);
  assert.equal(hostBody.scan.assets?.[0].kind, 'node');
  assert.equal(hostBody.scan.assets?.[0].key, `host/${hostname()}`);
  assert.equal(hostBody.scan.target, `rootfs:host/${hostname()}`);
});
