import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scanKubernetesFiles } from '../../../kubernetes/scan.js';
import { familyFixtureTests } from '../harness.js';
import { rules } from './index.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);

test('PDB minAvailable against replicas: counts, percentages rounded up, KEDA and HPA floors', () => {
  const doc = (minAvailable: string, replicas: number, scaler = '') => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: p, namespace: ns}
spec:
  minAvailable: ${minAvailable}
  selector: {matchLabels: {app: a}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: ns}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: a}}
${scaler}`;
  const run = (y: string) => scanKubernetesFiles([{ path: 'p.yaml', content: Buffer.from(y) }], rules).findings.filter((f) => f.ruleId === 'BLW-K8S-942').length;
  assert.equal(run(doc('2', 3)), 0);
  assert.equal(run(doc('3', 3)), 1);
  assert.equal(run(doc('"50%"', 3)), 0);
  assert.equal(run(doc('"90%"', 3)), 1);
  const keda = '---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: a, namespace: ns}\nspec:\n  minReplicaCount: 1\n  scaleTargetRef: {name: a}\n';
  assert.equal(run(doc('2', 5, keda)), 1);
});
