import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ExternalError } from '@bulwark/core';
import { ctxAt, sampleAlert, startHttpReceiver, type HttpReceiver } from '../testing.js';
import { slack, slackEscape } from './slack.js';

const HOOK = '/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX';

describe('slack destination', () => {
  let rx: HttpReceiver;
  before(async () => {
    // Slack's incoming webhook: 200 "ok" for a JSON object with text or blocks; 404 no_service for an unknown hook; 400 invalid_payload otherwise.
    rx = await startHttpReceiver((r) => {
      if (!r.url.startsWith(HOOK)) return { status: 404, body: 'no_service' };
      try {
        const p = JSON.parse(r.body) as { text?: unknown; blocks?: unknown };
        if (typeof p.text !== 'string' && !Array.isArray(p.blocks)) return { status: 400, body: 'invalid_payload' };
      } catch {
        return { status: 400, body: 'invalid_payload' };
      }
      return { status: 200, body: 'ok', headers: { 'content-type': 'text/html' } };
    });
  });
  after(() => rx.close());

  it('posts text and blocks; markup in titles is escaped', async () => {
    await slack.send({ url: rx.url + HOOK }, sampleAlert({ title: '<!channel> & <http://evil|click>' }), ctxAt());
    const p = JSON.parse(rx.requests.at(-1)!.body) as { text: string; blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] };
    assert.equal(p.text, '&lt;!channel&gt; &amp; &lt;http://evil|click&gt;');
    assert.deepEqual(p.blocks.map((b) => b.type), ['header', 'section', 'context']);
    assert.match(p.blocks[1].text!.text, /^• \[CRITICAL\] CVE-2021-44228 log4j \*RCE\*/);
    assert.match(p.blocks[2].elements![0].text, /1 more/);
    assert.match(p.blocks[2].elements![0].text, /4 more finding\(s\) of this group were held back/);
    assert.equal(slackEscape('a<b>&'), 'a&lt;b&gt;&amp;');
  });

  it('an unknown hook is a final error', async () => {
    await assert.rejects(slack.send({ url: `${rx.url}/services/nope` }, sampleAlert(), ctxAt()), (e: unknown) => e instanceof ExternalError && !e.retryable && /HTTP 404: no_service/.test(e.message));
  });

  it('masks the hook URL to its origin', () => {
    assert.deepEqual(slack.mask({ url: 'https://hooks.slack.com/services/T/B/secret' }), { url: 'https://hooks.slack.com/********' });
  });
});
