import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, ExternalError } from '@bulwark/core';
import { fetchCluster } from './fetch.js';
import { buildInventory } from './inventory.js';
import { INVENTORY_KINDS } from './kinds.js';
import { loadSnapshot } from './snapshot.js';
import type { KubeObject } from './types.js';

/*
 * No Kubernetes API server can run on this machine (no kind, k3s or kube-apiserver package). The server below plays
 * the API server's list endpoints over TLS, with bearer tokens, `limit`/`continue` paging, list items without
 * kind/apiVersion and Status bodies for 401/403, as kube-apiserver serves them; the client is the real
 * @kubernetes/client-node, configured from a real kubeconfig file.
 */

const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));
const raw = JSON.parse(readFileSync(join(FIX, 'cluster.json'), 'utf8')) as { items: Record<string, unknown>[] };
const dir = mkdtempSync(join(tmpdir(), 'bulwark-fetch-'));
const requests: { path: string; limit: string | null; cont: string | null; token: string }[] = [];

const VIEWER_FORBIDDEN = new Set(['secrets', 'clusterroles', 'clusterrolebindings']);
const status = (code: number, reason: string, message: string): string => JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

function route(path: string): (typeof INVENTORY_KINDS)[number] | undefined {
  return INVENTORY_KINDS.find((k) => path === (k.apiVersion.includes('/') ? `/apis/${k.apiVersion}/${k.resource}` : `/api/v1/${k.resource}`));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'https://127.0.0.1');
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  requests.push({ path: url.pathname, limit: url.searchParams.get('limit'), cont: url.searchParams.get('continue'), token });
  const send = (code: number, body: string): void => void res.writeHead(code, { 'content-type': 'application/json' }).end(body);
  const user = { 'admin-token': 'admin', 'viewer-token': 'viewer', 'broken-token': 'broken', 'old-token': 'old' }[token];
  if (!user) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
  const k = route(url.pathname);
  if (!k || (user === 'old' && k.resource === 'endpointslices')) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
  const group = k.apiVersion.includes('/') ? k.apiVersion.split('/')[0] : '';
  if (user === 'viewer' && VIEWER_FORBIDDEN.has(k.resource)) {
    return send(403, status(403, 'Forbidden', `${k.resource}${group ? `.${group}` : ''} is forbidden: User "viewer" cannot list resource "${k.resource}" in API group "${group}" at the cluster scope`));
  }
  if (user === 'broken' && k.resource === 'pods') return send(500, status(500, 'InternalError', 'etcdserver: request timed out'));
  // list items come without kind and apiVersion, as kube-apiserver serves them
  const all = raw.items.filter((o) => o.kind === k.kind).map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
  const limit = Number(url.searchParams.get('limit') ?? '0') || all.length;
  const from = url.searchParams.get('continue') ? (JSON.parse(Buffer.from(url.searchParams.get('continue')!, 'base64url').toString()) as { o: number }).o : 0;
  const page = all.slice(from, from + limit);
  const next = from + limit < all.length ? Buffer.from(JSON.stringify({ o: from + limit, rv: '4242' })).toString('base64url') : undefined;
  send(200, JSON.stringify({ kind: k.listKind, apiVersion: k.apiVersion, metadata: { resourceVersion: '4242', ...(next ? { continue: next, remainingItemCount: all.length - from - limit } : {}) }, items: page }));
}

let kubeconfig = '';
let server: ReturnType<typeof createServer>;
let url = '';
let goneUrl = '';

before(async () => {
  // a self-signed certificate for 127.0.0.1, trusted through certificate-authority-data as a cluster CA would be
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'));
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  goneUrl = `https://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((r) => closed.close(() => r()));
  const ca = cert.toString('base64');
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: viewer@lab', 'clusters:',
    `- name: lab\n  cluster:\n    server: ${url}\n    certificate-authority-data: ${ca}`,
    `- name: gone\n  cluster:\n    server: ${goneUrl}\n    certificate-authority-data: ${ca}`,
    'users:',
    ...['admin', 'viewer', 'broken', 'old'].map((u) => `- name: ${u}\n  user:\n    token: ${u}-token`),
    '- name: stranger\n  user:\n    token: not-a-token',
    'contexts:',
    ...['admin', 'viewer', 'broken', 'old', 'stranger'].map((u) => `- name: ${u}@lab\n  context:\n    cluster: lab\n    user: ${u}`),
    '- name: admin@gone\n  context:\n    cluster: gone\n    user: admin', '',
  ].join('\n'));
});

after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
}
const key = (o: KubeObject): string => `${o.kind}/${String(o.metadata.namespace ?? '')}/${String(o.metadata.name)}`;
const canon = (objs: readonly KubeObject[]): string => JSON.stringify(sorted([...objs].sort((a, b) => (key(a) < key(b) ? -1 : 1))));

test('admin context, 2 objects per page: the same objects as the kubectl dump, through continue tokens', async () => {
  requests.length = 0;
  const r = await fetchCluster({ kubeconfig, context: 'admin@lab', pageSize: 2 });
  const snapshot = (await loadSnapshot(join(FIX, 'cluster.json'))).filter((o) => INVENTORY_KINDS.some((k) => k.kind === o.kind));
  assert.equal(r.server, url);
  assert.equal(r.context, 'admin@lab');
  assert.deepEqual(r.skipped, []);
  assert.equal(r.objects.length, snapshot.length);
  assert.equal(canon(r.objects), canon(snapshot));
  // paging: every request asked for 2, Pods (7) took 4 pages, and continue tokens were sent back
  assert.ok(requests.every((q) => q.limit === '2' && q.token === 'admin-token'));
  assert.equal(requests.filter((q) => q.path === '/api/v1/pods').length, 4);
  const pages = INVENTORY_KINDS.map((k) => Math.max(1, Math.ceil(raw.items.filter((o) => o.kind === k.kind).length / 2)));
  assert.equal(requests.length, pages.reduce((a, b) => a + b, 0));
  assert.equal(requests.filter((q) => q.cont !== null).length, pages.reduce((a, b) => a + b - 1, 0));
  assert.equal(r.requests, requests.length);
  // the graph is the same whichever way the objects came
  const a = buildInventory(r.objects);
  const b = buildInventory(snapshot);
  assert.deepEqual(a.assets, b.assets);
  assert.deepEqual(a.relations, b.relations);
});

test('Secrets cross the wire with data, but never come out of fetchCluster', async () => {
  assert.ok(JSON.stringify(raw).includes('SECRET-SENTINEL'));
  const r = await fetchCluster({ kubeconfig, context: 'admin@lab' });
  const secrets = r.objects.filter((o) => o.kind === 'Secret');
  assert.equal(secrets.length, 4);
  for (const s of secrets) assert.ok(!('data' in s) && !('stringData' in s));
  assert.ok(!JSON.stringify(r).includes('SECRET-SENTINEL') && !JSON.stringify(r).includes('U0VDUkVULVNFTlRJTkVM'));
});

test('current context (viewer): forbidden kinds are skipped with the permission they need, the rest is listed', async () => {
  const r = await fetchCluster({ kubeconfig });
  assert.equal(r.context, 'viewer@lab');
  assert.deepEqual(r.skipped.map((s) => [s.kind, s.resource, s.group, s.status]), [
    ['Secret', 'secrets', '', 403],
    ['ClusterRole', 'clusterroles', 'rbac.authorization.k8s.io', 403],
    ['ClusterRoleBinding', 'clusterrolebindings', 'rbac.authorization.k8s.io', 403],
  ]);
  assert.match(r.skipped[0]!.reason, /needs "list" on secrets \(core API group\) cluster-wide to inventory Secret objects/);
  assert.match(r.skipped[0]!.reason, /User "viewer" cannot list resource "secrets"/);
  assert.match(r.skipped[1]!.reason, /API group rbac\.authorization\.k8s\.io/);
  assert.ok(!r.objects.some((o) => o.kind === 'Secret'));
  assert.equal(r.objects.filter((o) => o.kind === 'Pod').length, 7);
});

test('rejected credentials (401): every kind skipped, each saying so', async () => {
  const r = await fetchCluster({ kubeconfig, context: 'stranger@lab', kinds: ['Pod', 'Node'] });
  assert.deepEqual(r.objects, []);
  assert.deepEqual(r.skipped.map((s) => s.status), [401, 401]);
  assert.match(r.skipped[0]!.reason, /rejected the credentials: needs "list" on nodes/);
});

test('a kind the server does not serve (404) is skipped, not fatal', async () => {
  const r = await fetchCluster({ kubeconfig, context: 'old@lab', kinds: ['EndpointSlice', 'Endpoints'] });
  assert.deepEqual(r.skipped.map((s) => [s.kind, s.status]), [['EndpointSlice', 404]]);
  assert.equal(r.objects.length, 2);
});

test('server failure (500) is a retryable ExternalError naming the server', async () => {
  await assert.rejects(fetchCluster({ kubeconfig, context: 'broken@lab' }), (e) => {
    assert.ok(e instanceof ExternalError, String(e));
    assert.equal(e.source, url);
    assert.equal(e.retryable, true);
    assert.match(e.message, /listing pods: HTTP 500: etcdserver: request timed out/);
    return true;
  });
});

test('unreachable cluster is an ExternalError naming the server', async () => {
  await assert.rejects(fetchCluster({ kubeconfig, context: 'admin@gone' }), (e) => {
    assert.ok(e instanceof ExternalError, String(e));
    assert.equal(e.source, goneUrl);
    assert.match(e.message, new RegExp(`^${goneUrl.replace(/[.:/]/g, '\\$&')}: cannot reach the Kubernetes API server \\(context admin@gone\\)`));
    assert.match(e.message, /ECONNREFUSED/);
    return true;
  });
});

test('configuration errors: unknown context, unknown kind, missing kubeconfig', async () => {
  await assert.rejects(fetchCluster({ kubeconfig, context: 'nope' }), (e) => e instanceof ConfigError && /no context "nope".*admin@lab/.test(e.message));
  await assert.rejects(fetchCluster({ kubeconfig, kinds: ['Pods'] }), (e) => e instanceof ConfigError && /unknown kind Pods/.test(e.message));
  await assert.rejects(fetchCluster({ kubeconfig: join(dir, 'missing') }), (e) => e instanceof ConfigError && /kubeconfig/.test(e.message));
});
