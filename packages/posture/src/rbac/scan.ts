import type { ConfigFinding, InputError } from '@bulwark/core';
import { findingOf } from '../engine/finding.js';
import { parseKubernetes } from '../kubernetes/parse.js';
import type { K8sResource, ParseOptions } from '../kubernetes/parse.js';
import { rbacRisks } from '../rules/kubernetes/rbac/risks.js';
import type { Rule, RuleMeta } from '../rules/types.js';
import { analyzeRbac } from './analyze.js';
import type { RbacReport } from './model.js';

/** Metadata of every RBAC rule (ids, aliases, frameworks): the `rbac` family of the Kubernetes registry. */
export const rbacRules: readonly RuleMeta[] = rbacRisks.map((r) => ({
  id: r.id, title: r.title, severity: r.severity, description: r.description, remediation: r.remediation,
  references: r.references, aliases: r.aliases, frameworks: r.frameworks, target: 'kubernetes' as const, tags: ['rbac'],
}));

export interface RbacScanResult {
  report: RbacReport;
  findings: ConfigFinding[];
  errors: InputError[];
}

/**
 * Parses manifests (limits and errors of `parseKubernetes`), analyzes them together and places risky grants on their
 * file and lines. The findings are those `scanKubernetesFiles` reports for the `rbac` family; the report adds
 * effective permissions and escalation paths.
 */
export function scanRbacFiles(files: readonly { path: string; content: Buffer | string }[], opts: ParseOptions = {}): RbacScanResult {
  const errors: InputError[] = [];
  const resources: K8sResource[] = [];
  for (const f of files) {
    const r = parseKubernetes(f.path, f.content, opts);
    if (r.ok) resources.push(...r.value);
    else errors.push(r.error);
  }
  const report = analyzeRbac(resources.map((r) => r.object));
  const meta = new Map(rbacRules.map((r) => [r.id, { ...r, check: () => [] }] as const));
  const findings = report.riskyGrants.map((g) => {
    const res = resources[g.index]!;
    const rule = meta.get(g.ruleId)! as Rule<unknown>;
    return findingOf(rule, { message: g.message, path: g.path }, { file: res.file, resource: res.label, range: res.range, rangeOf: res.rangeOf });
  });
  return { report, findings, errors };
}
