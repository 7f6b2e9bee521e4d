import { POD_SPEC_PATHS } from '../kubernetes/workload.js';
import { loadRbacObjects } from './load.js';
import type { RbacObjects } from './load.js';
import { ruleAllows } from './match.js';
import type { BindingInfo, EscalationPath, Permission, PolicyRule, RiskyGrant, RoleInfo, Subject } from './model.js';
import { parseSubjectKey, subjectKey } from './model.js';
import { escalationPaths } from './paths.js';
import type { RbacRisk, RoleRisk } from './risk.js';

/** A role's rules as granted by one binding, in the binding's scope. */
export interface Grant {
  binding: BindingInfo;
  role: RoleInfo;
  /** undefined = cluster-wide (ClusterRoleBinding). */
  namespace: string | undefined;
}

/**
 * The analysis of one set of objects, computed lazily and cached: who holds which grant, effective permissions,
 * rule evaluation and escalation paths. Rules (the `rbac` family of the Kubernetes registry) and the report both
 * call into it.
 */
export interface RbacEngine {
  readonly objects: RbacObjects;
  /** Every subject named by a binding, every ServiceAccount object and every service account a workload runs as. */
  readonly subjects: readonly Subject[];
  /** Every grant that applies to the subject, directly or through its implicit groups. */
  grantsOf(subject: Subject): Grant[];
  permissionsOf(subject: Subject | string): Permission[];
  can(subject: Subject | string, verb: string, apiGroup: string, resource: string, namespace?: string, resourceName?: string): boolean;
  /** The risky grants one rule finds, each placed on the object (by input index) and field it is about. */
  evaluate(risk: RbacRisk): RiskyGrant[];
  /** Shortest chain to cluster-admin for every subject that has one (computed once). */
  escalationPaths(): EscalationPath[];
}

export function label(kind: string, name: string, ns: string | undefined): string {
  return ns === undefined ? `${kind}/${name}` : `${kind}/${ns}/${name}`;
}

export function roleOf(objs: RbacObjects, b: BindingInfo): RoleInfo | undefined {
  return objs.roles.find((r) => r.kind === b.roleRef.kind && r.name === b.roleRef.name && (r.kind === 'ClusterRole' || r.namespace === b.namespace));
}

/** The groups Kubernetes puts a subject in without any binding saying so. */
export function implicitGroups(s: Subject): string[] {
  if (s.kind === 'ServiceAccount') return ['system:serviceaccounts', `system:serviceaccounts:${s.namespace ?? 'default'}`, 'system:authenticated'];
  if (s.kind === 'User') return s.name === 'system:anonymous' ? ['system:unauthenticated'] : ['system:authenticated'];
  return [];
}

/** Members of system:masters bypass RBAC altogether. */
export function isMasters(s: Subject): boolean {
  return s.kind === 'Group' && s.name === 'system:masters';
}

function sameSubject(a: Subject, b: Subject): boolean {
  return subjectKey(a) === subjectKey(b);
}

function dedupe(list: readonly Subject[]): Subject[] {
  const m = new Map<string, Subject>();
  for (const s of list) m.set(subjectKey(s), s);
  return [...m.values()];
}

function grantsOf(objs: RbacObjects, roles: Map<BindingInfo, RoleInfo | undefined>, s: Subject): Grant[] {
  const groups = new Set(implicitGroups(s));
  const out: Grant[] = [];
  for (const b of objs.bindings) {
    if (!b.subjects.some((x) => sameSubject(x, s) || (x.kind === 'Group' && groups.has(x.name)))) continue;
    const role = roles.get(b);
    if (role) out.push({ binding: b, role, namespace: b.kind === 'RoleBinding' ? b.namespace : undefined });
  }
  return out;
}

function expand(rule: PolicyRule, g: Grant): Permission[] {
  const via = { binding: label(g.binding.kind, g.binding.name, g.binding.namespace), role: label(g.role.kind, g.role.name, g.role.namespace) };
  const scope = g.namespace === undefined ? {} : { namespace: g.namespace };
  const out: Permission[] = [];
  for (const verb of rule.verbs) {
    for (const url of rule.nonResourceURLs) if (g.namespace === undefined) out.push({ verb, apiGroup: '', resource: '', nonResourceURL: url, via });
    for (const apiGroup of rule.apiGroups) {
      for (const resource of rule.resources) {
        if (rule.resourceNames.length === 0) out.push({ verb, apiGroup, resource, ...scope, via });
        else for (const resourceName of rule.resourceNames) out.push({ verb, apiGroup, resource, resourceName, ...scope, via });
      }
    }
  }
  return out;
}

/** True when the grants allow the request; a namespaced request is also allowed by cluster-wide grants. */
export function grantsAllow(grants: readonly Grant[], verb: string, group: string, resource: string, namespace?: string, name?: string): boolean {
  return grants.some((g) => (g.namespace === undefined || g.namespace === namespace) && g.role.rules.some((r) => ruleAllows(r, verb, group, resource, name)));
}

/** The manifest field a role finding points at: the first own rule that alone triggers the check. */
function rolePath(risk: RoleRisk, role: RoleInfo): (string | number)[] {
  const own = role.sourceRules.find((s) => risk.test([s.rule], role) !== undefined);
  if (own) return ['rules', own.index];
  return role.aggregatedFrom.length > 0 ? ['aggregationRule'] : ['rules'];
}

/** Builds the engine over plain objects (Roles, ClusterRoles, bindings, ServiceAccounts, workloads, token Secrets). Pure. */
export function createRbacEngine(objects: readonly unknown[]): RbacEngine {
  const objs = loadRbacObjects(objects);
  const roleByBinding = new Map(objs.bindings.map((b) => [b, roleOf(objs, b)] as const));
  const bindingsByRole = new Map<RoleInfo, BindingInfo[]>();
  for (const [b, r] of roleByBinding) if (r) bindingsByRole.set(r, [...(bindingsByRole.get(r) ?? []), b]);
  // a ClusterRole aggregated into a bound one is held by that one's subjects too
  const holders = (role: RoleInfo): BindingInfo[] => {
    const direct = bindingsByRole.get(role) ?? [];
    if (role.kind !== 'ClusterRole') return direct;
    const via = objs.roles.filter((r) => r !== role && r.aggregatedFrom.includes(role.name)).flatMap((r) => bindingsByRole.get(r) ?? []);
    return [...direct, ...via];
  };

  const subjectMap = new Map<string, Subject>();
  const addSubject = (s: Subject): void => void (subjectMap.has(subjectKey(s)) || subjectMap.set(subjectKey(s), s));
  for (const b of objs.bindings) b.subjects.forEach(addSubject);
  for (const sa of objs.serviceAccounts) addSubject({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace });
  for (const w of objs.workloads) addSubject({ kind: 'ServiceAccount', name: w.serviceAccount, namespace: w.namespace });
  const subjects = [...subjectMap.values()];

  const grantCache = new Map<string, Grant[]>();
  const grants = (s: Subject): Grant[] => {
    const k = subjectKey(s);
    let g = grantCache.get(k);
    if (!g) grantCache.set(k, (g = grantsOf(objs, roleByBinding, s)));
    return g;
  };
  const toSubject = (s: Subject | string): Subject | undefined => (typeof s === 'string' ? parseSubjectKey(s) : s);

  function evaluate(risk: RbacRisk): RiskyGrant[] {
    const out: RiskyGrant[] = [];
    const base = { ruleId: risk.id, title: risk.title, severity: risk.severity };
    if (risk.on === 'role') {
      for (const role of objs.roles) {
        if (risk.kinds && !risk.kinds.includes(role.kind)) continue;
        const what = risk.test(role.rules, role);
        if (what === undefined) continue;
        const bound = holders(role);
        const subs = dedupe(bound.flatMap((b) => b.subjects));
        const scopes = new Set(bound.map((b) => (b.kind === 'RoleBinding' ? b.namespace : undefined)));
        const namespace = role.kind === 'Role' ? role.namespace : scopes.size === 1 ? [...scopes][0] : undefined;
        const held = subs.length > 0 ? `; held by ${subs.map(subjectKey).join(', ')}` : bound.length === 0 ? '; not bound in the scanned objects' : '';
        out.push({
          ...base, object: label(role.kind, role.name, role.namespace), index: role.index, subjects: subs,
          ...(namespace !== undefined ? { namespace } : {}), message: `${role.kind} ${role.name}: ${what}${held}`, path: rolePath(risk, role),
        });
      }
    } else if (risk.on === 'binding') {
      for (const binding of objs.bindings) {
        const what = risk.test({ binding, role: roleByBinding.get(binding) });
        if (what === undefined) continue;
        out.push({
          ...base, object: label(binding.kind, binding.name, binding.namespace), index: binding.index, subjects: [...binding.subjects],
          ...(binding.namespace !== undefined ? { namespace: binding.namespace } : {}), message: `${binding.kind} ${binding.name}: ${what}`, path: [risk.field],
        });
      }
    } else {
      for (const w of objs.workloads) {
        if (!w.automount) continue;
        const sa: Subject = { kind: 'ServiceAccount', name: w.serviceAccount, namespace: w.namespace };
        // only what is bound to the account itself: the implicit groups are shared by every pod and reported on their binding
        const own = grants(sa).filter((g) => g.binding.subjects.some((x) => sameSubject(x, sa)));
        const what = risk.test({ workload: w, serviceAccount: sa, grants: own });
        if (what === undefined) continue;
        out.push({
          ...base, object: label(w.kind, w.name, w.namespace), index: w.index, subjects: [sa], namespace: w.namespace,
          message: `${w.kind} ${w.namespace}/${w.name} ${what}`, path: [...(POD_SPEC_PATHS[w.kind] ?? []), 'serviceAccountName'],
        });
      }
    }
    return out;
  }

  let paths: EscalationPath[] | undefined;
  return {
    objects: objs,
    subjects,
    grantsOf: grants,
    permissionsOf(s) {
      const subject = toSubject(s);
      if (!subject) return [];
      const seen = new Set<string>();
      const out: Permission[] = [];
      for (const g of grants(subject)) {
        for (const rule of g.role.rules) {
          for (const p of expand(rule, g)) {
            const k = JSON.stringify([p.verb, p.apiGroup, p.resource, p.resourceName, p.nonResourceURL, p.namespace]);
            if (!seen.has(k)) {
              seen.add(k);
              out.push(p);
            }
          }
        }
      }
      return out;
    },
    can(s, verb, apiGroup, resource, namespace, resourceName) {
      const subject = toSubject(s);
      if (!subject) return false;
      if (isMasters(subject)) return true;
      return grantsAllow(grants(subject), verb, apiGroup, resource, namespace, resourceName);
    },
    evaluate,
    escalationPaths: () => (paths ??= escalationPaths(objs, subjects, grants)),
  };
}
