import type { Severity } from '@bulwark/core';
import type { FindingStatus, FindingType } from '../storage/types.js';

export type ReportKind = 'vulnerabilities' | 'posture' | 'compliance';
export const REPORT_KINDS: readonly ReportKind[] = ['vulnerabilities', 'posture', 'compliance'];

/** Finding types each kind covers (posture: misconfigurations and exposed secrets; compliance: configuration rules). */
export const KIND_TYPES: Readonly<Record<ReportKind, readonly FindingType[]>> = {
  vulnerabilities: ['vulnerability'],
  posture: ['config', 'secret'],
  compliance: ['config'],
};

/**
 * What a report covers.
 * - `tenant`: every finding of the tenant (within the caller's asset groups).
 * - `image` by `target`: findings whose scan target is this image reference ("registry.example/app:1.2"), as given
 *   or as `image:<reference>` (how `bulwark scan image --upload` names it).
 * - `image` by `assetId`: findings on this image asset and on packages `installed-in` it.
 * - `cluster` by `name`: findings whose asset key or scan target (a scheme such as "k8s:" dropped) is `cluster/<name>`
 *   or starts with `cluster/<name>/`, and findings on the images `used-by` its workloads and their packages.
 */
export type ReportScope = { type: 'tenant' } | { type: 'image'; target: string } | { type: 'image'; assetId: number } | { type: 'cluster'; name: string };

export interface ReportRequest {
  scope: ReportScope;
  kind: ReportKind;
  /** Compliance framework id or alias ("cis-kubernetes", "mlps", "等保2.0"); required for, and only for, `compliance`. */
  framework?: string;
  /** The caller's asset-group scope; undefined = whole tenant (passed to every store query as `assetGroups`). */
  assetGroups?: number[];
}

export type SeverityCounts = Record<Severity, number>;

export interface ReportSummary {
  /** Findings of the kind's types in scope, every status. */
  total: number;
  byStatus: Record<FindingStatus, number>;
  open: {
    total: number;
    bySeverity: SeverityCounts;
    byType: Partial<Record<FindingType, number>>;
    kev: number;
    fixAvailable: number;
  };
}

export interface ReportFindingRow {
  id: number;
  ruleId: string;
  title: string;
  severity: Severity;
  priority: number;
  type: FindingType;
  kev: boolean;
  fixAvailable: boolean;
  /** Asset key ("cluster/prod/ns/shop/deployment/web", "pkg:npm/lodash@4.17.20"). */
  asset: string;
  target: string;
  firstSeen: string;
}

export interface ReportTargetRow {
  target: string;
  total: number;
  open: number;
  fixed: number;
  /** Open findings by severity. */
  bySeverity: SeverityCounts;
}

export type ControlState = 'pass' | 'fail' | 'not-evaluated';

export interface ReportControl {
  id: string;
  title: string;
  titleZh?: string;
  status: ControlState;
  rules: string[];
  /** Open findings of the control's rules in scope (the failures). */
  open: number;
  /** Suppressed or risk-accepted findings of its rules. */
  excepted: number;
  fixed: number;
  /** Open findings, most severe first, at most `failingShown` of `open`. */
  failing: Array<{ findingId: number; ruleId: string; severity: Severity; resource: string; target: string }>;
}

export interface ReportCompliance {
  framework: { id: string; name: string; nameZh?: string; version: string };
  summary: { pass: number; fail: number; notEvaluated: number; total: number };
  controls: ReportControl[];
}

/** The plain model every format renders; no format adds or recomputes a number. */
export interface ReportData {
  schemaVersion: 1;
  title: string;
  kind: ReportKind;
  tenant: { id: number; slug: string; name: string };
  /** ISO 8601 UTC instant. */
  generatedAt: string;
  scope: ReportScope;
  /** Human description of the scope, naming the rule used to select findings. */
  scopeDescription: string;
  /** Asset groups the report was limited to; undefined = whole tenant. */
  assetGroups?: number[];
  types: FindingType[];
  summary: ReportSummary;
  /** Open findings by priority (highest first). */
  topFindings: ReportFindingRow[];
  /** Per scan target, most open findings first; `targetsTotal` counts every target, `targets` the first rows. */
  targets: ReportTargetRow[];
  targetsTotal: number;
  compliance?: ReportCompliance;
}
