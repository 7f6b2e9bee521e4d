import type { ConfigFinding } from '@bulwark/core';
import { ruleCatalog } from '../config-scan/catalog.js';
import type { CatalogRule } from '../config-scan/catalog.js';
import type { ScannedResource } from '../config-scan/inventory.js';
import type { ComplianceReport, ControlEvidence, ControlResult, ControlSpec, FrameworkSpec } from './types.js';

const WORKLOAD_KINDS = new Set(['Pod', 'PodTemplate', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const CONTROL_PLANE = new Set(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet']);

/** Rule ids per control: the rules' metadata plus the framework's own additions. */
export function controlRules(framework: FrameworkSpec, rules: readonly CatalogRule[]): Map<string, string[]> {
  const out = new Map<string, string[]>(effectiveControls(framework, rules).map((c) => [c.id, [...(c.rules ?? [])]]));
  for (const r of rules) {
    for (const f of r.frameworks) {
      if (!framework.metadataIds.includes(f.framework)) continue;
      const list = out.get(f.control);
      if (list && !list.includes(r.id)) list.push(r.id);
    }
  }
  for (const list of out.values()) list.sort();
  return out;
}

function compareControlIds(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const d = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The framework's controls plus any control that rule metadata names but the framework data does not list yet
 * (a rule family added after the data was written): evaluated too, titled from the rule, so no mapping is lost.
 */
export function effectiveControls(framework: FrameworkSpec, rules: readonly CatalogRule[]): ControlSpec[] {
  const listed = new Set(framework.controls.map((c) => c.id));
  const extra = new Map<string, ControlSpec>();
  for (const r of rules) {
    for (const f of r.frameworks) {
      if (!framework.metadataIds.includes(f.framework) || listed.has(f.control)) continue;
      if (!extra.has(f.control)) extra.set(f.control, { id: f.control, title: `${r.title} (title from rule ${r.id})` });
    }
  }
  return [...framework.controls, ...[...extra.values()].sort((a, b) => compareControlIds(a.id, b.id))];
}

/**
 * Whether a rule looks at a resource at all. Cloud rules: their resource types. Kubernetes: control-plane rules
 * need the component's static pod or KubeletConfiguration; RBAC rules need roles and bindings (workloads for the
 * analyzer's workload rule); PodSecurityPolicy rules need a PSP; the rest run on workloads. Dockerfile and compose
 * rules on every file of their kind.
 */
export function ruleApplies(rule: CatalogRule, res: ScannedResource): boolean {
  if (!rule.targets.includes(res.target)) return false;
  if (rule.resourceTypes) return rule.resourceTypes.includes(res.type);
  if (res.target !== 'kubernetes') return true;
  const tags = rule.tags ?? [];
  if (tags.includes('control-plane')) {
    const comp = tags.find((t) => CONTROL_PLANE.has(t));
    return comp !== undefined && (res.components ?? []).includes(comp);
  }
  // the RBAC family's workload rule ("Workload runs with a service account that...") looks at workloads
  if (tags.includes('rbac')) return RBAC_KINDS.has(res.type) || (/^Workload/.test(rule.title) && WORKLOAD_KINDS.has(res.type));
  if (tags.includes('psp')) return res.type === 'PodSecurityPolicy';
  return WORKLOAD_KINDS.has(res.type);
}

function key(file: string, resource: string): string {
  return `${file}\0${resource}`;
}

/**
 * Evaluates each control of a framework on a scan: fail when a finding of one of its rules remains (suppressed
 * findings should be removed by the caller), pass when at least one resource was checked by its rules and none
 * failed, not-applicable when none of its rules had a resource to look at.
 */
export function evaluateCompliance(
  framework: FrameworkSpec,
  findings: readonly ConfigFinding[],
  resources: readonly ScannedResource[],
  rules: readonly CatalogRule[] = ruleCatalog(),
): ComplianceReport {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const mapping = controlRules(framework, rules);
  const findingsByRule = new Map<string, ConfigFinding[]>();
  for (const f of findings) (findingsByRule.get(f.ruleId) ?? findingsByRule.set(f.ruleId, []).get(f.ruleId)!).push(f);
  const controls: ControlResult[] = effectiveControls(framework, rules).map((c) => {
    const ruleIds = mapping.get(c.id) ?? [];
    const applicable = new Set<string>();
    const failing: ControlEvidence[] = [];
    const failed = new Set<string>();
    for (const id of ruleIds) {
      const rule = byId.get(id);
      if (rule) for (const res of resources) if (ruleApplies(rule, res)) applicable.add(key(res.file, res.name));
      for (const f of findingsByRule.get(id) ?? []) {
        const resource = f.resource ?? f.file;
        failing.push({ resource, ruleId: f.ruleId, file: f.file, line: f.range.startLine, message: f.message });
        failed.add(key(f.file, resource));
        applicable.add(key(f.file, resource));
      }
    }
    failing.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)));
    const status = failing.length > 0 ? 'fail' : applicable.size > 0 ? 'pass' : 'not-applicable';
    return {
      id: c.id,
      title: c.title,
      ...(c.titleZh ? { titleZh: c.titleZh } : {}),
      status,
      rules: ruleIds,
      applicableResources: applicable.size,
      passingResources: [...applicable].filter((k) => !failed.has(k)).length,
      failing,
    };
  });
  const count = (s: ControlResult['status']): number => controls.filter((c) => c.status === s).length;
  return {
    schemaVersion: 1,
    framework: { id: framework.id, name: framework.name, ...(framework.nameZh ? { nameZh: framework.nameZh } : {}), version: framework.version },
    summary: { pass: count('pass'), fail: count('fail'), notApplicable: count('not-applicable'), total: controls.length },
    controls,
  };
}
