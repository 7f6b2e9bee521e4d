/** One control of a framework, as data. */
export interface ControlSpec {
  /** Control id as the framework numbers it: "5.2.2", "8.1.4.2", "pod-security". */
  readonly id: string;
  readonly title: string;
  /** Chinese title (MLPS 2.0 / 等保2.0 controls). */
  readonly titleZh?: string;
  /**
   * Rules mapped here besides those whose `frameworks` metadata names this control: gaps filled where the mapping is
   * certain (each listed in the folder README).
   */
  readonly rules?: readonly string[];
}

/** A compliance framework: metadata plus its controls, one folder per framework (`<id>/index.ts`). */
export interface FrameworkSpec {
  /** Folder name and CLI name: "cis-kubernetes", "nsa-cisa", "pci-dss", "mlps-2.0". */
  readonly id: string;
  readonly name: string;
  readonly nameZh?: string;
  readonly version: string;
  /** `framework` values in rule metadata that mean this framework ("cis-kubernetes-1.9"). */
  readonly metadataIds: readonly string[];
  readonly controls: readonly ControlSpec[];
  readonly references: readonly string[];
}

export type ControlStatus = 'pass' | 'fail' | 'not-applicable';

export interface ControlEvidence {
  resource: string;
  ruleId: string;
  file: string;
  line: number;
  message: string;
}

export interface ControlResult {
  id: string;
  title: string;
  titleZh?: string;
  status: ControlStatus;
  /** Every rule that checks this control. */
  rules: string[];
  /** Resources at least one of the rules applies to. */
  applicableResources: number;
  /** Applicable resources with no finding of the control's rules. */
  passingResources: number;
  /** One entry per finding (fail only). */
  failing: ControlEvidence[];
}

export interface ComplianceReport {
  schemaVersion: 1;
  framework: { id: string; name: string; nameZh?: string; version: string };
  summary: { pass: number; fail: number; notApplicable: number; total: number };
  controls: ControlResult[];
}
