import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigFinding } from '@bulwark/core';
import { ruleIndex, sameResource, scoreCase, summarize } from './score.js';

const finding = (ruleId: string, resource?: string): ConfigFinding => ({
  ruleId,
  title: 't',
  severity: 'high',
  aliases: [],
  file: 'f.yaml',
  range: { startLine: 1, endLine: 1 },
  ...(resource ? { resource } : {}),
  message: 'm',
  frameworks: [],
  fixable: false,
});

const idx = ruleIndex([
  { id: 'BLW-K8S-016', aliases: ['CKV_K8S_16', 'KSV017', 'C-0057'] },
  { id: 'BLW-K8S-020', aliases: ['CKV_K8S_20'] },
]);

test('expectations score through aliases; unmapped rules are not covered', () => {
  const expected = {
    case: 'c',
    area: 'k8s',
    kind: 'kubernetes',
    inputs: [],
    expect: [
      { tool: 'checkov', rule: 'CKV_K8S_16', fires: true },
      { tool: 'kubescape', rule: 'privileged-container', aliases: ['C-0057'], fires: true },
      { tool: 'checkov', rule: 'CKV_K8S_20', fires: false },
      { tool: 'checkov', rule: 'CKV_K8S_16', passes: true, resources: ['Pod.default.good'] },
      { tool: 'checkov', rule: 'CKV_K8S_99', fires: true },
    ],
  };
  const scored = scoreCase(expected, [finding('BLW-K8S-016', 'Pod/default/bad'), finding('BLW-K8S-020', 'Pod/default/bad')], idx);
  assert.deepEqual(scored.map((s) => s.outcome), ['tp', 'tp', 'fp', 'tn', 'not-covered']);
  const s = summarize(scored);
  assert.equal(s.covered, 4);
  assert.equal(s.recall, 1);
  assert.equal(s.precision, 2 / 3);
  assert.equal(s.specificity, 0.5);
});

test('a missed expectation lowers recall; resources compare across naming styles', () => {
  const scored = scoreCase({ case: 'c', area: 'k8s', kind: 'kubernetes', inputs: [], expect: [{ tool: 'checkov', rule: 'CKV_K8S_16', fires: true }] }, [], idx);
  assert.equal(scored[0]!.outcome, 'fn');
  assert.equal(summarize(scored).recall, 0);
  assert.ok(sameResource('Deployment/prod/web', 'Deployment.prod.web'));
  assert.ok(sameResource('aws_s3_bucket.logs', 'aws_s3_bucket.logs'));
  assert.ok(!sameResource('Pod/default/a', 'Pod.default.b'));
});
