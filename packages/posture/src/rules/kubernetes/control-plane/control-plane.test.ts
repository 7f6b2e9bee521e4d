import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseKubernetes } from '../../../kubernetes/parse.js';
import { familyFixtureTests } from '../harness.js';
import { durationSeconds } from './control-plane.js';
import { flag, listOf, processesOf } from './flags.js';
import { rules } from './index.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);

test('Go durations', () => {
  const rows: [string, number | undefined][] = [['60s', 60], ['2m3s', 123], ['1s9m3h', 11341], ['1.5h', 5400], ['300ms', 0.3], ['0', 0], ['2', undefined], ['', undefined], ['5x', undefined], ['m', undefined]];
  for (const [v, want] of rows) assert.equal(durationSeconds(v), want, v);
});

test('flags: command and args, "=" values, bare flags, quoted values, path of the token; other binaries ignored', () => {
  const r = parseKubernetes('p.yaml', `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: sidecar
    image: x
    command: ["/bin/sh", "-c", "kube-apiserver --profiling=true"]
  - name: api
    image: x
    command: ["/usr/local/bin/kube-apiserver", "--tls-cert-file", "--profiling=false"]
    args: ["--enable-admission-plugins='NodeRestriction,EventRateLimit'"]
`);
  assert.ok(r.ok);
  const [p, ...rest] = processesOf(r.value[0]!, 'kube-apiserver');
  assert.equal(rest.length, 0);
  assert.equal(flag(p!, 'tls-cert-file'), '');
  assert.equal(flag(p!, 'profiling'), 'false');
  assert.deepEqual(listOf(p!, 'enable-admission-plugins'), ['NodeRestriction', 'EventRateLimit']);
  assert.deepEqual(p!.pathOf('enable-admission-plugins'), ['spec', 'containers', 1, 'args', 0]);
  assert.equal(processesOf(r.value[0]!, 'etcd').length, 0);
});
