import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError, type Severity, type VulnerabilityFinding } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { STRUCTURE_TOKENS, mutations } from '../catalogers/test-kit.js';
import { exitCodeFor, filterFindings } from './filter.js';
import { applyIgnoreRules, parseIgnoreFile } from './ignore-file.js';
import { applyVex, parseOpenVex } from './openvex.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (n: string): Buffer => readFileSync(join(here, 'fixtures', n));

function finding(id: string, purl: string, extra: Partial<VulnerabilityFinding> = {}): VulnerabilityFinding {
  const name = purl.replace(/^pkg:[^/]+\/(?:[^/]+\/)?([^@?]+).*$/, '$1');
  const version = /@([^?]+)/.exec(purl)?.[1] ?? '';
  return {
    id, aliases: [], matchStatus: 'affected', fixState: 'fixed', fixedVersions: ['9'], severity: 'high', severitySource: 'test', cvss: [], references: [], dataSources: [],
    package: { name, version, type: purl.startsWith('pkg:deb') ? 'deb' : 'npm', ecosystem: 'npm', purl, locations: [{ path: `/srv/${name}/package.json` }] },
    ...extra,
  };
}

const NOW = new Date('2026-11-23T12:00:00Z');

test('ignore file, plain lines: ids, aliases, purl scoping, expiry with a warning, reasons', () => {
  const r = parseIgnoreFile(fixture('plain.bulwarkignore'), '.bulwarkignore');
  assert.ok(r.ok);
  assert.equal(r.value.length, 4);
  const findings = [
    finding('CVE-2021-23337', 'pkg:npm/lodash@4.17.15'),
    finding('CVE-2018-18074', 'pkg:pypi/requests@2.19.1'),
    finding('CVE-2018-18074', 'pkg:npm/other@1.0.0'),
    finding('CVE-2021-44906', 'pkg:npm/minimist@1.2.0', { aliases: ['GHSA-xvch-5gv4-984h'] }),
    finding('CVE-2022-3715', 'pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=debian-12'),
    finding('CVE-2099-1', 'pkg:npm/lodash@4.17.15'),
  ];
  const out = applyIgnoreRules(findings, r.value, { now: NOW });
  assert.deepEqual(out.findings.map((f) => f.suppressed?.reason ?? (f.suppressed ? '(no reason)' : '-')), [
    'lodash template() is never called with user input',
    '(no reason)',
    '-',
    '-',
    'all bash findings: no shell in the running container',
    '-',
  ]);
  assert.equal(out.findings[0].suppressed?.by, 'ignore-file');
  assert.equal(out.findings[0].suppressed?.source, '.bulwarkignore');
  assert.deepEqual(out.warnings, ['.bulwarkignore:4: ignore rule for GHSA-xvch-5gv4-984h expired on 2026-01-01; no longer applied']);
  // On its expiry day a rule still applies.
  assert.ok(applyIgnoreRules([findings[3]], r.value, { now: new Date('2026-01-01T23:59:00Z') }).findings[0].suppressed);
  assert.equal(findings[0].suppressed, undefined, 'input not mutated');
});

test('ignore file, YAML (Trivy .trivyignore.yaml shape): paths, purls, packages section, expiry', () => {
  const r = parseIgnoreFile(fixture('trivy-style.bulwarkignore.yaml'), '.bulwarkignore.yaml');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const fs = [
    finding('CVE-2022-40897', 'pkg:pypi/setuptools@58.1.0', { package: { ...finding('x', 'pkg:pypi/setuptools@58.1.0').package, locations: [{ path: '/usr/local/lib/python3.9/site-packages/setuptools-58.1.0.dist-info/METADATA' }] } }),
    finding('CVE-2022-40897', 'pkg:pypi/setuptools@58.1.0'),
    finding('CVE-2023-2650', 'pkg:deb/debian/openssl@1.1.1n-0'),
    finding('CVE-2023-3446', 'pkg:deb/debian/libssl1.1@1.1.1n-0'),
    finding('CVE-2020-1', 'pkg:npm/debug@2.6.9'),
    finding('CVE-2020-1', 'pkg:npm/debug@2.6.8'),
  ];
  const out = applyIgnoreRules(fs, r.value, { now: NOW });
  assert.deepEqual(out.findings.map((f) => !!f.suppressed), [true, false, true, false, true, false]);
  assert.equal(out.findings[0].suppressed?.reason, 'Accept the risk');
  assert.match(out.warnings[0], /CVE-2023-3446 expired on 2023-09-01/);
});

test('ignore file: hostile and malformed inputs are InputErrors naming the file and place', () => {
  const bad = parseIgnoreFile(fixture('bad-expiry.bulwarkignore'), 'bad');
  assert.ok(!bad.ok && bad.error instanceof InputError && bad.error.field === 'line 1');
  const bomb = parseIgnoreFile(fixture('aliases-bomb.bulwarkignore.yaml'), 'bomb.yaml');
  assert.ok(!bomb.ok && bomb.error instanceof InputError, 'alias bomb refused');
  const big = parseIgnoreFile('CVE-1\n'.repeat(300_000), 'big');
  assert.ok(!big.ok && big.error.kind === 'limit');
  const noId = parseIgnoreFile('vulnerabilities:\n  - statement: x\n', 'y');
  assert.ok(!noId.ok && noId.error.field === 'vulnerabilities[0].id');
  const extra = parseIgnoreFile('CVE-1 CVE-2\n', 'z');
  assert.ok(!extra.ok && extra.error.field === 'line 1');
});

test('ignore file: fuzzed inputs never throw, never hang', () => {
  const start = Date.now();
  for (const name of ['plain.bulwarkignore', 'trivy-style.bulwarkignore.yaml']) {
    for (const m of mutations(fixture(name), 400, 7, STRUCTURE_TOKENS)) {
      const r = parseIgnoreFile(m, name);
      if (!r.ok) assert.ok(r.error instanceof InputError);
      else applyIgnoreRules([finding('CVE-2021-23337', 'pkg:npm/lodash@4.17.15')], r.value, { now: NOW });
    }
  }
  assert.ok(Date.now() - start < 20_000);
});

test('OpenVEX: the Node.js security-wg document (real) suppresses not_affected and fixed node findings', () => {
  const r = parseOpenVex(readFileSync(sharedPath('vulndb', 'nodejs', 'vuln', 'node.openvex.json')), 'node.openvex.json');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.equal(r.value.statements.length, 183);
  assert.equal(r.value.author, 'Node.js Security WG');
  const fs = [
    finding('CVE-2023-45853', 'pkg:nodejs/node@20.11.0'),
    finding('CVE-2026-21717', 'pkg:nodejs/node@20.20.2'),
    finding('CVE-2026-21717', 'pkg:nodejs/node@20.20.1'),
    finding('CVE-2015-3193', 'pkg:nodejs/node@5.1.1'),
    finding('CVE-2023-45853', 'pkg:npm/node@20.11.0'),
  ];
  const out = applyVex(fs, [r.value], { source: 'node.openvex.json' });
  assert.deepEqual(out[0].suppressed, {
    by: 'vex', status: 'not_affected', justification: 'vulnerable_code_not_present', source: 'node.openvex.json',
    reason: 'This CVE was created for MiniZip (part of zlib/contrib/minizip), which is not used by Node.js. Node.js uses zlib for compression but does not use the MiniZip component where this vulnerability exists.',
  });
  assert.equal(out[1].suppressed?.status, 'fixed');
  assert.equal(out[2].suppressed, undefined, 'a version the statement does not name');
  assert.equal(out[3].suppressed?.status, 'fixed');
  assert.equal(out[4].suppressed, undefined, 'another purl type');
});

test('OpenVEX: subcomponents under the scanned image, aliases, latest statement wins', () => {
  const r = parseOpenVex(fixture('image-subcomponents.openvex.json'), 'vex.json');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const fs = [finding('GHSA-35jh-r3h4-6jhm', 'pkg:npm/lodash@4.17.15'), finding('CVE-2021-44906', 'pkg:npm/minimist@1.2.0')];
  const image = 'pkg:oci/lab-app@sha256%3A8217f776e4f1a63a606a49cc70644e66c5ba7040f1e9b9b08ed546bf3a1c5bc6';
  const out = applyVex(fs, [r.value], { targetIds: [image] });
  assert.equal(out[0].suppressed?.justification, 'vulnerable_code_not_in_execute_path');
  assert.equal(out[0].suppressed?.reason, 'template() is never reached');
  // The 2026-11-01 not_affected is older than the document-dated under_investigation: not suppressed.
  assert.equal(out[1].suppressed, undefined);
  // Another image: its subcomponent statements do not apply.
  assert.equal(applyVex(fs, [r.value], { targetIds: ['pkg:oci/other'] })[0].suppressed, undefined);
});

test('OpenVEX: malformed documents are InputErrors with the field; fuzzed ones never throw', () => {
  const cases: [string, string][] = [
    ['{"statements": []}', '@context'],
    ['{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-1"}, "products": [], "status": "maybe"}]}', 'statements[0].status'],
    ['{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:npm/a"}], "status": "not_affected"}]}', 'statements[0].justification'],
    ['{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"products": [], "status": "fixed"}]}', 'statements[0].vulnerability.name'],
  ];
  for (const [text, field] of cases) {
    const r = parseOpenVex(text, 'v.json');
    assert.ok(!r.ok && r.error.field === field, `${field}: ${r.ok ? 'ok' : r.error.message}`);
  }
  const t = parseOpenVex(fixture('truncated.openvex.json'), 't.json');
  assert.ok(!t.ok && /not valid JSON/.test(t.error.message));
  const deep = parseOpenVex('['.repeat(10_000), 'deep.json');
  assert.ok(!deep.ok && deep.error.kind === 'limit');
  for (const m of mutations(fixture('image-subcomponents.openvex.json'), 500, 11, STRUCTURE_TOKENS)) {
    const r = parseOpenVex(m, 'fuzz.json');
    if (!r.ok) assert.ok(r.error instanceof InputError);
    else applyVex([finding('CVE-2021-23337', 'pkg:npm/lodash@4.17.15')], [r.value]);
  }
});

const sev = (s: Severity, extra: Partial<VulnerabilityFinding> = {}): VulnerabilityFinding => finding(`CVE-${s}`, 'pkg:npm/a@1', { severity: s, ...extra });

test('filterFindings and exitCodeFor: severities, unfixed, suppressed', () => {
  const fs = [sev('critical'), sev('high', { fixState: 'not-fixed', fixedVersions: [] }), sev('low'), sev('medium', { suppressed: { by: 'vex', status: 'not_affected' } })];
  const ids = (x: VulnerabilityFinding[]): string[] => x.map((f) => f.id);
  assert.deepEqual(ids(filterFindings(fs)), ['CVE-critical', 'CVE-high', 'CVE-low']);
  assert.deepEqual(ids(filterFindings(fs, { showSuppressed: true })), ['CVE-critical', 'CVE-high', 'CVE-low', 'CVE-medium']);
  assert.deepEqual(ids(filterFindings(fs, { ignoreUnfixed: true })), ['CVE-critical', 'CVE-low']);
  assert.deepEqual(ids(filterFindings(fs, { severities: ['high', 'medium'] })), ['CVE-high']);
  assert.equal(exitCodeFor(fs, { exitCode: 1 }), 1);
  assert.equal(exitCodeFor(fs, { exitCode: 0 }), 0);
  assert.equal(exitCodeFor(fs, { exitCode: 5, severities: ['medium'] }), 0, 'the only medium is suppressed');
  assert.equal(exitCodeFor(fs, { exitCode: 5, severities: ['high'], ignoreUnfixed: true }), 0);
  assert.equal(exitCodeFor(fs, { exitCode: 5, severities: ['high'] }), 5);
  assert.equal(exitCodeFor([], { exitCode: 1 }), 0);
});
