// Human text of an alert, shared by the chat, email and syslog senders.
import type { AlertFindingSummary, AlertPayload } from '../types.js';

/** "[HIGH] CVE-2024-1234 lodash prototype pollution — image:registry/app (new)". */
export function findingLine(f: AlertFindingSummary): string {
  const title = f.title && f.title !== f.ruleId ? ` ${f.title}` : '';
  return `[${f.severity.toUpperCase()}] ${f.ruleId}${title} — ${f.asset} (${f.change}${f.kev ? ', KEV' : ''})`;
}

/** Lines after the finding list: more findings than listed, findings held back by the rate limit. */
export function footerLines(a: AlertPayload): string[] {
  const out: string[] = [];
  if (a.total > a.findings.length) out.push(`… and ${a.total - a.findings.length} more`);
  if (a.suppressedSince > 0) out.push(`${a.suppressedSince} more finding(s) of this group were held back by the rate limit since the previous alert`);
  out.push(`Rule: ${a.rule.name} · Scan: ${a.scan.id} (${a.scan.kind} ${a.scan.target})`);
  return out;
}

/** Plain text: title, one line per listed finding, footer; cut to `maxLines` finding lines. */
export function plainText(a: AlertPayload, maxLines = 20): string {
  const lines = a.findings.slice(0, maxLines).map((f) => `• ${findingLine(f)}`);
  const hidden = a.findings.length - lines.length;
  if (hidden > 0) lines.push(`… ${hidden} more listed in the alert`);
  return [a.title, '', ...lines, '', ...footerLines(a)].join('\n');
}

/**
 * Markdown for the robots that render it (DingTalk, WeCom): `escape` neutralises the characters the target's
 * markdown treats as markup, so a finding title cannot inject links or mentions.
 */
export function markdownText(a: AlertPayload, escape: (s: string) => string, maxLines = 20): string {
  const lines = a.findings.slice(0, maxLines).map((f) => `- ${escape(findingLine(f))}`);
  return [`**${escape(a.title)}**`, '', ...lines, '', ...footerLines(a).map((l) => `> ${escape(l)}`)].join('\n');
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateBytes(s: string, maxBytes: number, suffix = '…'): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  const budget = maxBytes - Buffer.byteLength(suffix);
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return out + suffix;
}

/** Backslash-escapes the markdown characters that make emphasis, code, links, headings or HTML. */
export function markdownEscape(s: string): string {
  return s.replace(/[\\`*_[\]()#<>!|~]/g, (c) => `\\${c}`);
}
