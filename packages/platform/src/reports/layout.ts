// The rows and columns every format shows, taken from the model once so the PDF, the sheet and the document
// carry the same labels and numbers.
import { SEVERITY_ORDER } from './data.js';
import type { ReportData } from './types.js';

export type Cell = string | number;

export interface Table {
  title: string;
  columns: Array<{ header: string; /** Relative width. */ width: number; numeric?: boolean }>;
  rows: Cell[][];
  /** Shown under the table ("12 more targets not listed"). */
  note?: string;
}

const STATUS_LABELS = { open: 'Open', fixed: 'Fixed', suppressed: 'Suppressed', 'risk-accepted': 'Risk accepted' } as const;

// eslint-disable-next-line no-control-regex -- the point is to find control characters
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The model with control characters and lone surrogates (from a scanner's title, say) replaced by U+FFFD, so the
 * three formats show the same text: exceljs and docx drop them from their XML themselves, pdfkit would draw boxes.
 */
export function printable(d: ReportData): ReportData {
  return JSON.parse(JSON.stringify(d), (_k, v: unknown) => (typeof v === 'string' ? v.replace(NOT_XML, '\uFFFD') : v)) as ReportData;
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "2026-03-01 06:00 UTC" */
export function formatInstant(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Title, tenant, date and scope lines at the head of every format. */
export function headerLines(d: ReportData): Array<[string, string]> {
  const lines: Array<[string, string]> = [
    ['Tenant', d.tenant.name],
    ['Generated', formatInstant(d.generatedAt)],
    ['Scope', d.scopeDescription],
    ['Finding types', d.types.join(', ')],
  ];
  if (d.compliance) {
    const f = d.compliance.framework;
    lines.push(['Framework', `${f.name}, version ${f.version}${f.nameZh ? ` / ${f.nameZh}` : ''}`]);
  }
  return lines;
}

/** Label → count, the numbers tests compare with the API. Labels are unique within a report. */
export function summaryRows(d: ReportData): Array<[string, number]> {
  const s = d.summary;
  const rows: Array<[string, number]> = [['Findings in scope', s.total]];
  for (const [k, label] of Object.entries(STATUS_LABELS)) rows.push([label, s.byStatus[k as keyof typeof STATUS_LABELS]]);
  for (const sev of SEVERITY_ORDER) rows.push([`Open ${sev}`, s.open.bySeverity[sev]]);
  for (const t of d.types) rows.push([`Open ${t}`, s.open.byType[t] ?? 0]);
  rows.push(['Open in CISA KEV', s.open.kev], ['Open with a fix available', s.open.fixAvailable]);
  if (d.compliance) {
    const c = d.compliance.summary;
    rows.push(['Controls passed', c.pass], ['Controls failed', c.fail], ['Controls not evaluated', c.notEvaluated], ['Controls in framework', c.total]);
  }
  return rows;
}

export function topFindingsTable(d: ReportData): Table {
  return {
    title: 'Top open findings by priority',
    columns: [
      { header: 'Priority', width: 6, numeric: true },
      { header: 'Severity', width: 7 },
      { header: 'Rule', width: 12 },
      { header: 'Title', width: 22 },
      { header: 'Asset', width: 20 },
      { header: 'KEV', width: 4 },
      { header: 'Fix', width: 4 },
      { header: 'First seen', width: 8 },
    ],
    rows: d.topFindings.map((f) => [Math.round(f.priority * 10) / 10, f.severity, f.ruleId, f.title, f.asset, f.kev ? 'yes' : '', f.fixAvailable ? 'yes' : '', f.firstSeen.slice(0, 10)]),
    note: d.topFindings.length === 0 ? 'No open findings.' : undefined,
  };
}

export function targetsTable(d: ReportData): Table {
  const more = d.targetsTotal - d.targets.length;
  return {
    title: 'Findings per scan target',
    columns: [
      { header: 'Target', width: 20 },
      { header: 'Open', width: 6, numeric: true },
      ...SEVERITY_ORDER.map((s) => ({ header: capitalize(s), width: 8, numeric: true })),
      { header: 'Fixed', width: 6, numeric: true },
      { header: 'Total', width: 6, numeric: true },
    ],
    rows: d.targets.map((t) => [t.target, t.open, ...SEVERITY_ORDER.map((s) => t.bySeverity[s]), t.fixed, t.total]),
    note: more > 0 ? `${more} more targets not listed (${d.targetsTotal} in all).` : d.targets.length === 0 ? 'No findings in scope.' : undefined,
  };
}

export function controlsTable(d: ReportData): Table | undefined {
  if (!d.compliance) return undefined;
  return {
    title: 'Controls',
    columns: [
      { header: 'Control', width: 7 },
      { header: 'Title', width: 30 },
      { header: 'Result', width: 11 },
      { header: 'Open', width: 5, numeric: true },
      { header: 'Excepted', width: 8, numeric: true },
      { header: 'Fixed', width: 5, numeric: true },
      { header: 'Rules', width: 16 },
    ],
    rows: d.compliance.controls.map((c) => [c.id, c.titleZh ? `${c.title} / ${c.titleZh}` : c.title, c.status, c.open, c.excepted, c.fixed, c.rules.join(', ')]),
  };
}

export function failingTable(d: ReportData): Table | undefined {
  if (!d.compliance) return undefined;
  const rows: Cell[][] = [];
  let omitted = 0;
  for (const c of d.compliance.controls) {
    for (const f of c.failing) rows.push([c.id, f.severity, f.ruleId, f.resource, f.target, f.findingId]);
    omitted += c.open - c.failing.length;
  }
  return {
    title: 'Failing resources',
    columns: [
      { header: 'Control', width: 7 },
      { header: 'Severity', width: 7 },
      { header: 'Rule', width: 11 },
      { header: 'Resource', width: 30 },
      { header: 'Target', width: 20 },
      { header: 'Finding', width: 6, numeric: true },
    ],
    rows,
    note: rows.length === 0 ? 'No failing resources.' : omitted > 0 ? `${omitted} more failing findings not listed.` : undefined,
  };
}

/** Every table of a report, in order. */
export function reportTables(d: ReportData): Table[] {
  return [controlsTable(d), failingTable(d), topFindingsTable(d), targetsTable(d)].filter((t): t is Table => t !== undefined);
}

/** ASCII file name: "bulwark-vulnerabilities-cluster-prod-20260301-0600.pdf". */
export function reportFileName(d: ReportData, extension: string): string {
  const scope = d.scope.type === 'tenant' ? d.tenant.slug : d.scope.type === 'cluster' ? `cluster-${d.scope.name}` : 'assetId' in d.scope ? `image-${d.scope.assetId}` : `image-${d.scope.target}`;
  const safe = scope.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'scope';
  const stamp = d.generatedAt.slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `bulwark-${d.kind}${d.compliance ? `-${d.compliance.framework.id}` : ''}-${safe}-${stamp}.${extension}`;
}
