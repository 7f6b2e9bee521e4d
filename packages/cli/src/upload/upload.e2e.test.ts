// `bulwark scan … --upload` as a user runs it (the built CLI), against a real platform server started here on a
// SQLite store with a static token: the findings the scan reported arrive, a second identical run adds none, and a
// failed upload ends the command with its own exit code after the report was written.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sharedPath } from '@bulwark/core/testing';
import { SqliteStore, startServer, type Asset, type Finding, type Store } from '@bulwark/platform';
import { runCli, runCliAsync } from '../e2e/run-cli.js';
import { EXIT_UPLOAD_FAILED } from './cli.js';

const TOKEN = 'ci-upload-token-0123456789abcdef';
const here = new URL('.', import.meta.url).pathname;
const LAB = sharedPath('lab', 'images', 'lab-app.tar.gz');
const CLUSTER = join(here, '..', '..', '..', 'posture', 'src', 'cluster', 'fixtures', 'cluster.json');

let work: string;
let db: string;
let store: Store;
let app: FastifyInstance;
let url: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulwark-upload-e2e-'));
  db = join(work, 'vuln.db');
  const imported = runCli(['db', 'import', sharedPath('vulndb'), '--source', 'kev', 'epss', 'osv', '--db', db]);
  assert.equal(imported.status, 0, imported.stderr);
  store = await SqliteStore.open(join(work, 'platform.db'));
  const tenant = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
  const opts = { store, host: '127.0.0.1', port: 0, tokens: [{ token: TOKEN, tenant, role: 'developer' as const, name: 'ci' }] };
  ({ app, url } = await startServer(opts));
});
after(async () => {
  await app?.close();
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200, `GET ${path}: ${await res.clone().text()}`);
  return (await res.json()) as T;
}

const scanImage = () =>
  runCliAsync(['scan', 'image', LAB, '--db', db, '--cache-dir', join(work, 'cache'), '-f', 'json', '--upload', url], { env: { BULWARK_TOKEN: TOKEN } });

test('scan image --upload: the report prints, the server holds what it reported, a second run adds nothing', { timeout: 300_000 }, async () => {
  const first = await scanImage();
  assert.equal(first.status, 0, first.stderr);
  const report = JSON.parse(first.stdout) as { vulnerabilities: { suppressed?: unknown }[] };
  const reported = report.vulnerabilities.filter((v) => !v.suppressed).length;
  assert.ok(reported > 100, `the lab image has many findings (${reported})`);
  const line = /bulwark: uploaded scan ([0-9a-f-]{36}) to (http:\/\/127\.0\.0\.1:\d+): (\d+) findings \((\d+) new, 0 reopened, 0 fixed\)/.exec(first.stderr);
  assert.ok(line, `upload summary on stderr: ${first.stderr}`);
  assert.equal(Number(line[3]), reported);
  assert.equal(Number(line[4]), reported);

  const listed = await api<{ items: Finding[]; nextCursor?: string }>('/api/v1/findings?limit=1000');
  assert.equal(listed.nextCursor, undefined);
  assert.equal(listed.items.length, reported, 'GET /api/v1/findings returns what the scan reported');
  assert.ok(listed.items.every((f) => f.asset.kind === 'image' && f.asset.key === 'localhost/lab-app:1'), 'on the image asset');
  const images = await api<{ items: Asset[] }>('/api/v1/assets?kind=image');
  assert.deepEqual(images.items.map((a) => a.key), ['localhost/lab-app:1']);

  const second = await scanImage();
  assert.equal(second.status, 0, second.stderr);
  const again = /uploaded scan ([0-9a-f-]{36}) to \S+: (\d+) findings \((\d+) new, (\d+) reopened, (\d+) fixed\)/.exec(second.stderr);
  assert.ok(again, second.stderr);
  assert.notEqual(again[1], line[1], 'a fresh scan id per run');
  assert.deepEqual([Number(again[2]), Number(again[3]), Number(again[4]), Number(again[5])], [reported, 0, 0, 0], 'the second identical upload creates no finding');
  assert.equal((await api<{ items: Finding[] }>('/api/v1/findings?limit=1000')).items.length, reported);
});

test('scan k8s --snapshot --upload: cluster assets and workloads arrive; controller-owned duplicates are folded', { timeout: 120_000 }, async () => {
  const r = await runCliAsync(['scan', 'k8s', '--snapshot', CLUSTER, '-f', 'json', '--upload', url, '--token', TOKEN, '--cluster-name', 'prod']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).findings.length > 0, 'the report is on stdout');
  assert.match(r.stderr, /uploaded scan [0-9a-f-]{36} to \S+: \d+ findings \(\d+ new, 0 reopened, 0 fixed\); \d+ findings on controller-owned pods, ReplicaSets and Jobs folded into their controller/);
  const workloads = await api<{ items: Asset[] }>('/api/v1/assets?kind=workload');
  assert.equal(workloads.items.length, 5);
  const web = workloads.items.find((a) => a.key === 'cluster/prod/ns/shop/deployment/web');
  assert.equal(web?.attributes.internetFacing, true);
});

test('a failed upload: report still written, exit code 4, the reason on stderr; bad flags fail before scanning', { timeout: 120_000 }, async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const fixture = join(here, '..', 'e2e', 'fixtures', 'config-tree');

  const down = await runCliAsync(['scan', 'config', fixture, '--upload', `http://127.0.0.1:${port}`, '--token', TOKEN]);
  assert.equal(down.status, EXIT_UPLOAD_FAILED, down.stderr);
  assert.equal(EXIT_UPLOAD_FAILED, 4);
  assert.match(down.stdout, /BLW-/, 'the table report was printed');
  assert.match(down.stderr, /upload attempt 1 failed \(ECONNREFUSED\); retrying/);
  assert.match(down.stderr, /bulwark: error: upload failed: upload to http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED \(gave up after 4 attempts\)/);

  const bad = await runCliAsync(['scan', 'fs', fixture, '--skip-db', '--upload', url], { env: { BULWARK_TOKEN: 'not-the-token-0123456789abcdef' } });
  assert.equal(bad.status, EXIT_UPLOAD_FAILED);
  assert.match(bad.stderr, /upload failed: upload to \S+: HTTP 401: invalid token \(check --token \/ BULWARK_TOKEN\)/);

  const gated = await runCliAsync(['scan', 'config', fixture, '--exit-code', '7', '--upload', url, '--token', TOKEN]);
  assert.equal(gated.status, 7, 'after a good upload the findings gate still decides');
  assert.match(gated.stderr, /uploaded scan/);

  const noToken = runCli(['scan', 'config', fixture, '--upload', url], { env: { BULWARK_TOKEN: '' } });
  assert.equal(noToken.status, 2);
  assert.match(noToken.stderr, /--token: an API token is needed to upload: pass --token or set BULWARK_TOKEN/);
  assert.equal(noToken.stdout, '', 'nothing scanned');
  const badUrl = runCli(['scan', 'config', fixture, '--upload', 'bulwark.example.com', '--token', TOKEN]);
  assert.equal(badUrl.status, 2);
  assert.match(badUrl.stderr, /--upload: expected the server URL/);
  assert.equal(runCli(['scan', 'config', fixture, '--token', TOKEN]).status, 2, '--token without --upload');
});
