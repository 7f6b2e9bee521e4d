import { loadRbacObjects } from './load.js';
import type { RbacObjects } from './load.js';
import { ruleAllows } from './match.js';
import { escalationPaths } from './paths.js';
import { rbacRisks, takeoverPowers, workloadRisk } from './rules.js';
import type { BindingInfo, Permission, PolicyRule, RbacReport, RiskyGrant, RoleInfo, Subject } from './model.js';
import { parseSubjectKey, subjectKey } from './model.js';

/** A role's rules as granted by one binding, in the binding's scope. */
export interface Grant {
  binding: BindingInfo;
  role: RoleInfo;
  /** undefined = cluster-wide (ClusterRoleBinding). */
  namespace: string | undefined;
}

function label(kind: string, name: string, ns: string | undefined): string {
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

function sameSubject(a: Subject, b: Subject): boolean {
  return subjectKey(a) === subjectKey(b);
}

/** Every grant that applies to the subject, directly or through its implicit groups. */
export function grantsOf(objs: RbacObjects, s: Subject): Grant[] {
  const groups = new Set(implicitGroups(s));
  const out: Grant[] = [];
  for (const b of objs.bindings) {
    if (!b.subjects.some((x) => sameSubject(x, s) || (x.kind === 'Group' && groups.has(x.name)))) continue;
    const role = roleOf(objs, b);
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

function toSubject(s: Subject | string): Subject | undefined {
  return typeof s === 'string' ? parseSubjectKey(s) : s;
}

/**
 * Analyzes plain Kubernetes objects (Roles, ClusterRoles, bindings, ServiceAccounts, workloads, token Secrets) as a
 * whole: effective permissions per subject, risky grants and escalation paths to cluster-admin. Pure; malformed
 * objects are skipped and listed in `skipped`.
 */
export function analyzeRbac(objects: readonly unknown[]): RbacReport {
  const objs = loadRbacObjects(objects);
  const subjects = new Map<string, Subject>();
  const addSubject = (s: Subject): void => void (subjects.has(subjectKey(s)) || subjects.set(subjectKey(s), s));
  for (const b of objs.bindings) b.subjects.forEach(addSubject);
  for (const sa of objs.serviceAccounts) addSubject({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace });
  for (const w of objs.workloads) addSubject({ kind: 'ServiceAccount', name: w.serviceAccount, namespace: w.namespace });

  const grantCache = new Map<string, Grant[]>();
  const grants = (s: Subject): Grant[] => {
    const k = subjectKey(s);
    let g = grantCache.get(k);
    if (!g) grantCache.set(k, (g = grantsOf(objs, s)));
    return g;
  };

  const riskyGrants: RiskyGrant[] = [];
  for (const risk of rbacRisks) {
    if (risk.on === 'role') {
      for (const role of objs.roles) {
        if (risk.kinds && !risk.kinds.includes(role.kind)) continue;
        const what = risk.test(role.rules, role);
        if (what === undefined) continue;
        const bound = objs.bindings.filter((b) => roleOf(objs, b) === role);
        const subs = bound.flatMap((b) => b.subjects);
        const scopes = new Set(bound.map((b) => (b.kind === 'RoleBinding' ? b.namespace : undefined)));
        const namespace = role.kind === 'Role' ? role.namespace : scopes.size === 1 ? [...scopes][0] : undefined;
        riskyGrants.push({
          ruleId: risk.id, title: risk.title, severity: risk.severity, object: label(role.kind, role.name, role.namespace), index: role.index,
          subjects: dedupe(subs), ...(namespace !== undefined ? { namespace } : {}),
          message: `${role.kind} ${role.name}: ${what}${subs.length > 0 ? `; held by ${dedupe(subs).map(subjectKey).join(', ')}` : ''}`,
        });
      }
    } else {
      for (const binding of objs.bindings) {
        const what = risk.test({ binding, role: roleOf(objs, binding) });
        if (what === undefined) continue;
        riskyGrants.push({
          ruleId: risk.id, title: risk.title, severity: risk.severity, object: label(binding.kind, binding.name, binding.namespace), index: binding.index,
          subjects: [...binding.subjects], ...(binding.namespace !== undefined ? { namespace: binding.namespace } : {}),
          message: `${binding.kind} ${binding.name}: ${what}`,
        });
      }
    }
  }
  for (const w of objs.workloads) {
    if (!w.automount) continue;
    const sa: Subject = { kind: 'ServiceAccount', name: w.serviceAccount, namespace: w.namespace };
    // only what is bound to the account itself: the implicit groups are shared by every pod and reported on their binding
    const own = grants(sa).filter((g) => g.binding.subjects.some((x) => sameSubject(x, sa)));
    const powers = [...new Set(own.flatMap((g) => takeoverPowers(g.role.rules)))];
    if (powers.length === 0) continue;
    riskyGrants.push({
      ruleId: workloadRisk.id, title: workloadRisk.title, severity: workloadRisk.severity, object: label(w.kind, w.name, w.namespace), index: w.index,
      subjects: [sa], namespace: w.namespace,
      message: `${w.kind} ${w.namespace}/${w.name} mounts the token of ${subjectKey(sa)}, which can ${powers.join(', ')}`,
    });
  }

  const report: RbacReport = {
    roles: objs.roles,
    bindings: objs.bindings,
    subjects: [...subjects.values()],
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
    riskyGrants,
    escalationPaths: [],
    skipped: objs.skipped,
  };
  report.escalationPaths = escalationPaths(objs, [...subjects.values()], grants);
  return report;
}

/** Members of system:masters bypass RBAC altogether. */
export function isMasters(s: Subject): boolean {
  return s.kind === 'Group' && s.name === 'system:masters';
}

function dedupe(list: readonly Subject[]): Subject[] {
  const m = new Map<string, Subject>();
  for (const s of list) m.set(subjectKey(s), s);
  return [...m.values()];
}
