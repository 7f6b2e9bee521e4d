import { createHash } from 'node:crypto';
import { parseSeverity, severityFromScore, type CvssScore, type Package, type ScanReport, type Severity, type VulnerabilityFinding } from '@bulwark/core';
import parseSpdx from 'spdx-expression-parse';

export interface ReportOptions {
  /** Table: colour severities and headers (pass true only when stdout is a TTY). */
  color?: boolean;
  /** Table and SARIF: also show findings suppressed by an ignore file or VEX (always kept in JSON and CycloneDX). */
  showSuppressed?: boolean;
  /** Table: list packages even when vulnerabilities were scanned. */
  listPackages?: boolean;
}

/** Findings shown by the table and SARIF writers. */
export function visibleFindings(report: ScanReport, opts: ReportOptions = {}): VulnerabilityFinding[] {
  return opts.showSuppressed ? report.vulnerabilities : report.vulnerabilities.filter((f) => !f.suppressed);
}

export const OS_TYPES: ReadonlySet<string> = new Set(['deb', 'apk', 'rpm']);

// Keys listed here come first, in this order; any other key follows alphabetically. Keeps output stable
// whatever order the producer built objects in, while ids and names still read first.
const KEY_PRIORITY = [
  'schemaVersion', 'tool', 'createdAt', 'target', 'os', 'packages', 'vulnerabilities', 'status', 'db',
  'kind', 'id', 'name', 'version', 'type', 'ecosystem', 'purl', 'aliases', 'package', 'matchStatus', 'fixState',
  'fixedVersions', 'severity', 'severitySource', 'cvss', 'title',
];
const PRIORITY = new Map(KEY_PRIORITY.map((k, i) => [k, i]));

function compareKeys(a: string, b: string): number {
  const pa = PRIORITY.get(a);
  const pb = PRIORITY.get(b);
  if (pa !== undefined && pb !== undefined) return pa - pb;
  if (pa !== undefined) return -1;
  if (pb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort(compareKeys)) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = ordered(v);
  }
  return out;
}

/** JSON with a stable key order (see KEY_PRIORITY), two-space indent, trailing newline. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(ordered(value), null, 2) + '\n';
}

/** Arrays past this many elements are written element by element. */
const CHUNKED_ARRAY = 64;

/** Whether a value holds (within a few levels) an array large enough to write in pieces. */
function isBig(v: unknown, depth = 0): boolean {
  if (Array.isArray(v)) return v.length > CHUNKED_ARRAY || (depth < 3 && v.some((x) => isBig(x, depth + 1)));
  if (v === null || typeof v !== 'object' || depth >= 3) return false;
  return Object.values(v).some((x) => isBig(x, depth + 1));
}

function* jsonChunks(v: unknown, pad: string, sortKeys: boolean): Generator<string> {
  if (!isBig(v)) {
    const s = JSON.stringify(sortKeys ? ordered(v) : v, null, 2) ?? 'null';
    yield pad ? s.replace(/\n/g, `\n${pad}`) : s;
    return;
  }
  const inner = `${pad}  `;
  if (Array.isArray(v)) {
    yield '[';
    for (let i = 0; i < v.length; i++) {
      yield `${i ? ',' : ''}\n${inner}`;
      yield* jsonChunks(v[i], inner, sortKeys);
    }
    yield `\n${pad}]`;
    return;
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  if (sortKeys) keys.sort(compareKeys);
  yield '{';
  for (let i = 0; i < keys.length; i++) {
    yield `${i ? ',' : ''}\n${inner}${JSON.stringify(keys[i])}: `;
    yield* jsonChunks(obj[keys[i]!], inner, sortKeys);
  }
  yield `\n${pad}}`;
}

/**
 * The text of `stableStringify` (or of `JSON.stringify(value, null, 2)` with `sortKeys: false`), in pieces: large
 * arrays — the findings of a cluster scan — are written element by element, so a report never needs one string of
 * its full size.
 */
export function* jsonTextChunks(value: unknown, opts: { sortKeys?: boolean } = {}): Generator<string> {
  yield* jsonChunks(value, '', opts.sortKeys ?? true);
  yield '\n';
}

/** A UUID derived from the report content: unique per distinct report, identical for identical input (golden files). */
export function reportUuid(report: ScanReport, salt: string): string {
  const h = createHash('sha256').update(salt).update('\0').update(JSON.stringify(report)).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function shortHash(text: string, len = 16): string {
  return createHash('sha256').update(text).digest('hex').slice(0, len);
}

/** The CVSS score that gave the finding its severity (severitySource "cvss:3.1:nvd"), else the best v3.1/v4/v3.0 one. */
export function ratingScore(f: VulnerabilityFinding): CvssScore | undefined {
  const m = /^cvss:([0-9.]+):(.*)$/.exec(f.severitySource);
  if (m) {
    const hit = f.cvss.find((c) => c.version === m[1] && c.source === m[2]);
    if (hit) return hit;
  }
  for (const v of ['3.1', '4.0', '3.0'] as const) {
    const hit = f.cvss.find((c) => c.version === v);
    if (hit) return hit;
  }
  return undefined;
}

// GitHub code scanning reads `security-severity` as a CVSS-like number; these are the values Trivy uses when a
// finding has a rating but no score.
const SEVERITY_SCORE: Record<Severity, number> = { critical: 9.5, high: 8.0, medium: 5.5, low: 2.0, negligible: 0.5, unknown: 0.0 };

/** The CVSS-like number GitHub reads as `security-severity` for a bare severity (config findings have no score). */
export function severityScore(s: Severity): string {
  return SEVERITY_SCORE[s].toFixed(1);
}

export function securitySeverity(f: VulnerabilityFinding): string {
  const s = ratingScore(f);
  if (s && severityFromScore(s.baseScore) === f.severity) return s.baseScore.toFixed(1);
  return SEVERITY_SCORE[f.severity].toFixed(1);
}

/** Human status label, in Trivy's words: fixed, affected, will_not_fix, unknown (or suppressed). */
export function statusLabel(f: VulnerabilityFinding): string {
  if (f.suppressed) return 'suppressed';
  if (f.matchStatus === 'unknown') return 'unknown';
  switch (f.fixState) {
    case 'fixed':
      return 'fixed';
    case 'not-fixed':
      return 'affected';
    case 'wont-fix':
      return 'will_not_fix';
    default:
      return 'unknown';
  }
}

export function severityLabel(s: Severity): string {
  return parseSeverity(s) === s ? s.toUpperCase() : 'UNKNOWN';
}

/** Stable order for packages in outputs: type, name, version, purl, first path. */
export function comparePackages(a: Package, b: Package): number {
  return (
    cmp(a.type, b.type) || cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.purl, b.purl) ||
    cmp(a.locations[0]?.path ?? '', b.locations[0]?.path ?? '')
  );
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface SpdxLicense {
  /** Valid SPDX expression (possibly with LicenseRef- ids). */
  expression: string;
  /** Present when the raw string was not a valid SPDX expression and was turned into a LicenseRef. */
  extracted?: { id: string; name: string };
}

/** Maps a raw license string to an SPDX expression; non-SPDX names become `LicenseRef-<name>`. */
export function toSpdxLicense(raw: string): SpdxLicense {
  const trimmed = raw.trim();
  if (isSpdxExpression(trimmed)) return { expression: trimmed };
  const id = `LicenseRef-${trimmed.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown'}`;
  return { expression: id, extracted: { id, name: trimmed } };
}

export function isSpdxExpression(s: string): boolean {
  if (s.length === 0 || s.length > 1000) return false;
  try {
    parseSpdx(s);
    return true;
  } catch {
    return false;
  }
}

/** True when the expression is a single SPDX license id (no operators). */
export function isSpdxId(s: string): boolean {
  if (!isSpdxExpression(s)) return false;
  const ast = parseSpdx(s) as { license?: string; plus?: boolean; exception?: string };
  return typeof ast.license === 'string' && !ast.plus && !ast.exception && !ast.license.startsWith('LicenseRef-');
}
