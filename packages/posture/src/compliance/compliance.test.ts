import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigFinding } from '@bulwark/core';
import { ruleCatalog } from '../config-scan/catalog.js';
import { scanConfigSources } from '../config-scan/scan.js';
import { controlRules, effectiveControls, evaluateCompliance, findFramework, frameworks } from './index.js';

test('registry: the four required frameworks and lookup by alias', () => {
  for (const id of ['cis-kubernetes', 'nsa-cisa', 'pci-dss', 'mlps-2.0']) assert.ok(frameworks.some((f) => f.id === id), id);
  assert.equal(findFramework('等保2.0')?.id, 'mlps-2.0');
  assert.equal(findFramework('cis-kubernetes-1.9')?.id, 'cis-kubernetes');
  assert.equal(findFramework('nope'), undefined);
  for (const c of findFramework('mlps-2.0')!.controls) assert.ok(c.titleZh, `MLPS ${c.id} has a Chinese title`);
});

test('mappings: every rule metadata mapping is evaluated (listed control or one added from metadata) every mapped rule exists', () => {
  const rules = ruleCatalog();
  const ids = new Set(rules.map((r) => r.id));
  for (const f of frameworks) {
    const controls = new Set(effectiveControls(f, rules).map((c) => c.id));
    for (const r of rules) {
      for (const m of r.frameworks) {
        if (!f.metadataIds.includes(m.framework)) continue;
        assert.ok(controls.has(m.control), `${r.id} maps to ${m.framework} ${m.control}, which ${f.id} does not list`);
      }
    }
    const mapping = controlRules(f, rules);
    for (const [control, list] of mapping) {
      assert.ok(list.length > 0, `${f.id} ${control} has no rule`);
      for (const id of list) assert.ok(ids.has(id), `${f.id} ${control}: unknown rule ${id}`);
    }
  }
});

test('cis-kubernetes: API server rules map by what they check in v1.9 numbering', () => {
  const m = controlRules(findFramework('cis-kubernetes')!, ruleCatalog());
  assert.deepEqual(m.get('1.2.15'), ['BLW-K8S-119']); // --profiling
  assert.deepEqual(m.get('1.2.16'), ['BLW-K8S-120']); // --audit-log-path
  assert.ok(m.get('4.2.10')!.includes('BLW-K8S-178')); // --rotate-certificates
  assert.deepEqual(m.get('1.2.17'), ['BLW-K8S-121']); // --audit-log-maxage
  assert.ok(m.get('5.2.10')!.includes('BLW-K8S-020') && m.get('5.2.9')!.includes('BLW-K8S-506'));
  assert.ok(m.get('5.2.2')!.includes('BLW-K8S-001') && m.get('5.2.2')!.includes('BLW-K8S-500'));
});

const POD = (name: string, privileged: boolean): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: app\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: ${privileged}\n`;

test('evaluateCompliance: fail with evidence, pass with resource counts, not-applicable without resources', () => {
  const fw = findFramework('cis-kubernetes')!;
  const scan = scanConfigSources([{ path: 'a.yaml', content: Buffer.from(POD('bad', true)) }, { path: 'b.yaml', content: Buffer.from(POD('good', false)) }], { inventory: true });
  const r = evaluateCompliance(fw, scan.findings, scan.resources ?? []);
  const c = (id: string) => r.controls.find((x) => x.id === id)!;
  assert.equal(c('5.2.2').status, 'fail');
  assert.deepEqual(c('5.2.2').failing.map((e) => `${e.ruleId} ${e.resource} ${e.file}:${e.line}`).filter((s) => s.startsWith('BLW-K8S-001')), ['BLW-K8S-001 Pod/app/bad a.yaml:11']);
  assert.equal(c('5.2.2').applicableResources, 2);
  assert.equal(c('5.2.2').passingResources, 1);
  assert.equal(c('5.2.3').status, 'pass'); // hostPID: both pods checked, none shares it
  assert.equal(c('5.2.3').passingResources, 2);
  assert.equal(c('1.2.1').status, 'not-applicable'); // no kube-apiserver pod in the set
  assert.equal(c('5.1.1').status, 'not-applicable'); // no RBAC object
  assert.equal(r.summary.total, effectiveControls(fw, ruleCatalog()).length);
  assert.equal(r.summary.pass + r.summary.fail + r.summary.notApplicable, r.summary.total);
});

test('evaluateCompliance: control-plane rules apply to the static pod of their component', () => {
  const apiserver = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\nspec:\n  containers:\n    - name: kube-apiserver\n      image: registry.k8s.io/kube-apiserver:v1.29.0\n      command:\n        - kube-apiserver\n        - --anonymous-auth=false\n        - --profiling=true\n';
  const scan = scanConfigSources([{ path: 'kube-apiserver.yaml', content: Buffer.from(apiserver) }], { inventory: true });
  const r = evaluateCompliance(findFramework('cis-kubernetes')!, scan.findings, scan.resources ?? []);
  const c = (id: string) => r.controls.find((x) => x.id === id)!;
  assert.equal(c('1.2.1').status, 'pass');
  assert.equal(c('1.2.15').status, 'fail');
  assert.equal(c('1.3.2').status, 'not-applicable'); // no controller manager
});

test('evaluateCompliance: cloud rules apply by resource type (MLPS 8.1.4.8 on an unencrypted bucket)', () => {
  const tf = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n';
  const scan = scanConfigSources([{ path: 'main.tf', content: Buffer.from(tf) }], { inventory: true });
  const r = evaluateCompliance(findFramework('mlps-2.0')!, scan.findings, scan.resources ?? []);
  const c = r.controls.find((x) => x.id === '8.1.4.8')!;
  assert.equal(c.status, 'fail');
  assert.ok(c.failing.some((e) => e.ruleId === 'BLW-AWS-010' && e.resource === 'aws_s3_bucket.b' && e.file === 'main.tf'));
  const none = evaluateCompliance(findFramework('mlps-2.0')!, [] as ConfigFinding[], []);
  assert.equal(none.summary.notApplicable, none.summary.total);
});
