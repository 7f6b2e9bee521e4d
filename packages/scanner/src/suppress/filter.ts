import type { Severity, VulnerabilityFinding } from '@bulwark/core';

export interface FilterOptions {
  /** Keep only these severities (all when absent or empty). */
  severities?: Severity[];
  /** Drop findings without a fixed version. */
  ignoreUnfixed?: boolean;
  /** Keep suppressed findings (hidden by default). */
  showSuppressed?: boolean;
}

export function filterFindings(findings: VulnerabilityFinding[], opts: FilterOptions = {}): VulnerabilityFinding[] {
  const sev = opts.severities && opts.severities.length > 0 ? new Set(opts.severities) : undefined;
  return findings.filter((f) => {
    if (f.suppressed && !opts.showSuppressed) return false;
    if (opts.ignoreUnfixed && f.fixState !== 'fixed') return false;
    if (sev && !sev.has(f.severity)) return false;
    return true;
  });
}

export interface ExitCodeOptions {
  /** Code to return when a gating finding exists (Trivy's --exit-code); 0 disables the gate. */
  exitCode: number;
  /** Severities that fail the gate (all when absent or empty). */
  severities?: Severity[];
  ignoreUnfixed?: boolean;
}

/** CI gate: `exitCode` when any unsuppressed finding of a gating severity remains, else 0. */
export function exitCodeFor(findings: VulnerabilityFinding[], opts: ExitCodeOptions): number {
  if (opts.exitCode === 0) return 0;
  const gating = filterFindings(findings, { severities: opts.severities, ignoreUnfixed: opts.ignoreUnfixed, showSuppressed: false });
  return gating.length > 0 ? opts.exitCode : 0;
}
