import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type * as Sarif from 'sarif';
import type { ScanReport } from '@bulwark/core';
import { renderSarif } from './sarif.js';

const here = dirname(fileURLToPath(import.meta.url));
const sample = (): ScanReport => JSON.parse(readFileSync(join(here, 'fixtures', 'sample.report.json'), 'utf8')) as ScanReport;

// No redistributable copy of the OASIS schema could be vendored here; these are the SARIF 2.1.0 constraints
// (§3.13–3.27, 3.49) that GitHub code scanning enforces on upload, checked structurally.
function checkSarif(log: Sarif.Log): void {
  assert.equal(log.version, '2.1.0');
  assert.equal(typeof log.$schema, 'string');
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  const rules = run.tool.driver.rules ?? [];
  assert.ok(run.tool.driver.name);
  const ids = rules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'rule ids unique');
  for (const r of rules) {
    assert.ok(r.shortDescription?.text && r.fullDescription?.text && r.help?.text && r.help.markdown);
    const ss = Number(r.properties?.['security-severity']);
    assert.ok(ss >= 0 && ss <= 10 && /^\d+\.\d$/.test(String(r.properties?.['security-severity'])), `security-severity of ${r.id}`);
    assert.ok(['error', 'warning', 'note', 'none'].includes(r.defaultConfiguration?.level ?? ''));
  }
  for (const res of run.results ?? []) {
    assert.equal(rules[res.ruleIndex ?? -1]?.id, res.ruleId, 'ruleIndex points at ruleId');
    assert.ok(res.message.text);
    for (const loc of res.locations ?? []) {
      const a = loc.physicalLocation?.artifactLocation;
      assert.ok(a?.uri !== undefined && !a.uri.startsWith('/'), 'relative uri');
      assert.equal(a?.uriBaseId, 'ROOTPATH');
      assert.ok((loc.physicalLocation?.region?.startLine ?? 0) >= 1);
    }
  }
}

test('sarif: one rule per vulnerability id, results at package paths with purl and security-severity', () => {
  const log = JSON.parse(renderSarif(sample())) as Sarif.Log;
  checkSarif(log);
  const run = log.runs[0];
  assert.deepEqual(run.tool.driver.rules?.map((r) => r.id), ['CVE-2021-23337', 'CVE-2021-44906', 'CVE-2022-3715']);
  const minimist = run.results?.find((r) => r.ruleId === 'CVE-2021-44906');
  assert.equal(minimist?.level, 'error');
  assert.equal(minimist?.properties?.purl, 'pkg:npm/minimist@1.2.0');
  assert.equal(minimist?.locations?.[0].physicalLocation?.artifactLocation?.uri, 'srv/web/node_modules/minimist/package.json');
  assert.equal(run.tool.driver.rules?.find((r) => r.id === 'CVE-2021-44906')?.properties?.['security-severity'], '9.8');
  // bash: NVD 7.8 gave "high"; OS package rule kind.
  const bash = run.tool.driver.rules?.find((r) => r.id === 'CVE-2022-3715');
  assert.equal(bash?.name, 'OsPackageVulnerability');
  assert.equal(bash?.properties?.['security-severity'], '7.8');
});

test('sarif: suppressed findings only with showSuppressed, then marked as suppressions', () => {
  const shown = JSON.parse(renderSarif(sample(), { showSuppressed: true })) as Sarif.Log;
  checkSarif(shown);
  const r = shown.runs[0].results?.find((x) => x.ruleId === 'CVE-2023-4911');
  assert.equal(r?.suppressions?.[0].kind, 'external');
  // A finding without a score uses the severity's conventional number.
  assert.equal(shown.runs[0].tool.driver.rules?.find((x) => x.id === 'CVE-2023-4911')?.properties?.['security-severity'], '8.0');
  assert.equal(shown.runs[0].tool.driver.rules?.find((x) => x.id === 'PYSEC-2018-28')?.properties?.['security-severity'], '0.0');
});

test('sarif: fs scans resolve ROOTPATH from an absolute target only; paths are URI-encoded', () => {
  const r = sample();
  r.target = { kind: 'fs', name: '/srv/my app' };
  r.vulnerabilities[0].package.locations = [{ path: 'sub dir/package-lock.json' }];
  const log = JSON.parse(renderSarif(r)) as Sarif.Log;
  assert.equal(log.runs[0].originalUriBaseIds?.ROOTPATH.uri, 'file:///srv/my%20app/');
  assert.equal(log.runs[0].results?.[0].locations?.[0].physicalLocation?.artifactLocation?.uri, 'sub%20dir/package-lock.json');
  r.target = { kind: 'fs', name: 'relative/dir' };
  assert.equal((JSON.parse(renderSarif(r)) as Sarif.Log).runs[0].originalUriBaseIds, undefined);
});
