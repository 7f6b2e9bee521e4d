import type { ConfigFinding, InputError } from '@bulwark/core';
import { runRulesDetailed } from '../engine/finding.js';
import type { DocPath, Fix } from '../rules/types.js';
import { kubernetesRules } from '../rules/kubernetes/registry.js';
import { parseKubernetes } from './parse.js';
import type { K8sResource, ParseOptions } from './parse.js';
import type { K8sRule } from './rule.js';

/** A fixable finding with its fix and the object it applies to (fix paths are relative to `resource.object`). */
export interface KubernetesFix {
  finding: ConfigFinding;
  fix: Fix;
  resource: K8sResource;
  /** Position of the resource among the resources of its document (0 unless the document is a `List`). */
  ordinal: number;
  /** Field the violation is about (relative to `resource.object`), when the rule named one. */
  path?: DocPath;
}

export interface ScanResult {
  findings: ConfigFinding[];
  errors: InputError[];
  /** The findings that carry a mechanical fix, with the fix (ConfigFinding only says `fixable`). */
  fixes: KubernetesFix[];
}

/** Parses every file, then runs every rule on every object (cross-object rules see the whole set). Pure. */
export function scanKubernetesFiles(
  files: readonly { path: string; content: Buffer }[],
  rules: readonly K8sRule[] = kubernetesRules,
  opts: ParseOptions & { onRuleError?: (rule: string, e: unknown) => void } = {},
): ScanResult {
  const errors: InputError[] = [];
  const resources: { resource: K8sResource; ordinal: number }[] = [];
  for (const f of files) {
    const r = parseKubernetes(f.path, f.content, opts);
    if (!r.ok) {
      errors.push(r.error);
      continue;
    }
    let doc = -1;
    let ordinal = 0;
    for (const resource of r.value) {
      ordinal = resource.docIndex === doc ? ordinal + 1 : 0;
      doc = resource.docIndex;
      resources.push({ resource, ordinal });
    }
  }
  return { ...scanKubernetesResources(resources, rules, opts), errors };
}

/** Runs every rule on every resource (cross-object rules see the whole set). Pure. */
export function scanKubernetesResources(
  resources: readonly { resource: K8sResource; ordinal: number }[],
  rules: readonly K8sRule[] = kubernetesRules,
  opts: { onRuleError?: (rule: string, e: unknown) => void } = {},
): Omit<ScanResult, 'errors'> {
  const all = resources.map((x) => x.resource);
  const findings: ConfigFinding[] = [];
  const fixes: KubernetesFix[] = [];
  for (const { resource, ordinal } of resources) {
    const ctx = { file: resource.file, resource: resource.label, range: resource.range, rangeOf: resource.rangeOf };
    for (const { finding, violation } of runRulesDetailed(rules, { resource, resources: all }, ctx, opts.onRuleError)) {
      findings.push(finding);
      if (violation.fix) fixes.push({ finding, fix: violation.fix, resource, ordinal, ...(violation.path ? { path: violation.path } : {}) });
    }
  }
  return { findings, fixes };
}
