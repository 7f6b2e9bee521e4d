import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '@bulwark/core/testing';
import { kubernetesRules } from '../rules/kubernetes/registry.js';
import { mapSelectorMatches, selectorMatches } from '../rules/kubernetes/network/selectors.js';
import { derived, lookupWork } from './derived.js';
import { LabelIndex, SelectorIndex, mapSelectorAnchors, ofKindNamedIn, selectorAnchors, selectorNeeds } from './indexes.js';
import { resourceFromObject } from './parse.js';
import type { K8sResource } from './parse.js';
import { scanKubernetesResources } from './scan.js';
import { containersOf, podLabels, podOf } from './workload.js';

const resources = (objects: readonly unknown[]): K8sResource[] =>
  objects.map((o, i) => resourceFromObject('cluster.json', o, { startLine: i + 1, endLine: i + 1 }, i)).filter((r): r is K8sResource => r !== undefined);

test('derived: computed once per set and key; another array, or a set whose length changed, is computed afresh', () => {
  const all = resources([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } }]);
  let calls = 0;
  const count = (xs: readonly K8sResource[]): number => (calls++, xs.length);
  assert.equal(derived(all, 'test/count', count), 1);
  assert.equal(derived(all, 'test/count', count), 1);
  assert.equal(calls, 1);
  assert.equal(derived(all, 'test/other', count), 1);
  assert.equal(calls, 2);
  assert.equal(derived([...all], 'test/count', count), 1);
  assert.equal(calls, 3);
  all.push(...resources([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' } }]));
  assert.equal(derived(all, 'test/count', count), 2);
  assert.equal(calls, 4);
});

test('per-resource helpers answer the same objects on every call', () => {
  const [d] = resources([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { metadata: { labels: { app: 'web', n: 3 } }, spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i' }] } } } }]);
  const pod = podOf(d!)!;
  assert.equal(podOf(d!), pod);
  assert.deepEqual(podLabels(pod), { app: 'web', n: '3' });
  assert.equal(podLabels(pod), podLabels(pod));
  assert.deepEqual(containersOf(pod).map((c) => c.container.name), ['a', 'i']);
  assert.deepEqual(containersOf(pod, ['containers']).map((c) => c.path), [['spec', 'template', 'spec', 'containers', 0]]);
  assert.equal(containersOf(pod, ['initContainers']), containersOf(pod, ['initContainers']));
});

test('kind/namespace/name look-ups keep set order and need string keys', () => {
  const all = resources([
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'default' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'prod' } },
  ]);
  assert.deepEqual(ofKindNamedIn(all, 'ServiceAccount', 'default', 'sa'), [all[0], all[1]]);
  assert.deepEqual(ofKindNamedIn(all, 'ServiceAccount', 'prod', 'sa'), [all[2]]);
  assert.deepEqual(ofKindNamedIn(all, 'ServiceAccount', 5, 'sa'), []);
  assert.deepEqual(ofKindNamedIn(all, 'Secret', 'prod', 'sa'), []);
});

/** Random label sets and selectors over few keys and values, so that many of them match. */
function randomLabels(rnd: () => number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['app', 'tier', 'team', 'constructor']) if (rnd() < 0.6) out[k] = ['a', 'b', 'c'][Math.floor(rnd() * 3)]!;
  return out;
}

function randomSelector(rnd: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  if (rnd() < 0.1) return pick([undefined, 'x', {}, { matchLabels: 'x' }]);
  const matchLabels = Object.fromEntries(Object.entries(randomLabels(rnd)).filter(() => rnd() < 0.5));
  const matchExpressions = Array.from({ length: Math.floor(rnd() * 3) }, () => ({
    key: pick(['app', 'tier', 'team', 'toString']),
    operator: pick(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Bogus']),
    values: [pick(['a', 'b', 'c'])],
  }));
  return { matchLabels, ...(rnd() < 0.6 ? { matchExpressions } : {}) };
}

test('fuzz: index candidates hold every match, in the given order', () => {
  const rnd = seededRandom(42);
  for (let round = 0; round < 200; round++) {
    const labelSets = Array.from({ length: 30 }, () => randomLabels(rnd));
    const selectors = Array.from({ length: 30 }, () => randomSelector(rnd));
    const forward = new LabelIndex(labelSets.map((l, i) => [i, l] as const));
    const reverse = new SelectorIndex(selectors.map((s, i) => [i, selectorAnchors(s)] as const));
    const reverseMap = new SelectorIndex(selectors.map((s, i) => [i, mapSelectorAnchors(isRecord(s) ? s.matchLabels : s)] as const));
    for (const [si, sel] of selectors.entries()) {
      const { pairs, keys } = selectorNeeds(sel);
      const want = labelSets.flatMap((l, i) => (selectorMatches(sel, l) ? [i] : []));
      assert.deepEqual(forward.candidates(pairs, keys).filter((i) => selectorMatches(sel, labelSets[i]!)), want, `selector ${si} ${JSON.stringify(sel)}`);
    }
    for (const labels of labelSets) {
      const want = selectors.flatMap((s, i) => (selectorMatches(s, labels) ? [i] : []));
      const got = reverse.candidates(labels);
      assert.deepEqual(got, [...got].sort((a, b) => a - b));
      assert.deepEqual(got.filter((i) => selectorMatches(selectors[i], labels)), want, JSON.stringify(labels));
      const ml = (i: number): unknown => (isRecord(selectors[i]) ? (selectors[i] as Record<string, unknown>).matchLabels : selectors[i]);
      const wantMap = selectors.flatMap((_s, i) => (mapSelectorMatches(ml(i), labels) ? [i] : []));
      assert.deepEqual(reverseMap.candidates(labels).filter((i) => mapSelectorMatches(ml(i), labels)), wantMap);
    }
  }
});

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A cluster of `apps` applications: every kind the cross-object rules relate, wired as a real cluster would be. */
function cluster(apps: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < apps; i++) {
    const ns = `team-${i % 3}`;
    const app = `app-${i}`;
    const meta = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, namespace: ns, labels: { app }, ...extra });
    const podSpec = {
      serviceAccountName: app,
      containers: [{
        name: 'main', image: `registry.example/${app}:1.${i % 7}`, ports: [{ name: 'http', containerPort: 8080 }],
        volumeMounts: [{ name: 'creds', mountPath: '/secret' }, { name: 'conf', mountPath: '/conf' }, { name: 'data', mountPath: '/data', subPath: 'x' }],
      }],
      volumes: [{ name: 'creds', secret: { secretName: app } }, { name: 'conf', configMap: { name: app } }, { name: 'data', persistentVolumeClaim: { claimName: app } }],
    };
    const template = { metadata: { labels: { app } }, spec: podSpec };
    out.push(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(app), spec: { replicas: 1, selector: { matchLabels: { app } }, template } },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta(`${app}-rs`), spec: { replicas: 2, selector: { matchLabels: { app } }, template } },
      ...[0, 1].map((p) => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta(`${app}-${p}`), spec: podSpec })),
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta(`${app}-db`), spec: { serviceName: `${app}-db`, selector: { matchLabels: { app: `${app}-db` } }, template: { metadata: { labels: { app: `${app}-db` } }, spec: podSpec } } },
      { apiVersion: 'v1', kind: 'Service', metadata: meta(`${app}-db`), spec: { clusterIP: 'None', selector: { app: `${app}-db` }, ports: [{ port: 5432 }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: meta(app), spec: { type: i % 2 ? 'NodePort' : 'ClusterIP', selector: { app }, ports: [{ port: 80, targetPort: 'http' }, { port: 22 }] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta(app), spec: { rules: [{ http: { paths: [{ backend: { service: { name: app } } }] } }] } },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta(app), spec: { rules: [{ backendRefs: [{ name: app }, { name: `${app}-gone` }] }] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(app), spec: { podSelector: { matchLabels: { app } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: `${app}-db` } } }] }] } },
      { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: meta(app), spec: { endpointSelector: { matchLabels: { app: `${app}-db` } }, egress: [{}] } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(app), spec: { minAvailable: 1, selector: { matchLabels: { app } } } },
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta(app), spec: { minReplicas: 1, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: i % 2 ? app : `${app}-rs` } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(app) },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta(app), roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: app }] },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(app), data: { 'allow-snippet-annotations': 'false' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: meta(app) },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta(app) },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: meta(app), spec: { selector: { matchLabels: { app } } } },
      { apiVersion: 'v1', kind: 'ServiceScanResult', metadata: meta(app), spec: { ports: [{ port: 80, authenticated: false }] } },
      { apiVersion: 'armo.vuln.images/v1', kind: 'ImageVulnerabilities', metadata: { name: `registry.example/${app}:1.${i % 7}` }, data: [{ name: 'CVE-1', severity: 'Critical', categories: { isRce: true } }] },
    );
    if (i % 5 === 0) {
      const node = `node-${i}`;
      out.push(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `extra-${i}` } },
        { apiVersion: 'v1', kind: 'Node', metadata: { name: node }, status: { nodeInfo: { kubeletVersion: 'v1.21.1', kernelVersion: '5.10.1', containerRuntimeVersion: 'containerd://1.5.2', osImage: 'Ubuntu' } } },
        { apiVersion: 'v1', kind: 'LinuxKernelVariables', metadata: { name: node }, data: [{ key: 'unprivileged_userns_clone', value: '1' }] },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: `kube-apiserver-${node}`, namespace: 'kube-system' }, spec: { containers: [{ name: 'a', image: 'registry.k8s.io/kube-apiserver:v1.20.7', command: ['kube-apiserver', '--client-ca-file=/pki/ca.crt'] }] } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: `etcd-${node}`, namespace: 'kube-system' }, spec: { containers: [{ name: 'e', image: 'etcd', command: ['etcd', '--trusted-ca-file=/pki/ca.crt'] }] } },
        { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name: `gw-${i}-public`, namespace: ns }, spec: { selector: { app } } },
        { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: `vs-${i}`, namespace: ns }, spec: { gateways: [`gw-${i}-public`], http: [{ route: [{ destination: { host: app } }] }] } },
        { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: `v1.${app}` }, spec: { service: { name: app, namespace: ns } } },
        { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: `sc-${i}` }, provisioner: 'ebs' },
        { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `pv-${i}` }, spec: { storageClassName: `sc-${i}` } },
        { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: `psp-${i}` }, spec: { privileged: true } },
      );
    }
  }
  return out;
}

/** Runs every rule on every object the way `scanKubernetesResources` does, counting how often the rules read the set. */
function countedScan(objects: readonly unknown[]): { objects: number; reads: number; work: number; rules: Set<string> } {
  const list = resources(objects);
  let reads = 0;
  const all = new Proxy(list, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  const work = lookupWork();
  const rules = new Set<string>();
  for (const resource of list) {
    for (const rule of kubernetesRules) for (const _ of rule.check({ resource, resources: all })) rules.add(rule.id);
  }
  return { objects: list.length, reads, work: lookupWork() - work, rules };
}

test('scaling: a scan does linear work in the number of objects (set reads and index look-ups, not time)', () => {
  const small = countedScan(cluster(15));
  const large = countedScan(cluster(60));
  const growth = large.objects / small.objects;
  // cross-object rules did run on this data (otherwise the counts prove nothing)
  for (const id of ['BLW-K8S-402', 'BLW-K8S-560', 'BLW-K8S-561', 'BLW-K8S-563', 'BLW-K8S-580', 'BLW-K8S-589', 'BLW-K8S-601', 'BLW-K8S-606', 'BLW-K8S-900', 'BLW-K8S-914', 'BLW-K8S-940', 'BLW-K8S-942', 'BLW-K8S-960']) {
    assert.ok(large.rules.has(id), `${id} should fire on the generated cluster`);
  }
  // linear: both grow like the object count (4x); a rule scanning the set per object would make them grow ~16x
  assert.ok(large.reads / small.reads < 1.5 * growth, `set reads grew ${(large.reads / small.reads).toFixed(1)}x for ${growth.toFixed(1)}x objects (${small.reads} → ${large.reads})`);
  assert.ok(large.work / small.work < 1.5 * growth, `index work grew ${(large.work / small.work).toFixed(1)}x for ${growth.toFixed(1)}x objects (${small.work} → ${large.work})`);
  assert.ok(large.reads < 50 * large.objects, `${large.reads} set reads for ${large.objects} objects`);
});

test('scaling: the engine path gives the same findings as rules run one object at a time', () => {
  const list = resources(cluster(10));
  const { findings } = scanKubernetesResources(list.map((resource) => ({ resource, ordinal: 0 })));
  const direct = list.flatMap((resource) => kubernetesRules.flatMap((rule) => rule.check({ resource, resources: list }).map((v) => `${rule.id} ${resource.label} ${v.message}`)));
  assert.deepEqual(findings.map((f) => `${f.ruleId} ${f.resource} ${f.message}`), direct);
});
