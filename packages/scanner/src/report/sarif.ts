import type * as Sarif from 'sarif';
import type { ScanReport, VulnerabilityFinding } from '@bulwark/core';
import { cmp, OS_TYPES, securitySeverity, severityLabel, visibleFindings, type ReportOptions } from './common.js';
import type { ReportWriter } from './types.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFO_URI = 'https://github.com/bulwark-security/bulwark';

function level(f: VulnerabilityFinding): Sarif.ReportingConfiguration.level {
  switch (f.severity) {
    case 'critical':
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    default:
      return 'note';
  }
}

function link(f: VulnerabilityFinding): string | undefined {
  return f.references[0];
}

function ruleFor(f: VulnerabilityFinding): Sarif.ReportingDescriptor {
  const sev = severityLabel(f.severity);
  const url = link(f);
  const title = f.title ?? f.id;
  const desc = f.description ?? title;
  const kind = OS_TYPES.has(f.package.type) ? 'OsPackageVulnerability' : 'LanguageSpecificPackageVulnerability';
  const text = [`Vulnerability ${f.id}`, `Severity: ${sev}`, `Aliases: ${f.aliases.join(', ') || '-'}`, url ? `Link: ${url}` : undefined, desc]
    .filter((x): x is string => x !== undefined)
    .join('\n');
  const markdown = [
    `**Vulnerability ${f.id}**`,
    '| Severity | Aliases | Link |',
    '| --- | --- | --- |',
    `|${sev}|${f.aliases.join(', ') || '-'}|${url ? `[${f.id}](${url})` : '-'}|`,
    '',
    desc,
  ].join('\n');
  const rule: Sarif.ReportingDescriptor = {
    id: f.id,
    name: kind,
    shortDescription: { text: title },
    fullDescription: { text: desc },
    defaultConfiguration: { level: level(f) },
    help: { text, markdown },
    properties: { precision: 'very-high', 'security-severity': securitySeverity(f), tags: ['vulnerability', 'security', sev] },
  };
  if (url) rule.helpUri = url;
  return rule;
}

/** SARIF wants a relative URI against ROOTPATH: strip the leading slash, percent-encode what needs it. */
function artifactUri(path: string): string {
  return encodeURI(path.replace(/^\/+/, ''));
}

function resultFor(f: VulnerabilityFinding, ruleIndex: number): Sarif.Result {
  const p = f.package;
  const message = [
    `Package: ${p.name}`,
    `Installed Version: ${p.version}`,
    `Vulnerability ${f.id}`,
    `Severity: ${severityLabel(f.severity)}`,
    `Fixed Version: ${f.fixedVersions.join(', ')}`,
    link(f) ? `Link: [${f.id}](${link(f)})` : undefined,
  ]
    .filter((x): x is string => x !== undefined)
    .join('\n');
  const paths = p.locations.length > 0 ? p.locations.map((l) => l.path) : [''];
  const result: Sarif.Result = {
    ruleId: f.id,
    ruleIndex,
    level: level(f),
    message: { text: message },
    locations: paths.map((path) => ({
      physicalLocation: {
        artifactLocation: { uri: artifactUri(path), uriBaseId: 'ROOTPATH' },
        region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
      },
      message: { text: `${path}: ${p.name}@${p.version}` },
    })),
    properties: { purl: p.purl, fixState: f.fixState, matchStatus: f.matchStatus },
  };
  if (f.suppressed) {
    result.suppressions = [{ kind: 'external', status: 'accepted', justification: f.suppressed.reason ?? f.suppressed.justification ?? f.suppressed.status ?? f.suppressed.by }];
  }
  return result;
}

/** SARIF 2.1.0 as GitHub code scanning reads it: one rule per vulnerability id, results at the package's file. */
export function renderSarif(report: ScanReport, opts: ReportOptions = {}): string {
  const findings = visibleFindings(report, opts);
  const rules: Sarif.ReportingDescriptor[] = [];
  const index = new Map<string, number>();
  for (const f of [...findings].sort((a, b) => cmp(a.id, b.id))) {
    if (index.has(f.id)) continue;
    index.set(f.id, rules.length);
    rules.push(ruleFor(f));
  }
  const results = findings.map((f) => resultFor(f, index.get(f.id) ?? 0));
  const runProps: Record<string, unknown> = { targetName: report.target.name, targetKind: report.target.kind };
  if (report.target.image) {
    runProps.imageID = report.target.image.id;
    runProps.repoTags = report.target.image.repoTags;
  }
  const log: Sarif.Log = {
    version: '2.1.0',
    $schema: SCHEMA,
    runs: [
      {
        tool: { driver: { name: 'Bulwark', fullName: 'Bulwark Vulnerability Scanner', version: report.tool.version, informationUri: INFO_URI, rules } },
        results,
        columnKind: 'utf16CodeUnits',
        ...rootBase(report),
        properties: runProps,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

// Image and rootfs paths are absolute in the artifact; an fs scan's paths are relative to the named folder, which
// can be given a file URI only when it was named absolutely (a relative base is left for the consumer to resolve).
function rootBase(report: ScanReport): Pick<Sarif.Run, 'originalUriBaseIds'> {
  if (report.target.kind !== 'fs') return { originalUriBaseIds: { ROOTPATH: { uri: 'file:///' } } };
  if (!report.target.name.startsWith('/')) return {};
  return { originalUriBaseIds: { ROOTPATH: { uri: `file://${encodeURI(report.target.name.replace(/\/+$/, ''))}/` } } };
}

export const sarif: ReportWriter = {
  id: 'sarif',
  mediaType: 'application/sarif+json',
  extension: 'sarif',
  write: renderSarif,
};
