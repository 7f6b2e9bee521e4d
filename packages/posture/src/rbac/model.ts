/** A subject of a binding. Service accounts carry their namespace. */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

/** One rule of a Role or ClusterRole, normalised (missing lists become empty). */
export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export interface RoleInfo {
  kind: 'Role' | 'ClusterRole';
  name: string;
  /** Namespace of a Role; undefined for ClusterRoles. */
  namespace: string | undefined;
  labels: Record<string, string>;
  /** Effective rules: for an aggregated ClusterRole, the union of the rules of every ClusterRole its selectors match. */
  rules: PolicyRule[];
  /** Names of the ClusterRoles folded in through `aggregationRule`. */
  aggregatedFrom: string[];
  /** The role's own rules with their index in its manifest `rules:` list (findings point at the offending rule). */
  sourceRules: { rule: PolicyRule; index: number }[];
  /** Index of the object in the analyzed input. */
  index: number;
}

export interface BindingInfo {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  namespace: string | undefined;
  labels: Record<string, string>;
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string };
  subjects: Subject[];
  index: number;
}

/**
 * One effective permission. `*` stays a wildcard (the set of resources of a live cluster is not known from
 * manifests); `can()` answers queries with Kubernetes' matching rules.
 */
export interface Permission {
  verb: string;
  apiGroup: string;
  resource: string;
  /** Restricted to one object name (`resourceNames`). */
  resourceName?: string;
  /** Set for non-resource URL grants (`/healthz`, `*`); apiGroup and resource are then empty. */
  nonResourceURL?: string;
  /** Namespace the permission applies in; undefined = cluster-wide. */
  namespace?: string;
  /** The binding and role that grant it ("ClusterRoleBinding/x", "ClusterRole/y"). */
  via: { binding: string; role: string };
}

export type RbacSeverity = 'critical' | 'high' | 'medium' | 'low';

export interface RiskyGrant {
  ruleId: string;
  title: string;
  severity: RbacSeverity;
  /** The object the grant is reported on: "ClusterRole/x", "Role/ns/x", "RoleBinding/ns/x". */
  object: string;
  /** Index of that object in the analyzed input. */
  index: number;
  /** Subjects that hold the grant through bindings (empty when the role is not bound). */
  subjects: Subject[];
  /** Namespace the grant is limited to; undefined = cluster-wide or unbound ClusterRole. */
  namespace?: string;
  message: string;
  /** Field of the object the grant is about (`['rules', 2]`, `['subjects']`), for placing it on lines. */
  path: (string | number)[];
}

export interface EscalationStep {
  /** How the previous node reaches the next ("create pods in ns ci", "impersonate group system:masters"). */
  how: string;
  /** Next node: a subject key ("ServiceAccount:ci/deployer") or "cluster-admin". */
  to: string;
}

export interface EscalationPath {
  subject: Subject;
  steps: EscalationStep[];
}

export interface RbacReport {
  roles: RoleInfo[];
  bindings: BindingInfo[];
  /** Every subject named by a binding, every ServiceAccount object and every service account a workload runs as. */
  subjects: Subject[];
  /** Effective permissions, including those of the groups the subject implicitly belongs to. */
  permissionsOf(subject: Subject | string): Permission[];
  /** True when the subject may do `verb` on `resource` (`pods`, `pods/exec`) of `apiGroup` in `namespace` (undefined = cluster-wide). */
  can(subject: Subject | string, verb: string, apiGroup: string, resource: string, namespace?: string, resourceName?: string): boolean;
  riskyGrants: RiskyGrant[];
  escalationPaths: EscalationPath[];
  /** Objects skipped because they were malformed (not an error: one bad object never stops the analysis). */
  skipped: { index: number; reason: string }[];
}

/** "User:jane", "Group:system:masters", "ServiceAccount:ns/name". */
export function subjectKey(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount:${s.namespace ?? 'default'}/${s.name}` : `${s.kind}:${s.name}`;
}

export function parseSubjectKey(key: string): Subject | undefined {
  const m = /^(User|Group|ServiceAccount):(.+)$/.exec(key);
  if (!m) return undefined;
  const kind = m[1] as Subject['kind'];
  if (kind !== 'ServiceAccount') return { kind, name: m[2]! };
  const slash = m[2]!.indexOf('/');
  return slash < 0 ? { kind, name: m[2]!, namespace: 'default' } : { kind, namespace: m[2]!.slice(0, slash), name: m[2]!.slice(slash + 1) };
}
