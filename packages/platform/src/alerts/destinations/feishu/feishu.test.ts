import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ExternalError } from '@bulwark/core';
import { ctxAt, sampleAlert, startHttpReceiver, type HttpReceiver, type ReceivedRequest } from '../testing.js';
import { feishu } from './feishu.js';

const HOOK = '/open-apis/bot/v2/hook/2b8e1f9e-0000-4c4c-9a9a-123456789abc';
const SECRET = 'feishu-secret-xyz';

/**
 * Feishu's check, as its custom bot docs give it: string_to_sign = timestamp + "\n" + secret used as the HMAC-SHA256
 * key over an empty message, base64; the timestamp (seconds) must be within an hour.
 */
function verify(r: ReceivedRequest): { code: number; msg: string } {
  if (new URL(r.url, 'http://x').pathname !== HOOK) return { code: 19001, msg: 'param invalid: incoming webhook access token invalid' };
  const b = JSON.parse(r.body) as { timestamp?: string; sign?: string; msg_type?: string; content?: { text?: string } };
  const ts = b.timestamp ?? '';
  const want = createHmac('sha256', `${ts}\n${SECRET}`).update(Buffer.alloc(0)).digest('base64');
  if (!/^\d{10}$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 3600 || b.sign !== want) return { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' };
  if (b.msg_type !== 'text' || !b.content?.text) return { code: 9499, msg: 'Bad Request' };
  return { code: 0, msg: 'success' };
}

describe('feishu destination', () => {
  let rx: HttpReceiver;
  before(async () => {
    rx = await startHttpReceiver((r) => ({ status: 200, body: JSON.stringify({ ...verify(r), data: {} }) }));
  });
  after(() => rx.close());

  it('signs timestamp + sign in the body as the bot verifies them', async () => {
    await feishu.send({ url: rx.url + HOOK, secret: SECRET }, sampleAlert(), ctxAt());
    const r = rx.requests.at(-1)!;
    assert.deepEqual(verify(r), { code: 0, msg: 'success' });
    const text = (JSON.parse(r.body) as { content: { text: string } }).content.text;
    assert.match(text, /^\[CRITICAL\] Prod \| critical = page/);
    assert.match(text, /日本語/);
  });

  it('a wrong secret: the bot answers 19021, a final error', async () => {
    await assert.rejects(feishu.send({ url: rx.url + HOOK, secret: 'other' }, sampleAlert(), ctxAt()), (e: unknown) => e instanceof ExternalError && !e.retryable && /code 19021/.test(e.message));
  });

  it('masks URL and secret', () => {
    assert.deepEqual(feishu.mask({ url: `https://open.feishu.cn${HOOK}`, secret: SECRET }), { url: 'https://open.feishu.cn/********', secret: '********' });
  });
});
