import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { REPO_ROOT, seededRandom } from '@bulwark/core/testing';

const dir = mkdtempSync(join(tmpdir(), 'bulwark-memory-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const CHILD = fileURLToPath(new URL('./fixtures/load-snapshot.child.ts', import.meta.url));
const TARGET_BYTES = 50 * 2 ** 20;

/** Writes a kubectl-style dump (`-o json`, 4-space indent, managedFields, last-applied annotations) of about 50 MB. */
async function generate(path: string): Promise<number> {
  const rnd = seededRandom(0x5eed);
  const out = createWriteStream(path);
  const write = (s: string): Promise<void> => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', () => r())));
  const managed = [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: '2025-01-10T08:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} }, 'f:ownerReferences': { '.': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': {} } } } } }];
  let n = 0;
  let bytes = 0;
  await write('{\n    "apiVersion": "v1",\n    "items": [\n');
  for (let i = 0; bytes < TARGET_BYTES; i++) {
    const ns = `team-${i % 40}`;
    const app = `app-${Math.floor(i / 10)}`;
    const objs: Record<string, unknown>[] = [];
    if (i % 10 === 0) {
      objs.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${app}-rs`, namespace: ns, uid: `rs-${i}`, labels: { app }, managedFields: managed }, spec: { replicas: 10, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image: `registry.example/${app}:1.${i % 7}` }] } } } });
      objs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: ns, uid: `svc-${i}`, managedFields: managed }, spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } });
      const secret = Buffer.from(`secret-${rnd()}`).toString('base64');
      objs.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${app}-creds`, namespace: ns, uid: `sec-${i}`, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data: { password: secret } }) }, managedFields: managed }, type: 'Opaque', data: { password: secret, blob: 'A'.repeat(2000) } });
    }
    objs.push({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: `${app}-rs-${i.toString(36)}`, namespace: ns, uid: `pod-${i}`, labels: { app, 'pod-template-hash': 'rs' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-rs`, uid: `rs-${i - (i % 10)}`, controller: true }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(Math.floor(rnd() * 400)) }, managedFields: managed },
      spec: { nodeName: `node-${i % 25}`, serviceAccountName: 'default', containers: [{ name: 'app', image: `registry.example/${app}:1.${i % 7}`, env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: `${app}-creds`, key: 'password' } } }], resources: { limits: { cpu: '500m', memory: '256Mi' } } }], volumes: [{ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] } }] },
      status: { phase: 'Running', podIP: `10.${i % 250}.${(i >> 8) % 250}.${i % 200}`, containerStatuses: [{ name: 'app', ready: true, restartCount: i % 3, image: `registry.example/${app}:1.${i % 7}` }] },
    });
    for (const o of objs) {
      const text = (n > 0 ? ',\n' : '') + JSON.stringify(o, null, 4).replace(/^/gm, '        ');
      bytes += text.length;
      n++;
      await write(text);
    }
  }
  await write('\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  return n;
}

test('a 50 MB dump loads and inventories in a child limited to a 512 MB heap', { timeout: 300_000 }, async () => {
  const dump = join(dir, 'dump.json');
  const count = await generate(dump);
  const size = statSync(dump).size;
  assert.ok(size >= TARGET_BYTES, `${size} bytes`);
  const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=512', '--import', 'tsx', CHILD, dump], { cwd: REPO_ROOT, timeout: 240_000, maxBuffer: 1 << 20 });
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as { objects: number; assets: number; relations: number; secretsWithData: number; loadMs: number; inventoryMs: number; maxRssMiB: number; heapUsedMiB: number };
  console.log(`dump ${(size / 2 ** 20).toFixed(1)} MiB, ${r.objects} objects: load ${r.loadMs} ms, inventory ${r.inventoryMs} ms (${r.relations} relations), peak RSS ${r.maxRssMiB} MiB, heap after ${r.heapUsedMiB} MiB`);
  assert.equal(r.objects, count);
  assert.equal(r.assets, count);
  assert.equal(r.secretsWithData, 0);
  // the text is never held whole (50 MiB as UTF-16 would be 100 MiB on top of the objects)
  assert.ok(r.maxRssMiB < 700, `peak RSS ${r.maxRssMiB} MiB`);
});
