import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConfigError, ExternalError, LimitError } from '@bulwark/core';
import { DEFAULT_BODY_LIMIT, SqliteStore, startServer } from '@bulwark/platform';
import { SERVER_BODY_LIMIT, checkToken, scansEndpoint, uploadScan } from './client.js';
import type { UploadBody } from './types.js';

const TOKEN = 'test-token-0123456789abcdef';

function body(n = 1): UploadBody {
  return {
    scan: { id: `scan-${n}`, target: 'image:docker.io/library/app:1', kind: 'image', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:01:00.000Z' },
    findings: Array.from({ length: n }, (_, i) => ({ type: 'vulnerability' as const, ruleId: `CVE-2026-${1000 + i}`, severity: 'high' as const, asset: { kind: 'image' as const, key: 'docker.io/library/app:1' } })),
  };
}

/** A scripted server: each request gets the next answer; records what it received. */
interface Scripted {
  url: string;
  requests: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[];
  answers: ((res: ServerResponse) => void)[];
  server: Server;
}

let s: Scripted;
before(async () => {
  const requests: Scripted['requests'] = [];
  const answers: Scripted['answers'] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (d: string) => (text += d));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: text });
      const next = answers.shift();
      if (next) next(res);
      else res.writeHead(500).end('no scripted answer');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, answers, server };
});
after(() => s.server.close());

const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => (res: ServerResponse) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));

function reset(): void {
  s.requests.length = 0;
  s.answers.length = 0;
}

test('scansEndpoint and checkToken: base URLs, prefixes, refusals', () => {
  assert.equal(scansEndpoint('https://bulwark.example.com'), 'https://bulwark.example.com/api/v1/scans');
  assert.equal(scansEndpoint('https://bulwark.example.com/'), 'https://bulwark.example.com/api/v1/scans');
  assert.equal(scansEndpoint('https://example.com/bulwark/?x=1#y'), 'https://example.com/bulwark/api/v1/scans');
  assert.equal(scansEndpoint('http://127.0.0.1:8080/api/v1/scans'), 'http://127.0.0.1:8080/api/v1/scans');
  assert.throws(() => scansEndpoint('bulwark.example.com'), ConfigError);
  assert.throws(() => scansEndpoint('ftp://bulwark.example.com'), /http:\/\/ or https:\/\//);
  assert.throws(() => scansEndpoint('https://u:p@bulwark.example.com'), /must not carry credentials/);
  assert.throws(() => checkToken(undefined), /--token: an API token is needed to upload: pass --token or set BULWARK_TOKEN/);
  assert.throws(() => checkToken('short'), /16–512 visible ASCII/);
  assert.equal(checkToken(TOKEN), TOKEN);
  assert.equal(SERVER_BODY_LIMIT, DEFAULT_BODY_LIMIT, "the CLI's limit is the server's default");
});

test('uploads with the bearer token and returns the server\'s counts', async () => {
  reset();
  s.answers.push(reply(201, { scanId: 'scan-2', duplicate: false, counts: { findings: 2, new: 2, reopened: 0, fixed: 0 } }));
  const r = await uploadScan(s.url, TOKEN, body(2));
  assert.deepEqual(r, { status: 201, scanId: 'scan-2', queued: false, duplicate: false, counts: { findings: 2, new: 2, reopened: 0, fixed: 0 } });
  assert.equal(s.requests.length, 1);
  assert.equal(s.requests[0].method, 'POST');
  assert.equal(s.requests[0].url, '/api/v1/scans');
  assert.equal(s.requests[0].headers.authorization, `Bearer ${TOKEN}`);
  assert.match(String(s.requests[0].headers['content-type']), /application\/json/);
  assert.deepEqual(JSON.parse(s.requests[0].body), body(2));
});

test('retries 5xx, 503 and 429 with back-off (Retry-After honoured), then succeeds', async () => {
  reset();
  s.answers.push(reply(503, { message: 'draining' }, { 'retry-after': '0' }), reply(500, { message: 'internal error' }), reply(429, { message: 'slow down' }), reply(202, { scanId: 'scan-1', queued: true }));
  const retries: [number, string, number][] = [];
  const r = await uploadScan(s.url, TOKEN, body(), { retries: 3, backoffMs: () => 5, onRetry: (a, reason, d) => retries.push([a, reason, d]) });
  assert.equal(r.queued, true);
  assert.equal(r.status, 202);
  assert.deepEqual(retries, [[1, 'HTTP 503: draining', 0], [2, 'HTTP 500: internal error', 5], [3, 'HTTP 429: slow down', 5]]);
  assert.equal(s.requests.length, 4);
  assert.ok(s.requests.every((q) => q.body === s.requests[0].body), 'every attempt sends the same scan (same id: idempotent)');
});

test('gives up after the retries with the last reason', async () => {
  reset();
  for (let i = 0; i < 3; i++) s.answers.push(reply(502, { message: 'bad gateway' }));
  await assert.rejects(uploadScan(s.url, TOKEN, body(), { retries: 2, backoffMs: () => 1 }), (e: unknown) => {
    assert.ok(e instanceof ExternalError, 'an ExternalError');
    assert.match(e.message, /HTTP 502: bad gateway \(gave up after 3 attempts\)/);
    assert.equal(e.retryable, true);
    return true;
  });
  assert.equal(s.requests.length, 3);
});

test('4xx fails at once with the server\'s message (and a hint for 401/403); redirects are not followed', async () => {
  const rows: [number, unknown, RegExp][] = [
    [400, { statusCode: 400, error: 'Bad Request', message: 'body/findings/0/severity: must be equal to one of the allowed values' }, /HTTP 400: body\/findings\/0\/severity: must be equal/],
    [401, { statusCode: 401, error: 'Unauthorized', message: 'invalid token' }, /HTTP 401: invalid token \(check --token \/ BULWARK_TOKEN\)/],
    [403, { statusCode: 403, error: 'Forbidden', message: 'role auditor may not do this' }, /HTTP 403: role auditor may not do this \(the token needs/],
    [404, 'not json at all', /HTTP 404: "not json at all"/],
  ];
  for (const [status, payload, want] of rows) {
    reset();
    s.answers.push(reply(status, payload));
    await assert.rejects(uploadScan(s.url, TOKEN, body(), { backoffMs: () => 1 }), want, `HTTP ${status}`);
    assert.equal(s.requests.length, 1, `HTTP ${status} is not retried`);
  }
  reset();
  s.answers.push((res) => res.writeHead(307, { location: 'https://elsewhere.example/api/v1/scans' }).end());
  await assert.rejects(uploadScan(s.url, TOKEN, body()), /redirected \(307\) to https:\/\/elsewhere\.example\/api\/v1\/scans; pass that URL to --upload/);
  assert.equal(s.requests.length, 1);
});

test('network errors are retried and reported', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const retries: number[] = [];
  await assert.rejects(uploadScan(`http://127.0.0.1:${port}`, TOKEN, body(), { retries: 2, backoffMs: () => 1, onRetry: (a) => retries.push(a) }), /ECONNREFUSED \(gave up after 3 attempts\)/);
  assert.deepEqual(retries, [1, 2]);
});

test('a body over the limit fails before sending and names the limit', async () => {
  reset();
  await assert.rejects(uploadScan(s.url, TOKEN, body(50), { maxBytes: 2048 }), (e: unknown) => {
    assert.ok(e instanceof LimitError, 'a LimitError');
    assert.match(e.message, /the scan is \d+ bytes as JSON \(50 findings, 0 assets\), over the server's request limit of 2048 bytes/);
    return true;
  });
  assert.equal(s.requests.length, 0, 'nothing was sent');
});

test('against a real platform server: stored, then duplicate; its 413 message comes through', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-upload-client-'));
  const store = await SqliteStore.open(join(dir, 'p.db'));
  const tenant = (await store.createTenant({ slug: 'acme', name: 'Acme' })).id;
  const { app, url } = await startServer({ store, host: '127.0.0.1', port: 0, bodyLimit: 4096, tokens: [{ token: TOKEN, tenant, role: 'developer', name: 'ci' }] });
  try {
    const first = await uploadScan(url, TOKEN, body(3));
    assert.equal(first.status, 201);
    assert.deepEqual(first.counts, { findings: 3, new: 3, reopened: 0, fixed: 0, bySeverity: { high: 3 } });
    const again = await uploadScan(url, TOKEN, body(3));
    assert.equal(again.status, 200);
    assert.equal(again.duplicate, true);
    await assert.rejects(uploadScan(url, TOKEN, body(60)), /HTTP 413: request body exceeds the limit of 4096 bytes/);
    await assert.rejects(uploadScan(url, 'wrong-token-0123456789abcdef', body(1)), /HTTP 401: invalid token/);
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
