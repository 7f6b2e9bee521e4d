import type { ConfigFinding, InputError } from '@bulwark/core';
import { runRules } from '../engine/finding.js';
import { kubernetesRules } from '../rules/kubernetes/registry.js';
import { parseKubernetes } from './parse.js';
import type { K8sResource, ParseOptions } from './parse.js';
import type { K8sRule } from './rule.js';

export interface ScanResult {
  findings: ConfigFinding[];
  errors: InputError[];
}

/** Parses every file, then runs every rule on every object (cross-object rules see the whole set). Pure. */
export function scanKubernetesFiles(
  files: readonly { path: string; content: Buffer }[],
  rules: readonly K8sRule[] = kubernetesRules,
  opts: ParseOptions & { onRuleError?: (rule: string, e: unknown) => void } = {},
): ScanResult {
  const errors: InputError[] = [];
  const resources: K8sResource[] = [];
  for (const f of files) {
    const r = parseKubernetes(f.path, f.content, opts);
    if (r.ok) resources.push(...r.value);
    else errors.push(r.error);
  }
  const findings: ConfigFinding[] = [];
  for (const resource of resources) {
    findings.push(
      ...runRules(rules, { resource, resources }, { file: resource.file, resource: resource.label, range: resource.range, rangeOf: resource.rangeOf }, opts.onRuleError),
    );
  }
  return { findings, errors };
}
