import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cluster, scanKubernetesObjects, type SnapshotItem } from '@bulwark/posture';
import { SqliteStore, findingFingerprint, type FindingInput } from '@bulwark/platform';
import { prioritizeScan } from '@bulwark/platform';
import { expectGolden, linesJson } from './golden.js';
import { k8sUpload } from './k8s.js';

const here = new URL('.', import.meta.url).pathname;
const POSTURE_CLUSTER = join(here, '..', '..', '..', 'posture', 'src', 'cluster', 'fixtures', 'cluster.json');
const EXPOSED = join(here, 'fixtures', 'exposed-cluster.json');
const work = mkdtempSync(join(tmpdir(), 'bulwark-upload-k8s-'));
after(() => rmSync(work, { recursive: true, force: true }));

const timing = { scanId: '00000000-0000-4000-8000-000000000002', startedAt: new Date('2026-11-23T10:00:00Z'), finishedAt: new Date('2026-11-23T10:00:02Z') };

async function scanDump(path: string) {
  const items: SnapshotItem[] = [];
  await cluster.streamSnapshot(path, (object, range) => void items.push({ object, range }));
  const scan = scanKubernetesObjects('cluster.json', items, {});
  return { objects: items.map((i) => i.object as cluster.KubeObject), findings: scan.findings };
}

const detail = (f: FindingInput, name: string): string | undefined => f.priority?.factors.find((x) => x.name === name)?.detail;

test('cluster dump: cluster, namespaces, nodes, top-level workloads with exposure, images, relations (golden)', async () => {
  const { objects, findings } = await scanDump(POSTURE_CLUSTER);
  const { body, folded } = k8sUpload(objects, findings, { ...timing, clusterName: 'prod', source: 'snapshot' });
  const { scan } = body;
  assert.deepEqual(Object.keys(body).sort(), ['findings', 'scan'], 'exactly the body POST /api/v1/scans takes');
  assert.equal(scan.target, 'k8s:cluster/prod');
  assert.equal(scan.kind, 'cluster');
  const byKey = new Map((scan.assets ?? []).map((a) => [a.key, a]));
  const workloads = (scan.assets ?? []).filter((a) => a.kind === 'workload').map((a) => a.key).sort();
  assert.deepEqual(workloads, [
    'cluster/prod/ns/default/pod/debug',
    'cluster/prod/ns/kube-system/daemonset/node-exporter',
    'cluster/prod/ns/shop/cronjob/report',
    'cluster/prod/ns/shop/deployment/web',
    'cluster/prod/ns/shop/statefulset/db',
  ], 'controllers and unowned pods; owned ReplicaSets, Jobs and pods fold into them');
  const web = byKey.get('cluster/prod/ns/shop/deployment/web')?.attributes ?? {};
  assert.equal(web.internetFacing, true);
  assert.deepEqual(web.exposedVia, ['Ingress/shop/shop', 'Service/shop/web-public (LoadBalancer)']);
  assert.equal(web.privileged, false);
  const exporter = byKey.get('cluster/prod/ns/kube-system/daemonset/node-exporter')?.attributes ?? {};
  assert.deepEqual([exporter.hostNetwork, exporter.hostPID, exporter.internetFacing], [true, true, false]);

  const rel = (scan.relations ?? []).map((r) => `${r.from.key} ${r.kind} ${r.to.key}`);
  for (const want of [
    'registry.example/shop/web:1.4.2 used-by cluster/prod/ns/shop/deployment/web',
    'cluster/prod/ns/shop/deployment/web scheduled-on cluster/prod/node/worker-1',
    'cluster/prod/ns/shop/deployment/web scheduled-on cluster/prod/node/worker-2',
    'cluster/prod/ns/shop/deployment/web part-of cluster/prod/ns/shop',
    'cluster/prod/ns/shop part-of cluster/prod',
    'cluster/prod/node/cp-1 part-of cluster/prod',
  ]) assert.ok(rel.includes(want), `relation ${want}`);
  assert.ok(!rel.some((r) => r.includes('worker-9')), 'no relation to a node the dump does not hold');

  assert.ok(folded > 0, 'findings on owned pods and ReplicaSets are folded');
  assert.ok(!body.findings.some((f) => /^(Pod\/shop\/web-|ReplicaSet\/|Job\/)/.test(f.locator ?? '')), 'none of them is uploaded');
  assert.equal(body.findings.length + folded, findings.length);
  const prints = new Set(body.findings.map((f) => findingFingerprint({ type: f.type, ruleId: f.ruleId, asset: f.asset, locator: f.locator })));
  assert.equal(prints.size, body.findings.length, 'distinct fingerprints');

  const view = {
    assets: (scan.assets ?? []).map((a) => [a.kind, a.key]).sort((x, y) => (x.join(' ') < y.join(' ') ? -1 : 1)),
    relations: rel.sort(),
    findings: body.findings.map((f) => [f.type, f.ruleId, f.severity, f.asset.kind, f.asset.key, f.locator]),
    folded,
  };
  expectGolden(join(here, 'fixtures', 'cluster.upload.expected.json'), linesJson(view, ['assets', 'relations', 'findings']));

  const store = await SqliteStore.open(join(work, 'platform.db'));
  try {
    const tenant = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
    const r = await store.ingestScan(tenant, scan, prioritizeScan(scan, body.findings));
    assert.equal(r.counts.findings, body.findings.length, 'the store keeps every finding');
  } finally {
    await store.close();
  }
  const scored = prioritizeScan(scan, body.findings);
  const onWeb = scored.find((f) => f.asset.key === 'cluster/prod/ns/shop/deployment/web');
  assert.ok(onWeb, 'a finding on web');
  assert.equal(detail(onWeb, 'exposure'), 'workload is internet-facing');
});

test('privileged DaemonSet with host access behind a NodePort: attributes and the exposure the scorer explains', async () => {
  const { objects, findings } = await scanDump(EXPOSED);
  const { body } = k8sUpload(objects, findings, { ...timing, clusterName: 'edge', source: 'live' });
  const agent = body.scan.assets?.find((a) => a.key === 'cluster/edge/ns/ops/daemonset/agent');
  assert.deepEqual(agent?.attributes, {
    kind: 'DaemonSet',
    namespace: 'ops',
    images: ['busybox:1.36', 'ghcr.io/acme/agent:2.1'],
    serviceAccount: 'default',
    privileged: true,
    hostNetwork: false,
    hostPID: true,
    hostIPC: false,
    hostPath: ['/var/run/docker.sock'],
    hostPorts: [9100],
    internetFacing: false,
    nodePort: true,
    exposedVia: ['Service/ops/agent-metrics (NodePort)'],
  });
  const api = body.scan.assets?.find((a) => a.key === 'cluster/edge/ns/ops/deployment/api')?.attributes ?? {};
  assert.deepEqual([api.privileged, api.internetFacing, api.nodePort, api.exposedVia], [false, false, false, undefined]);
  assert.deepEqual(
    (body.scan.relations ?? []).filter((r) => r.kind === 'used-by').map((r) => `${r.from.key} → ${r.to.key}`).sort(),
    [
      'docker.io/library/busybox:1.36 → cluster/edge/ns/ops/daemonset/agent',
      'ghcr.io/acme/agent:2.1 → cluster/edge/ns/ops/daemonset/agent',
      'ghcr.io/acme/api:3.0 → cluster/edge/ns/ops/deployment/api',
    ],
  );
  assert.equal(body.scan.assets?.find((a) => a.kind === 'cluster')?.attributes?.source, 'live');

  const scored = prioritizeScan(body.scan, body.findings);
  const priv = scored.find((f) => f.ruleId === 'BLW-K8S-016' && f.asset.key.endsWith('/daemonset/agent'));
  assert.ok(priv, 'the privileged-container finding is on the DaemonSet');
  assert.equal(detail(priv, 'exposure'), 'workload is privileged and exposed on node ports, and has host access (hostPID, hostPath /var/run/docker.sock)');
  // A finding on an image of the upload reaches the workload through `used-by` (keys normalized as `scan image` does).
  const image = prioritizeScan(body.scan, [{ type: 'vulnerability', ruleId: 'CVE-X', severity: 'high', cvss: 8, asset: { kind: 'image', key: 'docker.io/library/busybox:1.36' } }]);
  assert.match(detail(image[0], 'exposure') ?? '', /^workload is privileged and exposed on node ports/);
});
