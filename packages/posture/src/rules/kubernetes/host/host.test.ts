import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scanKubernetesFiles } from '../../../kubernetes/scan.js';
import { familyFixtureTests } from '../harness.js';
import { MAX_EMBEDDED_BYTES, decodeContent, parseEmbedded, parseFlags } from './host-data.js';
import { rules } from './index.js';
import { goBool, zeroDuration } from './kubelet.js';
import { auditPolicyGaps } from './node.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);

test('command-line flags: "=", space-separated, bare booleans, quotes, last occurrence wins', () => {
  const f = parseFlags('/usr/bin/kubelet --config /etc/k.yaml --anonymous-auth --read-only-port=0 --read-only-port=10255 --hostname-override="n1" -v 2', new Set(['anonymous-auth']));
  assert.deepEqual(Object.fromEntries(f), { config: '/etc/k.yaml', 'anonymous-auth': 'true', 'read-only-port': '10255', 'hostname-override': 'n1' });
  assert.equal(parseFlags('').size, 0);
});

test('Go booleans and durations', () => {
  const bools: [string | undefined, boolean | undefined][] = [['true', true], ['1', true], ['T', true], ['false', false], ['0', false], ['yes', undefined], [undefined, undefined]];
  for (const [s, want] of bools) assert.equal(goBool(s), want, String(s));
  const durations: [unknown, boolean | undefined][] = [['0', true], ['0s', true], ['0h0m0s', true], [0, true], ['4h0m0s', false], ['5m', false], ['0.5s', false], ['soon', undefined], [null, undefined]];
  for (const [v, want] of durations) assert.equal(zeroDuration(v), want, String(v));
});

test('embedded files: base64 only, bounded, malformed YAML is unreadable rather than half-read', () => {
  assert.equal(decodeContent(Buffer.from('a: 1').toString('base64')), 'a: 1');
  assert.equal(decodeContent('not base64 !'), undefined);
  assert.equal(decodeContent(''), undefined);
  assert.equal(decodeContent(42), undefined);
  assert.equal(decodeContent('A'.repeat(MAX_EMBEDDED_BYTES * 2)), undefined);
  assert.deepEqual(parseEmbedded('podPidsLimit: 10\nmode: x'), { podPidsLimit: 10, mode: 'x' });
  assert.equal(parseEmbedded('a: 1\npodPidsLimit:1000\nb:\n  c: 2'), undefined);
  assert.equal(parseEmbedded('- a\n- b'), undefined);
  assert.equal(parseEmbedded('&a [*a, *a]'), undefined);
});

test('audit policy gaps: every key resource needs a rule, at the right level', () => {
  const policy = {
    rules: [
      { level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps', 'tokenreviews'] }] },
      { level: 'Request', resources: [{ group: '', resources: ['configmaps', 'pods', 'pods/exec', 'pods/portforward', 'pods/proxy', 'services/proxy'] }] },
      { level: 'None', resources: [{ group: 'apps', resources: ['deployments'] }] },
    ],
  };
  assert.deepEqual(auditPolicyGaps(policy), ['configmaps is audited at Request (want Metadata)', 'deployments is audited at None (want not None)']);
  assert.equal(auditPolicyGaps({}).length, 9);
});

test('findings are placed on the node object, with the field line', () => {
  const yaml = `apiVersion: hostdata.kubescape.cloud/v1beta0
kind: ControlPlaneInfo
metadata:
  name: cp-9
data:
  adminConfigFile:
    path: /etc/kubernetes/admin.conf
    permissions: 420
    ownership: {username: root, groupname: root}
`;
  const { findings } = scanKubernetesFiles([{ path: 'cp.yaml', content: Buffer.from(yaml) }], rules);
  assert.deepEqual(findings.map((f) => [f.ruleId, f.resource, f.range.startLine, f.message]), [
    ['BLW-K8S-812', 'ControlPlaneInfo/cp-9', 8, '/etc/kubernetes/admin.conf has mode 644 (at most 600 allowed); want 600 or more restrictive'],
  ]);
});

test('ownership the sensor could not read is not judged', () => {
  const yaml = `apiVersion: hostdata.kubescape.cloud/v1beta0
kind: KubeletInfo
metadata: {name: n}
data:
  cmdLine: kubelet --anonymous-auth=false --client-ca-file=/ca --tls-cert-file=/c --tls-private-key-file=/k --protect-kernel-defaults=true
  clientCAFile: {path: /ca, ownership: {error: "permission denied"}}
`;
  const { findings } = scanKubernetesFiles([{ path: 'k.yaml', content: Buffer.from(yaml) }], rules);
  assert.deepEqual(findings.map((f) => f.ruleId), []);
});
