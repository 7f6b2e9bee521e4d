import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseKubernetes } from '../../../kubernetes/parse.js';
import { familyFixtureTests } from '../harness.js';
import { providerOf } from './describe.js';
import { rules } from './index.js';
import { isInternalLoadBalancer } from './resources.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);

function one(yaml: string) {
  const r = parseKubernetes('x.yaml', yaml);
  assert.ok(r.ok);
  return r.value[0]!;
}

test('provider of a cloud descriptor: apiVersion, or metadata.provider for Bulwark’s own kind; contradictions are rejected', () => {
  const rows: [string, string | undefined][] = [
    ['apiVersion: eks.amazonaws.com/v1\nkind: ClusterDescribe\nmetadata: {name: a}', 'eks'],
    ['apiVersion: management.azure.com/v1\nkind: ClusterDescribe\nmetadata: {name: a, provider: aks}', 'aks'],
    ['apiVersion: container.googleapis.com/v1\nkind: ClusterDescribe\nmetadata: {name: a, provider: eks}', undefined],
    ['apiVersion: cloud.bulwark.dev/v1alpha1\nkind: ClusterDescribe\nmetadata: {name: a, provider: gke}', 'gke'],
    ['apiVersion: cloud.bulwark.dev/v1alpha1\nkind: ClusterDescribe\nmetadata: {name: a}', undefined],
    ['apiVersion: example.com/v1\nkind: ClusterDescribe\nmetadata: {name: a, provider: eks}', undefined],
  ];
  for (const [yaml, want] of rows) assert.equal(providerOf(one(yaml), 'ClusterDescribe'), want, yaml);
});

test('internal load balancer annotations of each cloud', () => {
  const svc = (k: string, v: string) => one(`apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations: {"${k}": "${v}"}\nspec: {type: LoadBalancer}`);
  assert.ok(isInternalLoadBalancer(svc('service.beta.kubernetes.io/azure-load-balancer-internal', 'true')));
  assert.ok(isInternalLoadBalancer(svc('service.beta.kubernetes.io/aws-load-balancer-scheme', 'internal')));
  assert.ok(isInternalLoadBalancer(svc('networking.gke.io/load-balancer-type', 'Internal')));
  assert.ok(!isInternalLoadBalancer(svc('service.beta.kubernetes.io/azure-load-balancer-internal', 'false')));
});
