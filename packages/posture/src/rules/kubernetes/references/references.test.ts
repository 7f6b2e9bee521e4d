import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scanKubernetesFiles } from '../../../kubernetes/scan.js';
import { familyFixtureTests } from '../harness.js';
import { validPortName } from './dangling.js';
import { rules } from './index.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);

test('IANA port names', () => {
  const rows: [string, boolean][] = [['http', true], ['n23456789012345', true], ['n-3456789012345', true], ['n234567890123456', false], ['123456', false], ['-http', false], ['http-', false], ['ht--tp', false], ['HTTP', false], ['', false]];
  for (const [name, want] of rows) assert.equal(validPortName(name), want, name);
});

test('target ports: numbers within 1-65535, names valid; one finding per bad port', () => {
  const yaml = `apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  ports:
  - targetPort: 1234
  - targetPort: 123456
  - targetPort: n234567890123456
  - port: 80
`;
  const { findings } = scanKubernetesFiles([{ path: 's.yaml', content: Buffer.from(yaml) }], rules);
  assert.deepEqual(findings.filter((f) => f.ruleId === 'BLW-K8S-588').map((f) => f.range.startLine), [7, 8]);
});

test('token mounting: the pod setting wins over the account; groups every account belongs to count as bindings', () => {
  const base = `apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: ns}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-sa}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: "system:serviceaccounts"}]
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns}
spec:
  serviceAccountName: app
  automountServiceAccountToken: MOUNT
  containers: [{name: c, image: x:1}]
`;
  const run = (v: string) => scanKubernetesFiles([{ path: 'p.yaml', content: Buffer.from(base.replace('MOUNT', v)) }], rules).findings.filter((f) => f.ruleId === 'BLW-K8S-589').length;
  assert.equal(run('true'), 1);
  assert.equal(run('false'), 0);
});
