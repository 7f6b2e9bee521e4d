import { createHmac } from 'node:crypto';
import { ExternalError } from '@bulwark/core';
import { plainText, truncateBytes } from '../format.js';
import { hostOf, jsonReply, postBody, robotWebhookConfig } from '../http.js';
import { defineDestination } from '../types.js';

export interface FeishuConfig {
  /** Custom bot webhook URL: https://open.feishu.cn/open-apis/bot/v2/hook/<id> (the id is the credential). */
  url: string;
  /** The bot's signature secret (签名校验); when set, the body carries timestamp and sign. */
  secret?: string;
}

/** Feishu's sign: base64(HMAC-SHA256(key = `${timestampSeconds}\n${secret}`, message = empty)). */
export function feishuSign(secret: string, timestampSeconds: number | string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/** 9499 / 11232: too many requests or frequency limited. Others (19021 bad sign, 19024 keyword, 19001 bad hook) are final. */
const RETRYABLE_CODES = new Set([9499, 11232]);

/** Feishu / Lark custom bot (自定义机器人), text message. */
export const feishu = defineDestination<FeishuConfig>({
  kind: 'feishu',
  ...robotWebhookConfig(true),
  async send(c, alert, ctx) {
    const body: Record<string, unknown> = { msg_type: 'text', content: { text: truncateBytes(plainText(alert), 18_000) } };
    if (c.secret !== undefined) {
      const ts = String(Math.floor(ctx.now.getTime() / 1000));
      body.timestamp = ts;
      body.sign = feishuSign(c.secret, ts);
    }
    const reply = jsonReply(await postBody(c.url, JSON.stringify(body), {}, ctx, 'feishu'), 'feishu', c.url);
    // Current bots answer {code, msg}; older ones {StatusCode, StatusMessage}.
    const code = Number(reply.code ?? reply.StatusCode);
    if (code !== 0) {
      throw new ExternalError({ source: `feishu ${hostOf(c.url)}`, message: `code ${String(reply.code ?? reply.StatusCode)}: ${String(reply.msg ?? reply.StatusMessage ?? '')}`, retryable: RETRYABLE_CODES.has(code) });
    }
  },
});
