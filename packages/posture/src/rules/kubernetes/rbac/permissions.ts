import type { K8sResource } from '../../../kubernetes/parse.js';
import { isRecord } from '../../../kubernetes/workload.js';

/** A permission to look for: any of `verbs` on any of `resources` (with their API group). */
export interface Permission {
  verbs: readonly string[];
  resources: readonly { group: string; resource: string }[];
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  index: number;
}

function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

export function rulesOf(role: K8sResource): PolicyRule[] {
  const rules = role.object.rules;
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((r, index) => (isRecord(r) ? [{ apiGroups: strs(r.apiGroups), resources: strs(r.resources), verbs: strs(r.verbs), index }] : []));
}

/** Indexes of the role's rules that grant the permission (wildcards included). */
export function grants(role: K8sResource, p: Permission): number[] {
  return rulesOf(role)
    .filter((r) => {
      const verbOk = r.verbs.includes('*') || p.verbs.some((v) => r.verbs.includes(v));
      const resOk = p.resources.some(
        (x) => (r.apiGroups.includes('*') || r.apiGroups.includes(x.group)) && (r.resources.includes('*') || r.resources.includes(x.resource)),
      );
      return verbOk && resOk;
    })
    .map((r) => r.index);
}

export const isRole = (r: K8sResource): boolean => r.kind === 'Role' || r.kind === 'ClusterRole';
export const isBinding = (r: K8sResource): boolean => r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding';

export function roleRefOf(binding: K8sResource): { kind: string; name: string } | undefined {
  const ref = binding.object.roleRef;
  return isRecord(ref) ? { kind: String(ref.kind), name: String(ref.name) } : undefined;
}

/** Bindings among `all` that grant `role` to subjects. */
export function bindingsOf(role: K8sResource, all: readonly K8sResource[]): K8sResource[] {
  return all.filter((b) => {
    if (!isBinding(b)) return false;
    const ref = roleRefOf(b);
    if (!ref || ref.kind !== role.kind || ref.name !== role.name) return false;
    return role.kind === 'ClusterRole' || (b.namespace ?? 'default') === (role.namespace ?? 'default');
  });
}

export function subjectsOf(binding: K8sResource): { kind: string; name: string; namespace?: string }[] {
  const s = binding.object.subjects;
  if (!Array.isArray(s)) return [];
  return s.flatMap((x) => (isRecord(x) ? [{ kind: String(x.kind), name: String(x.name), ...(x.namespace !== undefined ? { namespace: String(x.namespace) } : {}) }] : []));
}

export const core = (...resources: string[]): { group: string; resource: string }[] => resources.map((resource) => ({ group: '', resource }));
export const group = (g: string, ...resources: string[]): { group: string; resource: string }[] => resources.map((resource) => ({ group: g, resource }));
