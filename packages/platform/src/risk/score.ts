// The risk priority of one finding: severity (CVSS), likelihood (EPSS, KEV), actionability (fix), reachability
// (exposure), business impact (asset criticality) and compliance weight, each an explained factor. Pure.
import type { Severity } from '@bulwark/core';
import type { Criticality, PriorityFactor } from '../storage/types.js';

/** How reachable and how powerful the workload running the finding's asset is (SSVC's "exposure" and "technical impact"). */
export interface Exposure {
  /** Reachable from outside: a LoadBalancer Service, an Ingress, or an external IP routes to it. */
  internetFacing?: boolean;
  /** Reachable on the nodes' addresses: a NodePort Service or a container hostPort. */
  nodePort?: boolean;
  /** A container runs privileged. */
  privileged?: boolean;
  /** What of the host it shares: "hostNetwork", "hostPID", "hostIPC", "hostPath /var/run/docker.sock". */
  hostAccess?: string[];
  /** How many workloads were combined (worst case of each); 1 when absent. */
  workloads?: number;
}

export interface PriorityInput {
  severity: Severity;
  /** CVSS base score 0–10; when absent the severity stands in for it. */
  cvss?: number | null;
  /** EPSS probability of exploitation in the next 30 days, 0–1. */
  epss?: number | null;
  /** Listed in CISA's Known Exploited Vulnerabilities catalog. */
  kev?: boolean;
  fixAvailable?: boolean;
  /** Lowest fixed version, for the explanation ("fix available in 2.17.1"). */
  fixedVersion?: string;
  /** Undefined when unknown (no workload context): the factor then weighs 0. */
  exposure?: Exposure;
  /** Default 'medium' (the store's default). */
  criticality?: Criticality;
  /** Where the criticality came from when not the finding's own asset: "workload web". */
  criticalityFrom?: string;
  /** Compliance controls the finding's rule maps to (CIS, NSA, PCI…). */
  complianceControls?: number;
}

export interface Priority {
  /** 0–100, one decimal. */
  score: number;
  /** cvss, epss, kev, fix, exposure, criticality, compliance — always all seven, in this order; weights add up to the score. */
  factors: PriorityFactor[];
}

/** The most each additive factor can give; they add up to 100. */
export const PRIORITY_WEIGHTS = Object.freeze({
  cvss: 35,
  epss: 15,
  kev: 20,
  fix: 5,
  exposure: 15,
  compliance: 10,
});

/** Exposure points (capped at `PRIORITY_WEIGHTS.exposure`). */
export const EXPOSURE_POINTS = Object.freeze({ internetFacing: 10, nodePort: 5, privileged: 3, hostAccess: 2 });

/** Points per compliance control (capped at `PRIORITY_WEIGHTS.compliance`). */
export const POINTS_PER_CONTROL = 2;

/** Multiplier of the additive sum, like CVSS's environmental security requirements (×1.5 / ×1 / ×0.5), milder. */
export const CRITICALITY_MULTIPLIER: Readonly<Record<Criticality, number>> = Object.freeze({ critical: 1.25, high: 1.1, medium: 1, low: 0.75 });

/** The CVSS v3 band midpoint a severity stands for when no score is known. */
export const SEVERITY_AS_CVSS: Readonly<Record<Severity, number>> = Object.freeze({ critical: 9.5, high: 8, medium: 5.5, low: 2, negligible: 0.5, unknown: 5 });

/** EPSS is heavily skewed (most scores < 0.01): a log scale spreads it, 0.01 → 0.15, 0.1 → 0.52, 0.5 → 0.85, 1 → 1. */
export function epssScale(p: number): number {
  return Math.min(1, Math.log10(1 + 99 * p) / 2);
}

function finite(v: unknown, min: number, max: number): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : undefined;
}

function epssText(p: number): string {
  if (p === 0) return '0';
  if (p >= 0.01) return String(Number(p.toFixed(2)));
  return String(Number(p.toPrecision(2)));
}

function list(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function exposureFactor(e: Exposure | undefined): { points: number; detail: string } {
  if (!e) return { points: 0, detail: 'exposure unknown: no workload runs it in this scan' };
  const host = [...new Set(e.hostAccess ?? [])];
  const traits: string[] = [];
  let points = 0;
  if (e.privileged) {
    traits.push('privileged');
    points += EXPOSURE_POINTS.privileged;
  }
  if (e.internetFacing) {
    traits.push('internet-facing');
    points += EXPOSURE_POINTS.internetFacing;
  } else if (e.nodePort) {
    traits.push('exposed on node ports');
    points += EXPOSURE_POINTS.nodePort;
  }
  if (host.length > 0) points += EXPOSURE_POINTS.hostAccess;
  const n = e.workloads ?? 1;
  const who = n > 1 ? `worst of ${n} workloads` : 'workload';
  const is = traits.length > 0 ? `is ${list(traits)}` : '';
  const has = host.length > 0 ? `has host access (${host.join(', ')})` : '';
  const detail = is && has ? `${who} ${is}, and ${has}` : is || has ? `${who} ${is || has}` : `${who} is not exposed outside the cluster and not privileged`;
  return { points: Math.min(points, PRIORITY_WEIGHTS.exposure), detail };
}

/**
 * Scores one finding 0–100 (one decimal). The additive factors (CVSS 35, EPSS 15, KEV 20, fix 5, exposure 15,
 * compliance 10) sum to at most 100; asset criticality then multiplies the sum (critical ×1.25 … low ×0.75) and the
 * result is capped at 100. Each factor's weight is its contribution in points (criticality's is the change it made),
 * computed in tenths so the weights add up exactly to the score. See README.md for the rationale.
 */
export function scorePriority(input: PriorityInput): Priority {
  const tenths = (x: number): number => Math.round(x * 10);
  const factors: { name: string; w: number; detail: string }[] = [];

  const cvss = finite(input.cvss, 0, 10);
  const asCvss = cvss ?? SEVERITY_AS_CVSS[input.severity] ?? SEVERITY_AS_CVSS.unknown;
  factors.push({
    name: 'cvss',
    w: tenths((asCvss / 10) * PRIORITY_WEIGHTS.cvss),
    detail: cvss !== undefined ? `CVSS ${cvss.toFixed(1)}` : `no CVSS score; severity ${input.severity} counts as ${asCvss.toFixed(1)}`,
  });

  const epss = finite(input.epss, 0, 1);
  factors.push({
    name: 'epss',
    w: epss === undefined ? 0 : tenths(epssScale(epss) * PRIORITY_WEIGHTS.epss),
    detail: epss === undefined ? 'no EPSS score' : `EPSS ${epssText(epss)}`,
  });

  factors.push({ name: 'kev', w: input.kev ? tenths(PRIORITY_WEIGHTS.kev) : 0, detail: input.kev ? 'in CISA KEV' : 'not in CISA KEV' });

  factors.push({
    name: 'fix',
    w: input.fixAvailable ? tenths(PRIORITY_WEIGHTS.fix) : 0,
    detail: input.fixAvailable ? (input.fixedVersion ? `fix available in ${input.fixedVersion}` : 'fix available') : 'no fix available',
  });

  const exp = exposureFactor(input.exposure);
  factors.push({ name: 'exposure', w: tenths(exp.points), detail: exp.detail });

  const controls = Math.max(0, Math.floor(finite(input.complianceControls, 0, 1e6) ?? 0));
  factors.push({
    name: 'compliance',
    w: tenths(Math.min(PRIORITY_WEIGHTS.compliance, controls * POINTS_PER_CONTROL)),
    detail: controls === 0 ? 'maps to no compliance control' : `maps to ${controls} compliance control${controls === 1 ? '' : 's'}`,
  });

  const base = factors.reduce((s, f) => s + f.w, 0);
  const criticality: Criticality = input.criticality && input.criticality in CRITICALITY_MULTIPLIER ? input.criticality : 'medium';
  const final = Math.min(1000, Math.max(0, Math.round(base * CRITICALITY_MULTIPLIER[criticality])));
  factors.splice(5, 0, {
    name: 'criticality',
    w: final - base,
    detail: `asset criticality ${criticality}${input.criticalityFrom ? ` (from ${input.criticalityFrom})` : ''}`,
  });

  return { score: final / 10, factors: factors.map((f) => ({ name: f.name, weight: f.w / 10, detail: f.detail })) };
}
