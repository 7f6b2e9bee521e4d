import { parseSeverity, type Advisory, type CvssScore, type OsvAffected, type OsvSeverity, type Severity } from '@bulwark/core';
import { scoreCvss } from './vulndb.js';

export interface Rated {
  severity: Severity;
  severitySource: string;
  cvss: CvssScore[];
}

export interface RatingInput {
  advisory: Advisory;
  affected: OsvAffected[];
}

// v3.1 is what NVD, GHSA and the CNAs publish most; v4.0 scores run differently, so a v3.1 score wins when both
// exist and v4.0 is used before v3.0, whose rounding differs from 3.1.
const RATING_ORDER: readonly CvssScore['version'][] = ['3.1', '4.0', '3.0'];

function isCvssType(t: string): boolean {
  return t === 'CVSS_V2' || t === 'CVSS_V3' || t === 'CVSS_V4';
}

function scores(list: OsvSeverity[] | undefined, source: string): CvssScore[] {
  const out: CvssScore[] = [];
  for (const s of list ?? []) {
    if (!isCvssType(s.type) || typeof s.score !== 'string') continue;
    const c = scoreCvss(s.score, source);
    if (c) out.push(c);
  }
  return out;
}

function str(o: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** The source's own rating: GHSA database_specific.severity, Ubuntu priority, Debian urgency, rubysec criticality. */
function sourceSeverity(input: RatingInput): { severity: Severity; source: string } | undefined {
  const r = input.advisory.record;
  const ubuntu = [...(r.severity ?? []), ...input.affected.flatMap((a) => a.severity ?? [])].find((s) => s.type === 'Ubuntu');
  const candidates: [string | undefined, string][] = [
    [ubuntu?.score, 'ubuntu-priority'],
    [str(r.database_specific, 'severity'), r.id.startsWith('GHSA-') ? 'ghsa' : input.advisory.source],
    [str(r.database_specific, 'urgency'), 'debian-urgency'],
    ...input.affected.flatMap((a): [string | undefined, string][] => [
      [str(a.database_specific, 'urgency') ?? str(a.ecosystem_specific, 'urgency'), 'debian-urgency'],
      [str(a.database_specific, 'severity') ?? str(a.ecosystem_specific, 'severity'), input.advisory.source],
    ]),
  ];
  for (const [raw, source] of candidates) {
    const sev = parseSeverity(raw);
    if (sev !== 'unknown') return { severity: sev, source };
  }
  return undefined;
}

function dedupe(list: CvssScore[]): CvssScore[] {
  const seen = new Set<string>();
  return list.filter((c) => {
    const k = `${c.version}\0${c.vector}\0${c.source}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Rates a finding. CVSS first: per-CVE enrichment (NVD/CNA/CISA-ADP) before the advisories' own vectors, version
 * preferred 3.1 > 4.0 > 3.0 (2.0 is kept but never rates); then the first source rating; else unknown.
 */
export function rate(inputs: RatingInput[], enrichment: CvssScore[]): Rated {
  const fromRecords = inputs.flatMap((i) => [
    ...scores(i.advisory.record.severity, `osv:${i.advisory.record.id}`),
    ...i.affected.flatMap((a) => scores(a.severity, `osv:${i.advisory.record.id}`)),
  ]);
  const cvss = dedupe([...enrichment, ...fromRecords]);
  for (const v of RATING_ORDER) {
    const c = cvss.find((x) => x.version === v);
    if (c) return { severity: c.severity, severitySource: `cvss:${c.version}:${c.source}`, cvss };
  }
  for (const i of inputs) {
    const s = sourceSeverity(i);
    if (s) return { severity: s.severity, severitySource: s.source, cvss };
  }
  return { severity: 'unknown', severitySource: 'none', cvss };
}
