import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scanKubernetesFiles } from '../../../kubernetes/scan.js';
import { scanRbacFiles } from '../../../rbac/scan.js';
import { familyFixtureTests } from '../harness.js';
import { kubernetesRules } from '../registry.js';
import { rbacRisks, rules } from './index.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);

const analyzerFixtures = ['team.yaml', 'bootstrap-cluster-roles.yaml'].map((f) => ({
  path: f,
  content: readFileSync(new URL(`../../../rbac/fixtures/${f}`, import.meta.url)),
}));

test('registered once: every RBAC rule is in kubernetesRules exactly once, with the engine\'s metadata', () => {
  for (const risk of rbacRisks) {
    const found = kubernetesRules.filter((r) => r.id === risk.id);
    assert.equal(found.length, 1, risk.id);
    assert.equal(found[0]!.title, risk.title);
    assert.deepEqual(found[0]!.aliases, risk.aliases);
  }
});

test('scanKubernetesFiles and the RBAC report give the same findings (same engine)', () => {
  const key = (f: { ruleId: string; file: string; resource?: string; range: { startLine: number }; message: string }): string =>
    `${f.ruleId} ${f.file}:${f.range.startLine} ${f.resource ?? ''} ${f.message}`;
  const viaRegistry = scanKubernetesFiles(analyzerFixtures, kubernetesRules).findings.filter((f) => rbacRisks.some((r) => r.id === f.ruleId));
  const viaReport = scanRbacFiles(analyzerFixtures).findings;
  assert.ok(viaReport.length > 20, `${viaReport.length} findings`);
  assert.deepEqual(viaRegistry.map(key).sort(), viaReport.map(key).sort());
});

test('aggregated ClusterRoles: the grant is reported on the aggregate, pointing at aggregationRule, and held through it', () => {
  const { findings } = scanKubernetesFiles(analyzerFixtures, rules);
  const admin = findings.find((f) => f.ruleId === 'BLW-K8S-300' && f.resource === 'ClusterRole/admin');
  assert.ok(admin, 'admin (aggregated from edit) can read secrets');
  const text = analyzerFixtures[1]!.content.toString('utf8').split('\n');
  assert.match(text[admin.range.startLine - 1]!, /aggregationRule/);
  const source = findings.find((f) => f.ruleId === 'BLW-K8S-300' && f.resource === 'ClusterRole/system:aggregate-to-edit');
  assert.ok(source, 'the source role of the aggregation is reported too');
});
