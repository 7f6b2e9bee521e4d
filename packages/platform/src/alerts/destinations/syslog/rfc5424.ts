// RFC 5424 message text and RFC 6587 octet-counting framing; pure.
import type { Severity } from '@bulwark/core';

export interface SdElement {
  /** SD-ID: "bulwark@32473" (name@private-enterprise-number). */
  id: string;
  params: [string, string][];
}

export interface Rfc5424Message {
  /** 0–23 (16 = local0). */
  facility: number;
  /** 0 emergency … 7 debug. */
  severity: number;
  timestamp: Date;
  hostname: string;
  appName: string;
  procId?: string;
  msgId?: string;
  structuredData?: SdElement[];
  msg?: string;
  /** Prefix MSG with the UTF-8 BOM (RFC 5424 §6.4) to declare it UTF-8; off for CEF, whose collectors expect plain text. */
  bom?: boolean;
}

/** Header fields are PRINTUSASCII (33–126) of a bounded length, or the NILVALUE "-". */
export function headerField(s: string | undefined, max: number): string {
  const clean = (s ?? '').replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** SD-NAME: PRINTUSASCII except '=', SP, ']', '"', 1–32 characters. */
function sdName(s: string): string {
  const clean = s.replace(/[^\x21-\x7e]|[=\]"]/g, '').slice(0, 32);
  return clean === '' ? '_' : clean;
}

/** PARAM-VALUE: '"', '\' and ']' are escaped with a backslash (RFC 5424 §6.3.3). */
export function sdValue(s: string): string {
  return s.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

export function formatRfc5424(m: Rfc5424Message): string {
  const pri = `<${m.facility * 8 + m.severity}>`;
  const sd = m.structuredData?.length
    ? m.structuredData.map((e) => `[${sdName(e.id)}${e.params.map(([k, v]) => ` ${sdName(k)}="${sdValue(v)}"`).join('')}]`).join('')
    : '-';
  const header = `${pri}1 ${m.timestamp.toISOString()} ${headerField(m.hostname, 255)} ${headerField(m.appName, 48)} ${headerField(m.procId, 128)} ${headerField(m.msgId, 32)} ${sd}`;
  return m.msg === undefined || m.msg === '' ? header : `${header} ${m.bom ? '\ufeff' : ''}${m.msg}`;
}

/** RFC 6587 §3.4.1 octet counting: "<byte length> <message>". */
export function octetCountingFrame(msg: string): Buffer {
  const body = Buffer.from(msg, 'utf8');
  return Buffer.concat([Buffer.from(`${body.byteLength} `, 'ascii'), body]);
}

const SEVERITY_CODE: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5, negligible: 6, unknown: 6 };

/** Finding severity → syslog severity: critical 2 (crit), high 3 (err), medium 4 (warning), low 5 (notice), else 6 (info). */
export function syslogSeverity(s: Severity): number {
  return SEVERITY_CODE[s];
}
