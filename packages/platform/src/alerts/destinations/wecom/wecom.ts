import { ExternalError } from '@bulwark/core';
import { markdownEscape, markdownText, truncateBytes } from '../format.js';
import { hostOf, jsonReply, postBody, robotWebhookConfig } from '../http.js';
import { defineDestination } from '../types.js';

export interface WeComConfig {
  /** Group robot webhook URL with its key: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… (the key is the credential). */
  url: string;
}

/** errcode 45009: API frequency limit; -1: system busy. Others (93000 bad key, 40058 bad content) are final. */
const RETRYABLE_CODES = new Set([45009, -1]);

/** WeCom (企业微信) group robot, markdown message (content at most 4096 bytes). */
export const wecom = defineDestination<WeComConfig>({
  kind: 'wecom',
  ...robotWebhookConfig(false),
  async send(c, alert, ctx) {
    const body = { msgtype: 'markdown', markdown: { content: truncateBytes(markdownText(alert, markdownEscape), 4096) } };
    const reply = jsonReply(await postBody(c.url, JSON.stringify(body), {}, ctx, 'wecom'), 'wecom', c.url);
    const code = Number(reply.errcode);
    if (code !== 0) {
      throw new ExternalError({ source: `wecom ${hostOf(c.url)}`, message: `errcode ${String(reply.errcode)}: ${String(reply.errmsg ?? '')}`, retryable: RETRYABLE_CODES.has(code) });
    }
  },
});
