import { apkVersionMatch, isValidAlpineVersion } from './alpine/alpine.js';
import { canonicalGoSemver, isValidGoSemver, parseGoSemver, compareGoVersions } from './go/go.js';
import { compareNpmStrings, isValidNpmVersion, satisfiesRange } from './npm/npm.js';
import type { NpmOptions } from './npm/npm.js';
import { isValidPypiVersion, normalizePypiVersion } from './pypi/pypi.js';
import { compareVersions, schemeFor } from './registry.js';
import semverLib from 'semver';

/**
 * Runs version test vectors (shared/corpus/versions/README.md schema): one JSON record per line, each checked
 * against the scheme of its ecosystem. Pure: the caller reads the file.
 */
export interface VectorFailure {
  id: string;
  /** 1-based line number in the input. */
  line: number;
  /** What Bulwark answered ("<", "error: …", "valid", "satisfies"...). */
  got: string;
}

export interface VectorTally {
  passed: number;
  failed: number;
  failures: VectorFailure[];
}

export type VectorReport = Record<string, VectorTally>;

const MAX_LINE = 64 * 1024;
const MAX_FAILURES_KEPT = 1000;

interface VectorRecord {
  id?: string;
  ecosystem?: string;
  type?: string;
  a?: string;
  b?: string;
  op?: string;
  negated?: boolean;
  options?: NpmOptions;
  normalized?: string;
  range?: string;
  version?: string;
  satisfies?: boolean;
  valid?: boolean;
  canonical?: string;
  parsed?: { major: number; minor: number; patch: number; prerelease: (string | number)[]; build: string[] };
}

type Verdict = { pass: boolean; got: string };

const SYMBOL = { '-1': '<', '0': '=', '1': '>' } as const;

export function runVectors(lines: Iterable<string>, filter?: { ecosystem?: string }): VectorReport {
  const report: VectorReport = {};
  let lineNo = 0;
  for (const raw of lines) {
    lineNo++;
    const text = raw.trim();
    if (text === '') continue;
    let rec: VectorRecord;
    try {
      if (text.length > MAX_LINE) throw new Error('line too long');
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      rec = parsed as VectorRecord;
    } catch (e) {
      if (filter?.ecosystem === undefined) tally(report, '(unreadable)', { id: '', line: lineNo, got: `unreadable: ${String(e)}` });
      continue;
    }
    const ecosystem = typeof rec.ecosystem === 'string' ? rec.ecosystem : '(none)';
    if (filter?.ecosystem !== undefined && ecosystem !== filter.ecosystem) continue;
    let verdict: Verdict;
    try {
      verdict = check(ecosystem, rec);
    } catch (e) {
      verdict = { pass: false, got: `threw: ${e instanceof Error ? e.message : String(e)}` };
    }
    tally(report, ecosystem, verdict.pass ? undefined : { id: String(rec.id ?? ''), line: lineNo, got: verdict.got });
  }
  return report;
}

function tally(report: VectorReport, ecosystem: string, failure: VectorFailure | undefined): void {
  const t = (report[ecosystem] ??= { passed: 0, failed: 0, failures: [] });
  if (!failure) {
    t.passed++;
    return;
  }
  t.failed++;
  if (t.failures.length < MAX_FAILURES_KEPT) t.failures.push(failure);
}

function check(ecosystem: string, r: VectorRecord): Verdict {
  switch (r.type) {
    case 'compare':
      return checkCompare(ecosystem, r);
    case 'range':
      return checkRange(ecosystem, r);
    case 'valid':
      return checkValid(ecosystem, r);
    default:
      return { pass: false, got: `unsupported record type ${String(r.type)}` };
  }
}

function checkCompare(ecosystem: string, r: VectorRecord): Verdict {
  if (typeof r.a !== 'string' || typeof r.b !== 'string' || typeof r.op !== 'string') return { pass: false, got: 'malformed compare record' };
  const a = r.a;
  const b = r.b;
  const op = r.op;
  let holds: boolean;
  let got: string;
  if (ecosystem === 'Alpine' && (op === '~' || op === '<~' || op === '>~')) {
    holds = apkVersionMatch(a, op, b);
    got = holds ? op : `not ${op}`;
  } else {
    const c = compareFor(ecosystem, r);
    if (!c.ok) return { pass: false, got: `error: ${c.error}` };
    got = SYMBOL[String(c.value) as keyof typeof SYMBOL];
    if (op === '<') holds = c.value < 0;
    else if (op === '>') holds = c.value > 0;
    else if (op === '=') holds = c.value === 0;
    else if (op === '!=') holds = c.value !== 0;
    else return { pass: false, got: `unsupported operator ${op}` };
  }
  const pass = r.negated === true ? !holds : holds;
  if (!pass) return { pass, got };
  if (ecosystem === 'PyPI' && typeof r.normalized === 'string') {
    const n = normalizePypiVersion(a);
    if (n !== r.normalized) return { pass: false, got: `normalized ${String(n)}` };
  }
  return { pass, got };
}

function compareFor(ecosystem: string, r: VectorRecord): { ok: true; value: number } | { ok: false; error: string } {
  const a = r.a as string;
  const b = r.b as string;
  if (ecosystem === 'npm') {
    const c = compareNpmStrings(a, b, r.options ?? {});
    return c.ok ? c : { ok: false, error: c.error.message };
  }
  if (ecosystem === 'Go') {
    // golang.org/x/mod vectors: the leading "v" is part of the syntax.
    const x = parseGoSemver(a);
    const y = parseGoSemver(b);
    if (!x.ok) return { ok: false, error: x.error.message };
    if (!y.ok) return { ok: false, error: y.error.message };
    return { ok: true, value: compareGoVersions(x.value, y.value) };
  }
  if (!schemeFor(ecosystem)) return { ok: false, error: `no scheme for ${ecosystem}` };
  const c = compareVersions(ecosystem, a, b);
  return c.ok ? c : { ok: false, error: `${c.error.version}: ${c.error.message}` };
}

function checkRange(ecosystem: string, r: VectorRecord): Verdict {
  if (ecosystem !== 'npm') return { pass: false, got: `range records unsupported for ${ecosystem}` };
  if (typeof r.range !== 'string' || typeof r.version !== 'string') return { pass: false, got: 'malformed range record' };
  const s = satisfiesRange(r.version, r.range, r.options ?? {});
  if (!s.ok) return { pass: false, got: `error: ${s.error.message}` };
  return { pass: s.value === r.satisfies, got: s.value ? 'satisfies' : 'does not satisfy' };
}

function checkValid(ecosystem: string, r: VectorRecord): Verdict {
  if (typeof r.version !== 'string') return { pass: false, got: 'malformed valid record' };
  const v = r.version;
  let valid: boolean;
  switch (ecosystem) {
    case 'Alpine':
      valid = isValidAlpineVersion(v);
      break;
    case 'Go': {
      valid = isValidGoSemver(v);
      if (valid && r.canonical !== undefined && canonicalGoSemver(v) !== r.canonical) {
        return { pass: false, got: `canonical ${String(canonicalGoSemver(v))}` };
      }
      break;
    }
    case 'npm': {
      valid = isValidNpmVersion(v, r.options ?? {});
      if (valid && r.parsed) {
        const p = semverLib.parse(v, r.options ?? {});
        const same =
          p !== null &&
          p.major === r.parsed.major &&
          p.minor === r.parsed.minor &&
          p.patch === r.parsed.patch &&
          JSON.stringify(p.prerelease) === JSON.stringify(r.parsed.prerelease) &&
          JSON.stringify(p.build) === JSON.stringify(r.parsed.build);
        if (!same) return { pass: false, got: `parsed ${JSON.stringify(p)}` };
      }
      break;
    }
    case 'PyPI':
      valid = isValidPypiVersion(v);
      break;
    default: {
      const scheme = schemeFor(ecosystem);
      if (!scheme) return { pass: false, got: `no scheme for ${ecosystem}` };
      valid = scheme.parse(v).ok;
    }
  }
  return { pass: valid === r.valid, got: valid ? 'valid' : 'invalid' };
}
