import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scanKubernetesFiles } from '../../../kubernetes/scan.js';
import { familyFixtureTests } from '../harness.js';
import { rules } from './index.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);

function fired(yaml: string): string[] {
  return scanKubernetesFiles([{ path: 'x.yaml', content: Buffer.from(yaml) }], rules).findings.map((f) => f.ruleId);
}

test('kube-proxy metrics: unset, empty and all-interface addresses fail; other ConfigMaps and malformed config are not judged', () => {
  const cm = (name: string, conf: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: kube-system}\ndata:\n  config.conf: |\n${conf.split('\n').map((l) => `    ${l}`).join('\n')}\n`;
  assert.deepEqual(fired(cm('kube-proxy', 'mode: iptables')), ['BLW-K8S-962']);
  assert.deepEqual(fired(cm('kube-proxy', 'metricsBindAddress: ""')), ['BLW-K8S-962']);
  assert.deepEqual(fired(cm('kube-proxy', 'metricsBindAddress: "[::]:10249"')), ['BLW-K8S-962']);
  assert.deepEqual(fired(cm('kube-proxy', 'metricsBindAddress: 127.0.0.1:10249')), []);
  assert.deepEqual(fired(cm('other', 'metricsBindAddress: 0.0.0.0:10249')), []);
  assert.deepEqual(fired(cm('kube-proxy', 'a: [unclosed')), []);
});

test('API server without --tls-cipher-suites fails CIS 1.10', () => {
  assert.deepEqual(fired('apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: kube-system}\nspec:\n  containers:\n  - {name: a, image: x, command: [kube-apiserver, --secure-port=6443]}\n'), ['BLW-K8S-961']);
});
