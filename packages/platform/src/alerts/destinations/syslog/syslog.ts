import { hostname as osHostname } from 'node:os';
import type { AlertPayload } from '../../types.js';
import { findingLine } from '../format.js';
import { defineDestination } from '../types.js';
import { formatRfc5424, syslogSeverity } from './rfc5424.js';
import { sendSyslog, syslogTargetProperties, type SyslogTarget } from './transport.js';

export interface SyslogConfig extends SyslogTarget {
  /** 0–23, default 16 (local0). */
  facility?: number;
  /** APP-NAME, default "bulwark". */
  appName?: string;
  /** HOSTNAME, default this machine's name. */
  hostname?: string;
}

/** SD-ID of Bulwark's structured data; 32473 is the private enterprise number RFC 5612 reserves for documentation. */
export const SD_ID = 'bulwark@32473';

/** One RFC 5424 message per alert: a one-line MSG and the alert's facts as structured data. */
export function syslogMessage(c: SyslogConfig, a: AlertPayload, now: Date, deliveryId?: number): string {
  const params: [string, string][] = [
    ['rule', a.rule.name],
    ['ruleId', String(a.rule.id)],
    ['groupKey', a.groupKey],
    ['severity', a.severity],
    ['total', String(a.total)],
    ['new', String(a.counts.new)],
    ['reopened', String(a.counts.reopened)],
    ['fixed', String(a.counts.fixed)],
    ['suppressed', String(a.suppressedSince)],
    ['scan', a.scan.id],
    ['target', a.scan.target],
  ];
  if (deliveryId !== undefined) params.push(['delivery', String(deliveryId)]);
  const msg = [a.title, ...a.findings.map(findingLine)].join('; ').replace(/[\r\n]+/g, ' ');
  return formatRfc5424({
    facility: c.facility ?? 16,
    severity: syslogSeverity(a.severity),
    timestamp: now,
    hostname: c.hostname ?? osHostname(),
    appName: c.appName ?? 'bulwark',
    procId: String(process.pid),
    msgId: a.kind === 'test' ? 'test' : 'alert',
    structuredData: [{ id: SD_ID, params }],
    msg,
    bom: true,
  });
}

/** Syslog RFC 5424 over UDP (RFC 5426) or TCP with octet-counting framing (RFC 6587). */
export const syslog = defineDestination<SyslogConfig>({
  kind: 'syslog',
  configSchema: { type: 'object', additionalProperties: false, required: ['host', 'port', 'transport'], properties: syslogTargetProperties },
  secretFields: [],
  mask(c) {
    return { ...c };
  },
  async send(c, alert, ctx) {
    await sendSyslog(c, [syslogMessage(c, alert, ctx.now, ctx.deliveryId)], ctx, 'syslog');
  },
});
