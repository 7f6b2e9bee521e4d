import type { ConfigFinding, FrameworkControl, ScanStatus, Severity } from '@bulwark/core';

/** A rule as config reports describe it (the posture library's RuleMeta, copied so reports stand alone). */
export interface ConfigRuleInfo {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  remediation: string;
  references: string[];
  aliases: string[];
  frameworks: FrameworkControl[];
  /** kubernetes, dockerfile, terraform, cloudformation, compose. */
  targets: string[];
}

/** Why a finding is hidden: an entry of the ignore file matched its rule id or an alias (and path). */
export interface ConfigSuppression {
  by: 'ignore-file';
  source: string;
  reason?: string;
}

export interface ReportedConfigFinding extends ConfigFinding {
  suppressed?: ConfigSuppression;
}

/** What `bulwark scan config` and `bulwark scan k8s --snapshot` write as JSON (config-report.schema.json). */
export interface ConfigReport {
  schemaVersion: 1;
  reportType: 'config';
  tool: { name: 'bulwark'; version: string };
  createdAt: string;
  target: { kind: 'config' | 'k8s-snapshot' | 'k8s-cluster'; name: string };
  /** Every file scanned, path relative to the target, with the type detected. */
  files: { path: string; type: string }[];
  /** Sorted by file, line, rule id. Suppressed findings stay, marked. */
  findings: ReportedConfigFinding[];
  /** Every rule that has a finding in `findings`, by id. */
  rules: ConfigRuleInfo[];
  summary: ConfigSummary;
  status: ScanStatus;
}

export interface ConfigSummary {
  files: number;
  filesWithFindings: number;
  /** Findings not suppressed. */
  findings: number;
  suppressed: number;
  bySeverity: Record<Severity, number>;
}
