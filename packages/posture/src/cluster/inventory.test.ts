import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UPDATE_GOLDEN, seededRandom, sharedDir } from '@bulwark/core/testing';
import { parseKubernetes } from '../kubernetes/parse.js';
import { buildInventory } from './inventory.js';
import { sanitizeObject } from './sanitize.js';
import { loadSnapshot } from './snapshot.js';
import { formatInventory } from './summary.js';
import type { KubeObject, Relation } from './types.js';

const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));
const objects = await loadSnapshot(join(FIX, 'cluster.json'));
const inv = buildInventory(objects);

function golden(file: string, actual: string): void {
  const p = join(FIX, file);
  if (UPDATE_GOLDEN || !existsSync(p)) writeFileSync(p, actual);
  assert.equal(actual, readFileSync(p, 'utf8'), `${file} differs (UPDATE_GOLDEN=1 rewrites it after review)`);
}

test('golden: inventory graph of the fixture cluster', () => {
  golden('cluster.inventory.expected.json', JSON.stringify(inv, null, 2) + '\n');
});

test('golden: text summary', () => {
  golden('cluster.summary.expected.txt', formatInventory(inv));
});

const has = (list: readonly Relation[], from: string, type: Relation['type'], to: string): boolean => list.some((r) => r.from === from && r.type === type && r.to === to);

// Each row: from, relation, to, expected present (true) / absent (false) / unresolved ('unresolved').
const rows: [string, Relation['type'], string, boolean | 'unresolved'][] = [
  ['Deployment/shop/web', 'owns', 'ReplicaSet/shop/web-6d4b7c9f8', true],
  ['ReplicaSet/shop/web-6d4b7c9f8', 'owns', 'Pod/shop/web-6d4b7c9f8-k2x7q', true],
  ['Deployment/shop/web', 'runs', 'Pod/shop/web-6d4b7c9f8-k2x7q', true], // through the ReplicaSet
  ['Deployment/shop/web', 'runs', 'Pod/shop/web-6d4b7c9f8-p9m4t', true],
  ['CronJob/shop/report', 'runs', 'Pod/shop/report-28941240-7vq2z', true], // through the Job
  ['Job/shop/report-28941240', 'runs', 'Pod/shop/report-28941240-7vq2z', true],
  ['StatefulSet/shop/db', 'runs', 'Pod/shop/db-0', true],
  ['DaemonSet/kube-system/node-exporter', 'runs', 'Pod/kube-system/node-exporter-cp-1', true],
  ['Deployment/shop/web', 'runs', 'Pod/shop/db-0', false],
  ['Pod/shop/web-6d4b7c9f8-k2x7q', 'scheduled-on', 'Node/worker-1', true],
  ['Pod/default/debug', 'scheduled-on', 'Node/worker-9', 'unresolved'],
  ['Service/shop/web', 'selects', 'Pod/shop/web-6d4b7c9f8-k2x7q', true],
  ['Service/shop/web', 'selects', 'Pod/shop/db-0', false],
  ['Service/shop/web-public', 'selects', 'Pod/shop/web-6d4b7c9f8-p9m4t', true],
  ['Service/shop/db', 'selects', 'Pod/shop/db-0', true],
  ['Ingress/shop/shop', 'routes-to', 'Service/shop/web', true],
  ['Ingress/shop/shop', 'routes-to', 'Service/shop/legacy', 'unresolved'],
  ['Ingress/shop/shop', 'uses-secret', 'Secret/shop/shop-tls', true],
  ['Pod/shop/db-0', 'claims', 'PersistentVolumeClaim/shop/data-db-0', true],
  ['PersistentVolumeClaim/shop/data-db-0', 'bound-to', 'PersistentVolume/pvc-3f6c1e2a', true],
  ['Pod/shop/web-6d4b7c9f8-k2x7q', 'runs-as', 'ServiceAccount/shop/web', true],
  ['Pod/shop/report-28941240-7vq2z', 'runs-as', 'ServiceAccount/shop/default', 'unresolved'],
  ['Pod/shop/db-0', 'uses-secret', 'Secret/shop/db-password', true], // env secretKeyRef
  ['Pod/shop/web-6d4b7c9f8-k2x7q', 'uses-secret', 'Secret/shop/web-env', true], // envFrom
  ['Pod/shop/web-6d4b7c9f8-k2x7q', 'uses-secret', 'Secret/shop/regcred', true], // imagePullSecrets
  ['ServiceAccount/shop/web', 'uses-secret', 'Secret/shop/regcred', true],
  ['Endpoints/shop/web', 'endpoints-of', 'Service/shop/web', true],
  ['Endpoints/shop/web', 'targets', 'Pod/shop/web-6d4b7c9f8-p9m4t', true],
  ['EndpointSlice/shop/web-8hq2v', 'endpoints-of', 'Service/shop/web', true],
  ['Service/shop/web', 'owns', 'EndpointSlice/shop/web-8hq2v', true], // ownerReference by uid
  ['Service/default/kubernetes', 'selects', 'Pod/default/debug', false], // no selector: selects nothing
  ['NetworkPolicy/shop/default-deny', 'applies-to', 'Pod/shop/db-0', true], // empty podSelector: every pod
  ['NetworkPolicy/shop/web-from-ingress', 'applies-to', 'Pod/shop/web-6d4b7c9f8-k2x7q', true], // matchExpressions
  ['NetworkPolicy/shop/web-from-ingress', 'applies-to', 'Pod/shop/db-0', false],
  ['NetworkPolicy/shop/default-deny', 'applies-to', 'Pod/default/debug', false], // other namespace
  ['RoleBinding/shop/web-config-reader', 'refers-to', 'Role/shop/config-reader', true],
  ['RoleBinding/shop/web-config-reader', 'binds', 'ServiceAccount/shop/web', true],
  ['ClusterRoleBinding/node-exporter', 'binds', 'ServiceAccount/kube-system/node-exporter', true],
];
for (const [from, type, to, want] of rows) {
  test(`relation ${from} --${type}--> ${to}: ${String(want)}`, () => {
    if (want === 'unresolved') {
      assert.ok(has(inv.unresolved, from, type, to));
      assert.ok(!inv.assets.some((a) => a.id === to));
    } else assert.equal(has(inv.relations, from, type, to), want);
  });
}

test('assets: stable ids, kind-specific attributes, Secrets as metadata only, ConfigMap not modelled', () => {
  const byId = new Map(inv.assets.map((a) => [a.id, a]));
  assert.equal(byId.size, inv.assets.length);
  assert.deepEqual(byId.get('Node/cp-1')!.attributes, { roles: ['control-plane'], ready: true, kubeletVersion: 'v1.31.4', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntime: 'containerd://1.7.24', internalIP: '10.0.0.10' });
  assert.equal(byId.get('Node/worker-2')!.attributes.ready, false);
  assert.deepEqual(byId.get('Secret/shop/db-password')!.attributes, { type: 'Opaque' });
  assert.equal(byId.get('PersistentVolume/local-scratch')!.attributes.source, 'hostPath');
  assert.deepEqual(byId.get('Service/shop/web-public')!.attributes.loadBalancer, ['203.0.113.7']);
  assert.deepEqual(inv.summary.otherKinds, [{ kind: 'ConfigMap', count: 1 }]);
  assert.equal(inv.summary.nodes.find((n) => n.name === 'worker-1')!.pods, 3);
});

test('deterministic: shuffled input and duplicated objects give the same graph', () => {
  const rnd = seededRandom(7);
  const shuffled = [...objects];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const again = buildInventory([...shuffled, shuffled[0]!, shuffled[1]!]);
  assert.deepEqual(again.assets, inv.assets);
  assert.deepEqual(again.relations, inv.relations);
  assert.deepEqual(again.unresolved, inv.unresolved);
  assert.equal(again.summary.duplicates, 2);
});

test('objects without ownerReference uids resolve owners by kind and name', () => {
  const stripped = (JSON.parse(JSON.stringify(objects)) as KubeObject[]).map((o) => {
    delete o.metadata.uid;
    for (const r of o.metadata.ownerReferences ?? []) delete r.uid;
    return o;
  });
  assert.deepEqual(buildInventory(stripped).relations, inv.relations);
});

const CASES = join(sharedDir(), 'corpus', 'k8s', 'cases');
test('every manifest of the k8s corpus: a consistent graph (relations between existing assets only)', { skip: !existsSync(CASES) && `no ${CASES}` }, () => {
  const all: KubeObject[] = [];
  for (const name of readdirSync(CASES)) {
    const expected = JSON.parse(readFileSync(join(CASES, name, 'expected.json'), 'utf8')) as { inputs: string[] };
    for (const input of expected.inputs) {
      const r = parseKubernetes(input, readFileSync(join(CASES, name, input)));
      if (!r.ok) continue;
      for (const res of r.value) {
        const o = sanitizeObject(structuredClone(res.object));
        // each case is its own cluster: prefix namespaces and names would collide otherwise; keep them in one graph anyway
        if (o) all.push(o);
      }
    }
  }
  assert.ok(all.length > 500, `${all.length} objects`);
  const g = buildInventory(all);
  const ids = new Set(g.assets.map((a) => a.id));
  assert.equal(ids.size, g.assets.length);
  for (const r of g.relations) assert.ok(ids.has(r.from) && ids.has(r.to), `${r.from} ${r.type} ${r.to}`);
  for (const r of g.unresolved) assert.ok(ids.has(r.from) !== ids.has(r.to), `${r.from} ${r.type} ${r.to}`);
  assert.ok(g.summary.kinds.length >= 15, g.summary.kinds.map((k) => k.kind).join(','));
  assert.match(formatInventory(g), /^Cluster inventory: \d+ assets/);
});
