import { createRequire } from 'node:module';
import { severityFromScore, type CvssScore, type Severity } from '@bulwark/core';

// ae-cvss-calculator ({metæffekt}, Apache-2.0) implements the FIRST equations for 2.0/3.0/3.1 and the
// 4.0 macro-vector lookup table; it ships a CommonJS bundle, hence createRequire.
interface Calculator {
  calculateScores(normalize?: boolean): { base?: number; baseMetricsOnly?: number };
}
type CalculatorClass = new (vector: string) => Calculator;
const lib = createRequire(import.meta.url)('ae-cvss-calculator') as Record<string, CalculatorClass>;

type Version = CvssScore['version'];

/** Base metrics each version requires, with their allowed values (the library accepts anything). */
const BASE: Record<Version, Record<string, string>> = {
  '2.0': { AV: 'LAN', AC: 'HML', Au: 'MSN', C: 'NPC', I: 'NPC', A: 'NPC' },
  '3.0': { AV: 'NALP', AC: 'LH', PR: 'NLH', UI: 'NR', S: 'UC', C: 'HLN', I: 'HLN', A: 'HLN' },
  '3.1': { AV: 'NALP', AC: 'LH', PR: 'NLH', UI: 'NR', S: 'UC', C: 'HLN', I: 'HLN', A: 'HLN' },
  '4.0': { AV: 'NALP', AC: 'LH', AT: 'NP', PR: 'NLH', UI: 'NPA', VC: 'HLN', VI: 'HLN', VA: 'HLN', SC: 'HLN', SI: 'HLN', SA: 'HLN' },
};

const CLASS: Record<Version, string> = { '2.0': 'Cvss2', '3.0': 'Cvss3P0', '3.1': 'Cvss3P1', '4.0': 'Cvss4P0' };

export interface ParsedVector {
  version: Version;
  /** The vector as given, without surrounding whitespace or v2 parentheses. */
  vector: string;
  metrics: Map<string, string>;
}

/** Splits and checks a vector: known version, every base metric once with an allowed value. */
export function parseCvssVector(raw: string): ParsedVector | undefined {
  let v = raw.trim();
  if (v.length === 0 || v.length > 512) return undefined;
  if (v.startsWith('(') && v.endsWith(')')) v = v.slice(1, -1);
  let version: Version;
  let body: string;
  const m = /^CVSS:(2\.0|3\.0|3\.1|4\.0)\/(.*)$/.exec(v);
  if (m) {
    version = m[1] as Version;
    body = m[2];
  } else if (/^AV:[LAN]\//.test(v)) {
    version = '2.0';
    body = v;
  } else {
    return undefined;
  }
  const metrics = new Map<string, string>();
  for (const part of body.split('/')) {
    const kv = /^([A-Za-z]+):([A-Za-z]+)$/.exec(part);
    if (!kv || metrics.has(kv[1])) return undefined;
    metrics.set(kv[1], kv[2]);
  }
  for (const [key, allowed] of Object.entries(BASE[version])) {
    const value = metrics.get(key);
    if (value === undefined || value.length !== 1 || !allowed.includes(value)) return undefined;
  }
  return { version, vector: v, metrics };
}

function v2Severity(score: number): Severity {
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return score > 0 ? 'low' : 'negligible';
}

/** Base metrics only, in the order the specification lists them (drops temporal/environmental/threat). */
function baseVector(p: ParsedVector): string {
  const parts = Object.keys(BASE[p.version]).map((k) => `${k}:${p.metrics.get(k)}`);
  return p.version === '2.0' ? parts.join('/') : `CVSS:${p.version}/${parts.join('/')}`;
}

/**
 * Base score of a CVSS v2, v3.0, v3.1 or v4.0 vector (CVSS-B for 4.0: base metrics only, whatever
 * threat/environmental metrics the vector carries). Undefined when the vector is not a valid one.
 */
export function scoreCvss(vector: string, source: string): CvssScore | undefined {
  const p = parseCvssVector(vector);
  if (!p) return undefined;
  let base: number | undefined;
  try {
    const calc = new lib[CLASS[p.version]](baseVector(p));
    base = calc.calculateScores().base;
  } catch {
    return undefined;
  }
  if (typeof base !== 'number' || !Number.isFinite(base) || base < 0 || base > 10) return undefined;
  const baseScore = Math.round(base * 10) / 10;
  return {
    version: p.version,
    vector: p.vector,
    baseScore,
    severity: p.version === '2.0' ? v2Severity(baseScore) : severityFromScore(baseScore),
    source,
  };
}
