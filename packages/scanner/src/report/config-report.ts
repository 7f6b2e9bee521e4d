import Table from 'cli-table3';
import pc from 'picocolors';
import type * as Sarif from 'sarif';
import { SEVERITIES, compareSeverity } from '@bulwark/core';
import type { Severity } from '@bulwark/core';
import { cmp, jsonTextChunks, severityLabel, severityScore, stableStringify } from './common.js';
import type { ConfigReport, ConfigRuleInfo, ConfigSummary, ReportedConfigFinding } from './config-types.js';

export interface ConfigReportOptions {
  /** Table: colour severities (pass true only when stdout is a TTY). */
  color?: boolean;
  /** Table and SARIF: also show suppressed findings (JSON always keeps them). */
  showSuppressed?: boolean;
}

/** Counts for `summary`, from the findings and the file list. */
export function configSummary(findings: readonly ReportedConfigFinding[], files: number): ConfigSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const withFindings = new Set<string>();
  let suppressed = 0;
  for (const f of findings) {
    if (f.suppressed) {
      suppressed++;
      continue;
    }
    bySeverity[f.severity]++;
    withFindings.add(f.file);
  }
  return { files, filesWithFindings: withFindings.size, findings: findings.length - suppressed, suppressed, bySeverity };
}

function visible(report: ConfigReport, opts: ConfigReportOptions): ReportedConfigFinding[] {
  return opts.showSuppressed ? report.findings : report.findings.filter((f) => !f.suppressed);
}

type Colors = ReturnType<typeof pc.createColors>;

function paint(c: Colors, s: Severity): string {
  const label = severityLabel(s);
  if (s === 'critical') return c.bold(c.red(label));
  if (s === 'high') return c.red(label);
  if (s === 'medium') return c.yellow(label);
  if (s === 'low') return c.blue(label);
  return c.dim(label);
}

function oneLine(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function counts(findings: readonly ReportedConfigFinding[]): string {
  const n = new Map<Severity, number>();
  for (const f of findings) n.set(f.severity, (n.get(f.severity) ?? 0) + 1);
  return SEVERITIES.filter((s) => s !== 'negligible').map((s) => `${severityLabel(s)}: ${n.get(s) ?? 0}`).join(', ');
}

function lines(f: ReportedConfigFinding): string {
  return f.range.endLine > f.range.startLine ? `${f.range.startLine}-${f.range.endLine}` : String(f.range.startLine);
}

/**
 * Text report: one section per file with findings (file, type, severity totals), one row per finding with rule id,
 * severity, resource, lines, title and message; a summary line at the end.
 */
export function renderConfigTable(report: ConfigReport, opts: ConfigReportOptions = {}): string {
  const c = pc.createColors(opts.color === true);
  const shown = visible(report, opts);
  const types = new Map(report.files.map((f) => [f.path, f.type]));
  const byFile = new Map<string, ReportedConfigFinding[]>();
  for (const f of shown) (byFile.get(f.file) ?? byFile.set(f.file, []).get(f.file)!).push(f);
  const out: string[] = [c.bold(`${report.target.name} (${report.target.kind})`)];
  for (const file of [...byFile.keys()].sort(cmp)) {
    const fs = byFile.get(file)!.sort((a, b) => a.range.startLine - b.range.startLine || compareSeverity(a.severity, b.severity) || cmp(a.ruleId, b.ruleId));
    const head = `${file} (${types.get(file) ?? 'config'})`;
    out.push('', c.bold(head), '='.repeat(head.length), `Findings: ${fs.length} (${counts(fs)})`, '');
    const t = new Table({ head: ['Rule', 'Severity', 'Resource', 'Line', 'Title', 'Message'].map((h) => c.bold(h)), style: { head: [], border: [] }, wordWrap: false });
    for (const f of fs) {
      t.push([f.ruleId, paint(c, f.severity) + (f.suppressed ? ' (suppressed)' : ''), oneLine(f.resource ?? '', 40), lines(f), oneLine(f.title, 50), oneLine(f.message, 80)]);
    }
    out.push(t.toString());
  }
  const s = report.summary;
  out.push(
    '',
    c.bold('Summary'),
    `Files scanned: ${s.files}, with findings: ${s.filesWithFindings}`,
    `Findings: ${s.findings} (${SEVERITIES.filter((x) => x !== 'negligible').map((x) => `${severityLabel(x)}: ${s.bySeverity[x]}`).join(', ')})${s.suppressed > 0 ? `, suppressed: ${s.suppressed}` : ''}`,
  );
  if (report.status.fileErrors.length > 0) out.push(c.yellow(`Files not parsed: ${report.status.fileErrors.length} (listed on stderr)`));
  return out.join('\n') + '\n';
}

/** The ConfigReport itself (config-report.schema.json), keys in a stable order, suppressed findings kept. */
export function renderConfigJson(report: ConfigReport): string {
  return stableStringify(report);
}

const INFO_URI = 'https://github.com/bulwark-security/bulwark';

function level(s: Severity): Sarif.ReportingConfiguration.level {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/** "Container runs privileged" → "ContainerRunsPrivileged" (SARIF reportingDescriptor.name: no spaces). */
function pascal(title: string): string {
  return title.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Rule';
}

function ruleDescriptor(r: ConfigRuleInfo): Sarif.ReportingDescriptor {
  const sev = severityLabel(r.severity);
  const frameworks = r.frameworks.map((f) => `${f.framework}:${f.control}`);
  const text = [`${r.id}: ${r.title}`, `Severity: ${sev}`, r.description, `Remediation: ${r.remediation}`, r.aliases.length ? `Aliases: ${r.aliases.join(', ')}` : undefined, ...r.references]
    .filter((x): x is string => x !== undefined)
    .join('\n');
  const markdown = [
    `**${r.id}: ${r.title}**`,
    '',
    '| Severity | Aliases | Frameworks |',
    '| --- | --- | --- |',
    `| ${sev} | ${r.aliases.join(', ') || '-'} | ${frameworks.join(', ') || '-'} |`,
    '',
    r.description,
    '',
    `**Remediation:** ${r.remediation}`,
    ...(r.references.length ? ['', ...r.references.map((u) => `- <${u}>`)] : []),
  ].join('\n');
  return {
    id: r.id,
    name: pascal(r.title),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description || r.title },
    defaultConfiguration: { level: level(r.severity) },
    helpUri: r.references[0] ?? INFO_URI,
    help: { text, markdown },
    properties: {
      precision: 'very-high',
      'security-severity': severityScore(r.severity),
      tags: ['security', 'misconfiguration', ...r.targets],
      aliases: r.aliases,
      frameworks,
    },
  };
}

function artifactUri(path: string): string {
  return encodeURI(path.replace(/^\/+/, ''));
}

/** Files of a tree scan are relative to ROOTPATH (the scanned folder); a cluster dump is named as given. */
function artifactLocation(path: string, kind: ConfigReport['target']['kind']): Sarif.ArtifactLocation {
  if (kind !== 'config' && path.startsWith('/')) return { uri: `file://${encodeURI(path)}` };
  if (kind !== 'config') return { uri: encodeURI(path) };
  return { uri: artifactUri(path), uriBaseId: 'ROOTPATH' };
}

/**
 * SARIF 2.1.0, one run: `tool.driver.rules` holds every rule with a finding (help = description + remediation,
 * aliases and framework controls in properties, security-severity for GitHub), results point at the file relative
 * to the scanned folder with start and end lines.
 */
function configSarifLog(report: ConfigReport, opts: ConfigReportOptions): Sarif.Log {
  const shown = visible(report, opts);
  const used = new Set(shown.map((f) => f.ruleId));
  const rules = report.rules.filter((r) => used.has(r.id)).sort((a, b) => cmp(a.id, b.id)).map(ruleDescriptor);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: Sarif.Result[] = shown.map((f) => {
    const res: Sarif.Result = {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId) ?? 0,
      level: level(f.severity),
      message: { text: f.resource ? `${f.resource}: ${f.message}` : f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(f.file, report.target.kind),
            region: { startLine: f.range.startLine, endLine: Math.max(f.range.startLine, f.range.endLine) },
          },
        },
      ],
      properties: { ...(f.resource ? { resource: f.resource } : {}), fixable: f.fixable },
    };
    if (f.suppressed) res.suppressions = [{ kind: 'external', status: 'accepted', justification: f.suppressed.reason ?? f.suppressed.source }];
    return res;
  });
  const base = report.target.kind === 'config' && report.target.name.startsWith('/') ? { originalUriBaseIds: { ROOTPATH: { uri: `file://${encodeURI(report.target.name.replace(/\/+$/, ''))}/` } } } : {};
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'Bulwark', fullName: 'Bulwark Configuration Scanner', version: report.tool.version, informationUri: INFO_URI, rules } },
        results,
        columnKind: 'utf16CodeUnits',
        ...base,
        properties: { targetName: report.target.name, targetKind: report.target.kind },
      },
    ],
  };
}

export function renderConfigSarif(report: ConfigReport, opts: ConfigReportOptions = {}): string {
  return JSON.stringify(configSarifLog(report, opts), null, 2) + '\n';
}

export const configFormats = ['table', 'json', 'sarif'] as const;
export type ConfigFormat = (typeof configFormats)[number];

/**
 * A config report in one of `configFormats`, in pieces (the same text as `writeConfigReport`): JSON and SARIF write
 * their findings one by one, so a cluster scan with hundreds of thousands of findings streams to its file.
 */
export function* configReportChunks(format: ConfigFormat, report: ConfigReport, opts: ConfigReportOptions = {}): Generator<string> {
  if (format === 'json') yield* jsonTextChunks(report);
  else if (format === 'sarif') yield* jsonTextChunks(configSarifLog(report, opts), { sortKeys: false });
  else yield renderConfigTable(report, opts);
}

/** Renders a config report in one of `configFormats`. */
export function writeConfigReport(format: ConfigFormat, report: ConfigReport, opts: ConfigReportOptions = {}): string {
  if (format === 'json') return renderConfigJson(report);
  if (format === 'sarif') return renderConfigSarif(report, opts);
  return renderConfigTable(report, opts);
}
