import type { ConfigFinding, FrameworkControl, Severity, SourceRange } from '@bulwark/core';

/** What a rule inspects. Each family parses its files into its own typed input. */
export type RuleTarget = 'kubernetes' | 'dockerfile' | 'terraform' | 'cloudformation' | 'compose';

/** A path into a parsed document: keys and array indexes ("spec", "template", "spec", "containers", 0, "image"). */
export type DocPath = readonly (string | number)[];

/** A mechanical correction `--fix` can apply. */
export type Fix =
  /** Set (create when absent) a field of a YAML/JSON document, keeping every other field and comment. */
  | { kind: 'set'; path: DocPath; value: unknown }
  /** Remove a field. */
  | { kind: 'delete'; path: DocPath }
  /** Replace whole lines of a text file (Dockerfile). */
  | { kind: 'lines'; range: SourceRange; replacement: string[] };

export interface RuleMeta {
  /** Stable id: "BLW-K8S-016", "BLW-DF-003", "BLW-AWS-S3-001". Never reused. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  readonly remediation: string;
  readonly references: readonly string[];
  /**
   * Equivalent rule ids of peers, so users carry suppressions over and corpora score through them:
   * Trivy (KSV017, AVD-KSV-0017, KCV0001, DS002, AVD-AWS-0086), Checkov (CKV_K8S_16), Kubescape (C-0057 and the
   * regolibrary rule name), kube-score check ids, kube-linter check names, Hadolint (DL3007), Pod Security
   * ("pss-baseline:privileged").
   */
  readonly aliases: readonly string[];
  readonly frameworks: readonly FrameworkControl[];
  readonly target: RuleTarget;
  readonly tags?: readonly string[];
}

/** One violation a rule reports on its input; the engine turns it into a ConfigFinding with file and lines. */
export interface Violation {
  message: string;
  /** Field the violation is about; the engine maps it to lines (nearest existing ancestor when absent). */
  path?: DocPath;
  /** Explicit lines, when the rule knows them (Dockerfile instructions). */
  range?: SourceRange;
  /** Overrides the input's resource label. */
  resource?: string;
  fix?: Fix;
}

/** A rule: metadata plus one pure check over a typed input (no I/O). */
export interface Rule<Input> extends RuleMeta {
  check(input: Input): Violation[];
}

export type { ConfigFinding };
