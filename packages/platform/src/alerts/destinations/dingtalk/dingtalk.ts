import { createHmac } from 'node:crypto';
import { ExternalError } from '@bulwark/core';
import { markdownEscape, markdownText, truncateBytes } from '../format.js';
import { hostOf, jsonReply, postBody, robotWebhookConfig } from '../http.js';
import { defineDestination } from '../types.js';

export interface DingTalkConfig {
  /** Robot webhook URL with its access_token: https://oapi.dingtalk.com/robot/send?access_token=… */
  url: string;
  /** The robot's "加签" secret (SEC…); when set, every request carries timestamp and sign. */
  secret?: string;
}

/** DingTalk's sign: base64(HMAC-SHA256(key = secret, message = `${timestampMs}\n${secret}`)), URL-encoded as a query value. */
export function dingtalkSign(secret: string, timestampMs: number | string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/** The URL with `timestamp` and `sign` query parameters added (replacing any already there). */
export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  const u = new URL(url);
  u.searchParams.set('timestamp', String(timestampMs));
  u.searchParams.set('sign', dingtalkSign(secret, timestampMs));
  return u.toString();
}

/** errcode 130101: sending too fast; -1: system busy. Other non-zero codes (310000 bad sign/keyword/IP, 300001 bad token) are final. */
const RETRYABLE_CODES = new Set([130101, -1]);

/** DingTalk group custom robot (自定义机器人), markdown message. */
export const dingtalk = defineDestination<DingTalkConfig>({
  kind: 'dingtalk',
  ...robotWebhookConfig(true),
  async send(c, alert, ctx) {
    const url = c.secret === undefined ? c.url : dingtalkSignedUrl(c.url, c.secret, ctx.now.getTime());
    // A markdown message is limited to about 20,000 bytes.
    const body = { msgtype: 'markdown', markdown: { title: truncateBytes(alert.title, 256), text: truncateBytes(markdownText(alert, markdownEscape), 18_000) } };
    const reply = jsonReply(await postBody(url, JSON.stringify(body), {}, ctx, 'dingtalk'), 'dingtalk', c.url);
    const code = Number(reply.errcode);
    if (code !== 0) {
      throw new ExternalError({ source: `dingtalk ${hostOf(c.url)}`, message: `errcode ${String(reply.errcode)}: ${String(reply.errmsg ?? '')}`, retryable: RETRYABLE_CODES.has(code) });
    }
  },
});
