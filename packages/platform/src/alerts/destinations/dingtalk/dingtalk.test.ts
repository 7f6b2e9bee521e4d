import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ExternalError } from '@bulwark/core';
import { ctxAt, sampleAlert, startHttpReceiver, type HttpReceiver, type ReceivedRequest } from '../testing.js';
import { dingtalk, dingtalkSign } from './dingtalk.js';

const TOKEN = 'abcdef0123456789';
const SECRET = 'SEC0123456789abcdef0123456789abcdef';

/**
 * DingTalk's check, as its custom robot docs give it: stringToSign = timestamp + "\n" + secret;
 * sign = urlEncode(base64(HmacSHA256(key = secret, stringToSign))); the timestamp (ms) must be within an hour.
 */
function verify(r: ReceivedRequest): { errcode: number; errmsg: string } {
  const u = new URL(r.url, 'http://x');
  if (u.pathname !== '/robot/send' || u.searchParams.get('access_token') !== TOKEN) return { errcode: 300001, errmsg: 'token is not exist' };
  const ts = u.searchParams.get('timestamp') ?? '';
  const sign = u.searchParams.get('sign') ?? ''; // URLSearchParams undoes the URL encoding
  const want = createHmac('sha256', SECRET).update(`${ts}\n${SECRET}`, 'utf8').digest('base64');
  if (!/^\d{13}$/.test(ts) || Math.abs(Date.now() - Number(ts)) > 3600_000 || sign !== want) return { errcode: 310000, errmsg: 'sign not match' };
  const body = JSON.parse(r.body) as { msgtype: string; markdown?: { title: string; text: string } };
  if (body.msgtype !== 'markdown' || !body.markdown?.title || !body.markdown.text) return { errcode: 40035, errmsg: 'missing parameter' };
  return { errcode: 0, errmsg: 'ok' };
}

describe('dingtalk destination', () => {
  let rx: HttpReceiver;
  let busy = false;
  before(async () => {
    rx = await startHttpReceiver((r) => ({ status: 200, body: JSON.stringify(busy ? { errcode: 130101, errmsg: 'send too fast' } : verify(r)) }));
  });
  after(() => rx.close());

  it('signs with timestamp and sign query parameters the robot accepts', async () => {
    await dingtalk.send({ url: `${rx.url}/robot/send?access_token=${TOKEN}`, secret: SECRET }, sampleAlert(), ctxAt());
    const r = rx.requests.at(-1)!;
    assert.deepEqual(verify(r), { errcode: 0, errmsg: 'ok' });
    // The sign travels percent-encoded (base64's + / = would otherwise be mangled).
    assert.match(r.url, /&sign=[A-Za-z0-9%]+$/);
    const md = (JSON.parse(r.body) as { markdown: { text: string } }).markdown.text;
    assert.match(md, /log4j \\\*RCE\\\* \\\[link\\\]\\\(http:\/\/x\\\)/, 'markdown in finding titles is escaped');
  });

  it('a wrong secret is refused by the robot: final error with its errcode', async () => {
    await assert.rejects(
      dingtalk.send({ url: `${rx.url}/robot/send?access_token=${TOKEN}`, secret: 'SECwrong' }, sampleAlert(), ctxAt()),
      (e: unknown) => e instanceof ExternalError && !e.retryable && /errcode 310000: sign not match/.test(e.message),
    );
  });

  it('"send too fast" (130101) is retryable', async () => {
    busy = true;
    try {
      await assert.rejects(dingtalk.send({ url: `${rx.url}/robot/send?access_token=${TOKEN}`, secret: SECRET }, sampleAlert(), ctxAt()), (e: unknown) => e instanceof ExternalError && e.retryable);
    } finally {
      busy = false;
    }
  });

  it('sign matches the documented example computation', () => {
    const ts = 1577262236757;
    assert.equal(dingtalkSign('this is secret', ts), createHmac('sha256', 'this is secret').update(`${ts}\nthis is secret`).digest('base64'));
  });

  it('masks URL and secret', () => {
    assert.deepEqual(dingtalk.mask({ url: `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`, secret: SECRET }), { url: 'https://oapi.dingtalk.com/********', secret: '********' });
  });
});
