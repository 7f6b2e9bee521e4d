import Table from 'cli-table3';
import pc from 'picocolors';
import { compareSeverity, SEVERITIES, type Package, type PackageType, type ScanReport, type Severity, type VulnerabilityFinding } from '@bulwark/core';
import { cmp, comparePackages, OS_TYPES, severityLabel, statusLabel, visibleFindings, type ReportOptions } from './common.js';
import type { ReportWriter } from './types.js';

const LANGUAGE: Record<PackageType, string> = {
  deb: 'OS', apk: 'OS', rpm: 'OS', npm: 'Node.js', pypi: 'Python', golang: 'Go', maven: 'Java', gem: 'Ruby',
  cargo: 'Rust', composer: 'PHP', nuget: '.NET', generic: 'Other',
};

// Count columns most severe first, as the table rows are ordered.
const SUMMARY_ORDER: readonly Severity[] = SEVERITIES;
const TITLE_MAX = 60;

interface Group {
  title: string;
  packages: Package[];
  findings: VulnerabilityFinding[];
}

type Colors = ReturnType<typeof pc.createColors>;

function groupKey(type: PackageType): string {
  return OS_TYPES.has(type) ? 'os' : type;
}

function groups(report: ScanReport, findings: VulnerabilityFinding[]): Group[] {
  const byKey = new Map<string, Group>();
  const get = (type: PackageType): Group => {
    const key = groupKey(type);
    let g = byKey.get(key);
    if (!g) {
      const osName = report.os ? ` (${[report.os.id, report.os.versionId].filter(Boolean).join(' ')})` : '';
      g = { title: key === 'os' ? `${report.target.name}${osName}` : `${LANGUAGE[type]} (${type})`, packages: [], findings: [] };
      byKey.set(key, g);
    }
    return g;
  };
  for (const p of report.packages) get(p.type).packages.push(p);
  for (const f of findings) get(f.package.type).findings.push(f);
  // OS first, then language groups by type name.
  return [...byKey.entries()].sort(([a], [b]) => (a === 'os' ? -1 : b === 'os' ? 1 : cmp(a, b))).map(([, g]) => g);
}

function counts(findings: VulnerabilityFinding[]): string {
  const n = new Map<Severity, number>();
  for (const f of findings) n.set(f.severity, (n.get(f.severity) ?? 0) + 1);
  return SUMMARY_ORDER.map((s) => `${severityLabel(s)}: ${n.get(s) ?? 0}`).join(', ');
}

function paintSeverity(c: Colors, s: Severity): string {
  const label = severityLabel(s);
  switch (s) {
    case 'critical':
      return c.bold(c.red(label));
    case 'high':
      return c.red(label);
    case 'medium':
      return c.yellow(label);
    case 'low':
      return c.blue(label);
    default:
      return c.dim(label);
  }
}

function newTable(c: Colors, head: string[]): Table.Table {
  return new Table({ head: head.map((h) => c.bold(h)), style: { head: [], border: [] }, wordWrap: false });
}

function truncate(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function vulnerabilityTable(c: Colors, findings: VulnerabilityFinding[]): string {
  const t = newTable(c, ['Library', 'Vulnerability', 'Severity', 'Status', 'Installed Version', 'Fixed Version', 'Title']);
  const rows = [...findings].sort(
    (a, b) => cmp(a.package.name, b.package.name) || compareSeverity(a.severity, b.severity) || cmp(a.id, b.id) || cmp(a.package.version, b.package.version),
  );
  for (const f of rows) {
    t.push([f.package.name, f.id, paintSeverity(c, f.severity), statusLabel(f), f.package.version, f.fixedVersions.join(', '), truncate(f.title ?? '', TITLE_MAX)]);
  }
  return t.toString();
}

function packageTable(c: Colors, packages: Package[]): string {
  const t = newTable(c, ['Package', 'Version', 'Type', 'Licenses', 'Path']);
  for (const p of [...packages].sort(comparePackages)) {
    t.push([p.name, p.version, p.type, truncate(p.licenses.join(', '), 40), p.locations[0]?.path ?? '']);
  }
  return t.toString();
}

/**
 * Trivy-like text table: one section per OS / language group with severity totals, then one row per finding.
 * Without a vulnerability scan (no `db` in the report and no findings) it lists packages instead.
 */
export function renderTable(report: ScanReport, opts: ReportOptions = {}): string {
  const c = pc.createColors(opts.color === true);
  const findings = visibleFindings(report, opts);
  const packagesOnly = opts.listPackages === true || (report.db === undefined && report.vulnerabilities.length === 0);
  const out: string[] = [];
  const suppressed = report.vulnerabilities.filter((f) => f.suppressed).length;
  const osLine = report.os ? `, os: ${[report.os.id, report.os.versionId].filter(Boolean).join(' ')}` : '';
  out.push(c.bold(`${report.target.name} (${report.target.kind}${osLine})`));
  if (packagesOnly) {
    out.push(`Packages: ${report.packages.length}`);
  } else {
    out.push(`Total: ${findings.length} (${counts(findings)})${suppressed > 0 && !opts.showSuppressed ? `, suppressed: ${suppressed}` : ''}`);
  }
  if (report.status.fileErrors.length > 0) out.push(c.yellow(`Files not read: ${report.status.fileErrors.length}`));
  for (const g of groups(report, findings)) {
    out.push('', c.bold(g.title), '='.repeat(g.title.length));
    if (packagesOnly) {
      out.push(`Packages: ${g.packages.length}`, '', packageTable(c, g.packages));
      continue;
    }
    out.push(`Total: ${g.findings.length} (${counts(g.findings)})`);
    if (g.findings.length > 0) out.push('', vulnerabilityTable(c, g.findings));
  }
  return out.join('\n') + '\n';
}

export const table: ReportWriter = {
  id: 'table',
  mediaType: 'text/plain',
  extension: 'txt',
  write: renderTable,
};
