import { ExternalError } from '@bulwark/core';
import { hostOf, postBody, robotWebhookConfig } from '../http.js';
import { findingLine, footerLines } from '../format.js';
import { defineDestination } from '../types.js';
import type { AlertPayload } from '../../types.js';

export interface SlackConfig {
  /** Incoming webhook URL (https://hooks.slack.com/services/T…/B…/…): the URL is the credential. */
  url: string;
}

/** Slack mrkdwn control characters: &, <, > (so a title cannot make links or @-mentions). */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const MAX_SECTION = 2900; // a section block's text is limited to 3000 characters

/** The incoming-webhook payload: `text` (notification fallback) plus header and section blocks. */
export function slackPayload(a: AlertPayload): Record<string, unknown> {
  let list = '';
  let shown = 0;
  for (const f of a.findings) {
    const line = `• ${slackEscape(findingLine(f))}\n`;
    if (list.length + line.length > MAX_SECTION) break;
    list += line;
    shown++;
  }
  const footer = footerLines({ ...a, findings: a.findings.slice(0, shown) }).map(slackEscape).join('\n');
  return {
    text: slackEscape(a.title),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: a.title.slice(0, 150) } },
      ...(list ? [{ type: 'section', text: { type: 'mrkdwn', text: list.trimEnd() } }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: footer.slice(0, MAX_SECTION) }] },
    ],
  };
}

/** Slack incoming webhook: answers 200 "ok", or 4xx with an error word ("invalid_payload", "no_service"). */
export const slack = defineDestination<SlackConfig>({
  kind: 'slack',
  ...robotWebhookConfig(false),
  async send(c, alert, ctx) {
    const reply = await postBody(c.url, JSON.stringify(slackPayload(alert)), {}, ctx, 'slack');
    if (reply.body.trim() !== 'ok') {
      throw new ExternalError({ source: `slack ${hostOf(c.url)}`, message: `unexpected reply: ${reply.body.slice(0, 200)}`, retryable: false });
    }
  },
});
