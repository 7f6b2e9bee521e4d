import { hostname as osHostname } from 'node:os';
import type { Severity } from '@bulwark/core';
import type { AlertFindingSummary, AlertPayload } from '../../types.js';
import { formatRfc5424, syslogSeverity } from '../syslog/rfc5424.js';
import { sendSyslog, syslogTargetProperties } from '../syslog/transport.js';
import type { SyslogConfig } from '../syslog/syslog.js';
import { defineDestination } from '../types.js';

export type CefConfig = SyslogConfig;

/** CEF header fields: backslash and pipe escaped with a backslash; line breaks are not allowed (made spaces). */
export function cefHeaderEscape(s: string): string {
  return s.replace(/[\\|]/g, (c) => `\\${c}`).replace(/\r\n|[\r\n]/g, ' ');
}

/** CEF extension values: backslash and '=' escaped, line breaks written as \n (\r as \r); pipes stay. */
export function cefValueEscape(s: string): string {
  return s.replace(/[\\=]/g, (c) => `\\${c}`).replace(/\r\n|\n/g, '\\n').replace(/\r/g, '\\r');
}

const CEF_SEVERITY: Record<Severity, number> = { critical: 10, high: 8, medium: 5, low: 3, negligible: 1, unknown: 0 };

export interface CefEvent {
  signatureId: string;
  name: string;
  severity: number;
  /** Extension keys are fixed ASCII names; values are escaped here. */
  extension: [string, string | number][];
}

/** `CEF:0|Bulwark|Bulwark|1|<signature id>|<name>|<severity>|k=v k=v`. */
export function formatCef(e: CefEvent, vendor = 'Bulwark', product = 'Bulwark', version = '1'): string {
  const header = ['CEF:0', vendor, product, version, e.signatureId, e.name, String(e.severity)].map((h, i) => (i === 0 ? h : cefHeaderEscape(h))).join('|');
  return `${header}|${e.extension.map(([k, v]) => `${k}=${cefValueEscape(String(v))}`).join(' ')}`;
}

function findingEvent(a: AlertPayload, f: AlertFindingSummary, now: Date): CefEvent {
  return {
    signatureId: f.ruleId,
    name: f.title || f.ruleId,
    severity: CEF_SEVERITY[f.severity],
    extension: [
      ['rt', now.getTime()],
      ['cat', f.type],
      ['act', f.change],
      ['externalId', f.id],
      ['msg', a.title],
      ['cs1Label', 'alertRule'],
      ['cs1', a.rule.name],
      ['cs2Label', 'groupKey'],
      ['cs2', a.groupKey],
      ['cs3Label', 'asset'],
      ['cs3', f.asset],
      ['cs4Label', 'target'],
      ['cs4', f.target],
      ['cs5Label', 'scan'],
      ['cs5', a.scan.id],
      ['cs6Label', 'kev'],
      ['cs6', String(f.kev)],
      ['cfp1Label', 'priority'],
      ['cfp1', f.priority],
    ],
  };
}

/** One CEF event per finding listed in the alert (a SIEM correlates per asset), or one for an alert without findings. */
export function cefEvents(a: AlertPayload, now: Date): CefEvent[] {
  if (a.findings.length > 0) return a.findings.map((f) => findingEvent(a, f, now));
  return [
    {
      signatureId: a.kind === 'test' ? 'bulwark-test' : 'bulwark-alert',
      name: a.title,
      severity: CEF_SEVERITY[a.severity],
      extension: [
        ['rt', now.getTime()],
        ['msg', a.title],
        ['cs1Label', 'alertRule'],
        ['cs1', a.rule.name],
        ['cs2Label', 'groupKey'],
        ['cs2', a.groupKey],
        ['cnt', a.total],
      ],
    },
  ];
}

/** CEF:0 events carried as RFC 5424 syslog messages over UDP or TCP (octet counting). */
export const cef = defineDestination<CefConfig>({
  kind: 'cef',
  configSchema: { type: 'object', additionalProperties: false, required: ['host', 'port', 'transport'], properties: syslogTargetProperties },
  secretFields: [],
  mask(c) {
    return { ...c };
  },
  async send(c, alert, ctx) {
    const messages = cefEvents(alert, ctx.now).map((e) =>
      formatRfc5424({
        facility: c.facility ?? 16,
        severity: syslogSeverity(alert.severity),
        timestamp: ctx.now,
        hostname: c.hostname ?? osHostname(),
        appName: c.appName ?? 'bulwark',
        procId: String(process.pid),
        msgId: 'cef',
        msg: formatCef(e),
      }),
    );
    await sendSyslog(c, messages, ctx, 'cef');
  },
});
