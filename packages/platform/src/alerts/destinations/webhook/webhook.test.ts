import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ExternalError, InputError } from '@bulwark/core';
import { checkSchema } from '../../check.js';
import { ctxAt, sampleAlert, startHttpReceiver, type HttpReceiver, type ReceivedRequest } from '../testing.js';
import { MASK } from '../types.js';
import { verifyWebhook, webhook } from './webhook.js';

const SECRET = 'whsec-0123456789abcdef';

/** The receiver's side, as the README documents it: HMAC-SHA256(secret, `${timestamp}.${rawBody}`), hex, "sha256=" prefix. */
function validSignature(r: ReceivedRequest, secret: string): boolean {
  const ts = r.headers['x-bulwark-timestamp'];
  const sig = r.headers['x-bulwark-signature'];
  if (typeof ts !== 'string' || typeof sig !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${ts}.${r.body}`).digest('hex')}`);
  return want.length === Buffer.byteLength(sig) && timingSafeEqual(want, Buffer.from(sig));
}

async function refuses(p: Promise<unknown>, retryable: boolean, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ExternalError, `expected ExternalError, got ${String(e)}`);
    assert.equal(e.retryable, retryable, `retryable of "${e.message}"`);
    assert.match(e.message, message);
    return true;
  });
}

describe('webhook destination', () => {
  let rx: HttpReceiver;
  let status = 200;
  before(async () => {
    rx = await startHttpReceiver((r) => {
      if (r.url.startsWith('/redirect')) return { status: 302, body: '', headers: { location: '/ok' } };
      if (!validSignature(r, SECRET)) return { status: 401, body: '{"error":"bad signature"}' };
      return { status, body: '{"ok":true}' };
    });
  });
  after(() => rx.close());

  it('POSTs the alert as JSON with a signature the receiver verifies', async () => {
    const alert = sampleAlert();
    await webhook.send({ url: `${rx.url}/hook?token=abc`, secret: SECRET }, alert, ctxAt(new Date(), 42));
    const r = rx.requests.at(-1)!;
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/hook?token=abc');
    assert.ok(validSignature(r, SECRET), 'signature verifies with the documented recipe');
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.headers['x-bulwark-delivery'], '42');
    assert.equal(r.headers['x-bulwark-event'], 'alert');
    assert.deepEqual(JSON.parse(r.body), { event: 'alert', deliveryId: 42, alert });
    assert.ok(verifyWebhook(SECRET, r.headers['x-bulwark-timestamp'] as string, r.headers['x-bulwark-signature'] as string, r.body), 'exported verifier accepts it');
    assert.ok(!verifyWebhook(SECRET, r.headers['x-bulwark-timestamp'] as string, r.headers['x-bulwark-signature'] as string, r.body + ' '), 'a changed body fails');
    assert.ok(!verifyWebhook(SECRET, r.headers['x-bulwark-timestamp'] as string, r.headers['x-bulwark-signature'] as string, r.body, Date.now() + 600_000), 'an old timestamp fails');
  });

  it('a receiver with another secret refuses it: final error', async () => {
    await refuses(webhook.send({ url: `${rx.url}/hook`, secret: 'another-secret-0123456789' }, sampleAlert(), ctxAt()), false, /HTTP 401/);
  });

  it('5xx and 429 are retryable, other 4xx final', async () => {
    for (const [s, retryable] of [[503, true], [429, true], [408, true], [404, false], [400, false]] as const) {
      status = s;
      await refuses(webhook.send({ url: `${rx.url}/hook`, secret: SECRET }, sampleAlert(), ctxAt()), retryable, new RegExp(`HTTP ${s}`));
    }
    status = 200;
  });

  it('does not follow redirects', async () => {
    const before = rx.requests.length;
    await refuses(webhook.send({ url: `${rx.url}/redirect`, secret: SECRET }, sampleAlert(), ctxAt()), false, /redirects are not followed/);
    assert.equal(rx.requests.length, before + 1);
  });

  it('connection refused and timeouts are retryable', async () => {
    const held = new Set<Socket>();
    const silent = createServer((sock) => held.add(sock)); // accepts and never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      await refuses(webhook.send({ url: `http://127.0.0.1:${port}/`, secret: SECRET }, sampleAlert(), { ...ctxAt(), timeoutMs: 300 }), true, /timed out/);
    } finally {
      for (const s of held) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
    await refuses(webhook.send({ url: `http://127.0.0.1:${port}/`, secret: SECRET }, sampleAlert(), ctxAt()), true, /ECONNREFUSED/);
  });

  it('config: http(s) only, no credentials in the URL, secret of 16+ characters; reads mask secret and query values', () => {
    assert.throws(() => checkSchema({ url: 'ftp://x/y', secret: SECRET }, webhook.configSchema, 'alert destination', 'config'), /config\.url: expected an http/);
    assert.throws(() => checkSchema({ url: 'https://x/y', secret: 'short' }, webhook.configSchema, 'alert destination', 'config'), /config\.secret: expected at least 16/);
    assert.throws(() => checkSchema({ url: 'https://x/y', secret: SECRET, extra: 1 }, webhook.configSchema, 'alert destination', 'config'), /config\.extra: expected no such field/);
    assert.throws(() => webhook.check!({ url: 'https://user:pw@x/y', secret: SECRET }), (e: unknown) => e instanceof InputError && e.field === 'config.url');
    assert.deepEqual(webhook.mask({ url: 'https://hooks.example/in?token=abc&x=1', secret: SECRET }), { url: `https://hooks.example/in?token=${encodeURIComponent(MASK)}&x=${encodeURIComponent(MASK)}`, secret: MASK });
  });
});
