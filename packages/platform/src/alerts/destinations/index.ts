// Destination kinds: one line per kind (folder name = kind). registry.ts builds the lookup from these exports.
export { webhook } from './webhook/webhook.js';
export { slack } from './slack/slack.js';
export { dingtalk } from './dingtalk/dingtalk.js';
export { wecom } from './wecom/wecom.js';
export { feishu } from './feishu/feishu.js';
export { email } from './email/email.js';
export { syslog } from './syslog/syslog.js';
export { cef } from './cef/cef.js';
