import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseKubernetes } from '../../../kubernetes/parse.js';
import { podOf } from '../../../kubernetes/workload.js';
import { familyFixtureTests } from '../harness.js';
import { configMapSecrets, rootContainer } from './hardening.js';
import { rules } from './index.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);

test('root containers (Checkov CKV_K8S_23): container settings override the pod’s', () => {
  const pod = (podSc: string, containerSc: string) => {
    const r = parseKubernetes('p.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: ${podSc}\n  containers:\n  - name: c\n    image: x:1\n    securityContext: ${containerSc}\n`);
    assert.ok(r.ok);
    return rootContainer(podOf(r.value[0]!)!);
  };
  const rows: [string, string, boolean][] = [
    ['{runAsNonRoot: true}', '{}', false],
    ['{runAsNonRoot: true}', '{runAsNonRoot: false}', true],
    ['{runAsNonRoot: true}', '{runAsNonRoot: false, runAsUser: 1000}', false],
    ['{runAsUser: 1000}', '{}', false],
    ['{runAsUser: 1000}', '{runAsUser: 0}', true],
    ['{}', '{runAsNonRoot: true}', false],
    ['{}', '{runAsUser: 5}', false],
    ['{}', '{}', true],
  ];
  for (const [p, c, fails] of rows) assert.equal(pod(p, c) !== undefined, fails, `${p} ${c}`);
});

test('ConfigMap credentials: sensitive keys with values, secret-shaped values, assignments with a value', () => {
  assert.deepEqual(configMapSecrets({ password: 'x', token: '', PASSWORD_FILE: '/run/secrets/p', note: 'see https://example.com' }).map((s) => s.key), ['password']);
  assert.deepEqual(configMapSecrets({ tls: '-----BEGIN RSA PRIVATE KEY-----\nMII...' }).map((s) => s.why), ['its value looks like a key or token']);
  assert.deepEqual(configMapSecrets({ env: 'USER=app\nAPI_TOKEN=abc123' }).map((s) => s.why), ['it assigns API_TOKEN']);
  assert.deepEqual(configMapSecrets({ env: 'API_TOKEN=<token>\nDB_PASSWORD=${DB_PASSWORD}' }), []);
});
