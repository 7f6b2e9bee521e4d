export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'negligible' | 'unknown';

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'];

const RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, negligible: 1, unknown: 0 };

export function severityRank(s: Severity): number {
  return RANK[s];
}

/** Orders most severe first. */
export function compareSeverity(a: Severity, b: Severity): number {
  return RANK[b] - RANK[a];
}

export function isSeverity(s: string): s is Severity {
  return Object.hasOwn(RANK, s);
}

/** CVSS v3/v4 qualitative rating of a base score. */
export function severityFromScore(score: number): Severity {
  if (score >= 9.0) return 'critical';
  if (score >= 7.0) return 'high';
  if (score >= 4.0) return 'medium';
  if (score > 0) return 'low';
  return 'negligible';
}

/** Maps the free-text severities feeds use (Debian urgency, Ubuntu priority, GHSA, rubysec criticality). */
export function parseSeverity(raw: string | undefined | null): Severity {
  if (!raw) return 'unknown';
  const s = raw.trim().toLowerCase();
  if (s === 'critical') return 'critical';
  if (s === 'high' || s === 'important') return 'high';
  if (s === 'medium' || s === 'moderate') return 'medium';
  if (s === 'low') return 'low';
  if (s === 'negligible' || s === 'unimportant' || s === 'none' || s === 'minimal') return 'negligible';
  return 'unknown';
}
