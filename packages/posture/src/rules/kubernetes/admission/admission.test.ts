import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scanKubernetesFiles } from '../../../kubernetes/scan.js';
import { familyFixtureTests } from '../harness.js';
import { rules } from './index.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);

function fired(yaml: string): string[] {
  return scanKubernetesFiles([{ path: 'x.yaml', content: Buffer.from(yaml) }], rules).findings.map((f) => f.ruleId).sort();
}

test('enforce levels: baseline accepts baseline or restricted; restricted only restricted; warn/audit labels do not count', () => {
  const ns = (labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n  labels: {${labels}}\n`;
  assert.deepEqual(fired(ns('"pod-security.kubernetes.io/enforce": baseline')), ['BLW-K8S-922']);
  assert.deepEqual(fired(ns('"pod-security.kubernetes.io/enforce": restricted')), []);
  assert.deepEqual(fired(ns('"pod-security.kubernetes.io/warn": restricted, "pod-security.kubernetes.io/audit": restricted')), ['BLW-K8S-920', 'BLW-K8S-921', 'BLW-K8S-922']);
});

test('PodSecurity admission: on by default from 1.23 unless disabled; unknown versions judged only with an explicit plugin list', () => {
  const apiserver = (image: string, flags: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: kube-system}\nspec:\n  containers:\n  - name: a\n    image: ${image}\n    command: [kube-apiserver${flags}]\n`;
  assert.deepEqual(fired(apiserver('registry.k8s.io/kube-apiserver:v1.28.2', ', --disable-admission-plugins=PodSecurity')), ['BLW-K8S-923']);
  assert.deepEqual(fired(apiserver('registry.k8s.io/kube-apiserver:v1.28.2', '')), []);
  assert.deepEqual(fired(apiserver('example.com/apiserver', '')), []);
  assert.deepEqual(fired(apiserver('example.com/apiserver', ', --enable-admission-plugins=NodeRestriction')), ['BLW-K8S-923']);
});
