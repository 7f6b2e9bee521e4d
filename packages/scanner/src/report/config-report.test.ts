import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Severity } from '@bulwark/core';
import { seededRandom } from '@bulwark/core/testing';
import { configReportChunks, configSummary, writeConfigReport } from './config-report.js';
import type { ConfigReport, ReportedConfigFinding } from './config-types.js';

const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical'];

function report(n: number): ConfigReport {
  const rnd = seededRandom(n);
  const findings: ReportedConfigFinding[] = Array.from({ length: n }, (_, i) => ({
    ruleId: `BLW-K8S-${String(1 + (i % 7)).padStart(3, '0')}`,
    title: 'Container runs privileged',
    severity: SEVERITIES[i % 4]!,
    aliases: ['KSV017', 'CKV_K8S_16'],
    file: `team-${i % 5}/deploy "${i}".yaml`,
    range: { startLine: 1 + i, endLine: 3 + i },
    resource: `Deployment/ns-${i % 3}/app-${i}`,
    message: `container "app": privileged \u2028 ${rnd().toString(36)}`,
    frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.2.2' }],
    fixable: i % 2 === 0,
    ...(i % 11 === 0 ? { suppressed: { by: 'ignore-file' as const, source: '.bulwarkignore', reason: 'accepted' } } : {}),
  }));
  const rules = Array.from({ length: 7 }, (_, i) => ({
    id: `BLW-K8S-${String(1 + i).padStart(3, '0')}`, title: `Rule ${i}`, severity: 'high' as const, description: 'd', remediation: 'r',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/'], aliases: ['KSV017'], frameworks: [], targets: ['kubernetes'],
  }));
  return {
    schemaVersion: 1, reportType: 'config', tool: { name: 'bulwark', version: '0.1.0' }, createdAt: '2026-12-03T00:00:00.000Z',
    target: { kind: 'k8s-snapshot', name: '/tmp/cluster.json' }, files: [{ path: 'cluster.json', type: 'kubernetes' }],
    findings, rules, summary: configSummary(findings, 1), status: { fileErrors: [], warnings: [] },
  };
}

test('configReportChunks: the same bytes as writeConfigReport, in pieces, for every format and size', () => {
  for (const n of [0, 1, 64, 65, 1000]) {
    const r = report(n);
    for (const format of ['json', 'sarif', 'table'] as const) {
      const chunks = [...configReportChunks(format, r, { showSuppressed: true })];
      assert.equal(chunks.join(''), writeConfigReport(format, r, { showSuppressed: true }), `${format} with ${n} findings`);
      if (n === 1000 && format !== 'table') assert.ok(chunks.length > n, `${format}: findings written one by one (${chunks.length} pieces)`);
    }
  }
});
