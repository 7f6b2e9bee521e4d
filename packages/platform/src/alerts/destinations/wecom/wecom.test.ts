import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ExternalError } from '@bulwark/core';
import { ctxAt, sampleAlert, startHttpReceiver, type HttpReceiver } from '../testing.js';
import { wecom } from './wecom.js';

const KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';

describe('wecom destination', () => {
  let rx: HttpReceiver;
  before(async () => {
    // The group robot: the key in the query is the credential; markdown content at most 4096 bytes.
    rx = await startHttpReceiver((r) => {
      const u = new URL(r.url, 'http://x');
      if (u.pathname !== '/cgi-bin/webhook/send' || u.searchParams.get('key') !== KEY) return { status: 200, body: JSON.stringify({ errcode: 93000, errmsg: 'invalid webhook url' }) };
      const b = JSON.parse(r.body) as { msgtype: string; markdown?: { content: string } };
      if (b.msgtype !== 'markdown' || !b.markdown?.content) return { status: 200, body: JSON.stringify({ errcode: 40008, errmsg: 'invalid message type' }) };
      if (Buffer.byteLength(b.markdown.content) > 4096) return { status: 200, body: JSON.stringify({ errcode: 40058, errmsg: 'markdown.content exceed max length 4096' }) };
      return { status: 200, body: JSON.stringify({ errcode: 0, errmsg: 'ok' }) };
    });
  });
  after(() => rx.close());

  it('posts markdown within 4096 bytes, even for a long alert', async () => {
    const long = sampleAlert({ findings: Array.from({ length: 50 }, (_, i) => ({ ...sampleAlert().findings[1], id: i, title: '漏洞'.repeat(60) })) });
    await wecom.send({ url: `${rx.url}/cgi-bin/webhook/send?key=${KEY}` }, long, ctxAt());
    const content = (JSON.parse(rx.requests.at(-1)!.body) as { markdown: { content: string } }).markdown.content;
    assert.ok(Buffer.byteLength(content) <= 4096, `content is ${Buffer.byteLength(content)} bytes`);
    assert.match(content, /^\*\*\\\[CRITICAL\\\]/);
  });

  it('a wrong key: final error with the errcode', async () => {
    await assert.rejects(wecom.send({ url: `${rx.url}/cgi-bin/webhook/send?key=nope` }, sampleAlert(), ctxAt()), (e: unknown) => e instanceof ExternalError && !e.retryable && /errcode 93000/.test(e.message));
  });

  it('masks the URL (its key is the credential)', () => {
    assert.deepEqual(wecom.mask({ url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}` }), { url: 'https://qyapi.weixin.qq.com/********' });
  });
});
