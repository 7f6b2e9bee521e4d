import { POD_SPEC_PATHS, getIn, isRecord } from '../kubernetes/workload.js';
import { selectorMatches } from './match.js';
import type { BindingInfo, PolicyRule, RoleInfo, Subject } from './model.js';

/** A workload and the service account its pods run as. */
export interface WorkloadInfo {
  kind: string;
  name: string;
  namespace: string;
  serviceAccount: string;
  /** False when the pod spec (or, absent there, the ServiceAccount) disables token automount. */
  automount: boolean;
  index: number;
}

/** A Secret holding a service-account token (legacy `kubernetes.io/service-account-token`). */
export interface TokenSecret {
  name: string;
  namespace: string;
  serviceAccount: string;
}

export interface RbacObjects {
  roles: RoleInfo[];
  bindings: BindingInfo[];
  serviceAccounts: { name: string; namespace: string; automount: boolean | undefined; secrets: string[]; index: number }[];
  workloads: WorkloadInfo[];
  tokenSecrets: TokenSecret[];
  skipped: { index: number; reason: string }[];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x) => typeof x === 'string' || typeof x === 'number').map(String) : [];
}

function labelsOf(meta: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(meta.labels)) for (const [k, v] of Object.entries(meta.labels)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

function ruleOf(v: unknown): PolicyRule | undefined {
  if (!isRecord(v)) return undefined;
  return {
    verbs: strings(v.verbs),
    apiGroups: strings(v.apiGroups),
    resources: strings(v.resources),
    resourceNames: strings(v.resourceNames),
    nonResourceURLs: strings(v.nonResourceURLs),
  };
}

function subjectOf(v: unknown, bindingNs: string | undefined): Subject | undefined {
  if (!isRecord(v) || typeof v.name !== 'string' || v.name === '') return undefined;
  if (v.kind === 'ServiceAccount') {
    // a RoleBinding's service account subject without namespace defaults to the binding's namespace
    const ns = typeof v.namespace === 'string' && v.namespace !== '' ? v.namespace : (bindingNs ?? 'default');
    return { kind: 'ServiceAccount', name: v.name, namespace: ns };
  }
  if (v.kind === 'User' || v.kind === 'Group') return { kind: v.kind, name: v.name };
  return undefined;
}

/** Sorts plain objects into RBAC shapes; anything malformed is skipped with a reason, never thrown. */
export function loadRbacObjects(objects: readonly unknown[]): RbacObjects {
  const out: RbacObjects = { roles: [], bindings: [], serviceAccounts: [], workloads: [], tokenSecrets: [], skipped: [] };
  const aggregation = new Map<RoleInfo, unknown[]>();
  objects.forEach((obj, index) => {
    if (!isRecord(obj) || typeof obj.kind !== 'string') return;
    const meta = isRecord(obj.metadata) ? obj.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : '';
    const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
    const kind = obj.kind;
    if (kind === 'Role' || kind === 'ClusterRole') {
      if (name === '') return void out.skipped.push({ index, reason: `${kind} without metadata.name` });
      const sourceRules = Array.isArray(obj.rules)
        ? obj.rules.flatMap((r, i) => {
            const rule = ruleOf(r);
            return rule ? [{ rule, index: i }] : [];
          })
        : [];
      const rules = sourceRules.map((r) => r.rule);
      const role: RoleInfo = { kind, name, namespace: kind === 'Role' ? (namespace ?? 'default') : undefined, labels: labelsOf(meta), rules, aggregatedFrom: [], sourceRules, index };
      out.roles.push(role);
      const agg = isRecord(obj.aggregationRule) ? obj.aggregationRule.clusterRoleSelectors : undefined;
      if (kind === 'ClusterRole' && Array.isArray(agg)) aggregation.set(role, agg);
      return;
    }
    if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
      const ref = isRecord(obj.roleRef) ? obj.roleRef : undefined;
      if (name === '' || !ref || typeof ref.name !== 'string' || (ref.kind !== 'Role' && ref.kind !== 'ClusterRole')) {
        return void out.skipped.push({ index, reason: `${kind} ${name || '(unnamed)'}: missing or invalid roleRef` });
      }
      if (kind === 'ClusterRoleBinding' && ref.kind === 'Role') return void out.skipped.push({ index, reason: `ClusterRoleBinding ${name} refers to a Role` });
      const ns = kind === 'RoleBinding' ? (namespace ?? 'default') : undefined;
      const subjects = Array.isArray(obj.subjects) ? obj.subjects.map((s) => subjectOf(s, ns)).filter((s): s is Subject => s !== undefined) : [];
      out.bindings.push({ kind, name, namespace: ns, labels: labelsOf(meta), roleRef: { kind: ref.kind, name: ref.name }, subjects, index });
      return;
    }
    if (kind === 'ServiceAccount' && name !== '') {
      const automount = typeof obj.automountServiceAccountToken === 'boolean' ? obj.automountServiceAccountToken : undefined;
      const secrets = Array.isArray(obj.secrets) ? obj.secrets.map((s) => (isRecord(s) && typeof s.name === 'string' ? s.name : '')).filter((s) => s !== '') : [];
      out.serviceAccounts.push({ name, namespace: namespace ?? 'default', automount, secrets, index });
      return;
    }
    if (kind === 'Secret' && obj.type === 'kubernetes.io/service-account-token' && isRecord(meta.annotations)) {
      const sa = meta.annotations['kubernetes.io/service-account.name'];
      if (typeof sa === 'string' && name !== '') out.tokenSecrets.push({ name, namespace: namespace ?? 'default', serviceAccount: sa });
      return;
    }
    const path = POD_SPEC_PATHS[kind];
    if (path) {
      const spec = getIn(obj, path);
      if (!isRecord(spec)) return;
      const sa = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '' ? spec.serviceAccountName
        : typeof spec.serviceAccount === 'string' && spec.serviceAccount !== '' ? spec.serviceAccount : 'default';
      out.workloads.push({ kind, name, namespace: namespace ?? 'default', serviceAccount: sa, automount: spec.automountServiceAccountToken !== false, index });
    }
  });
  // a pod spec that says nothing about automount follows its ServiceAccount
  for (const w of out.workloads) {
    const sa = out.serviceAccounts.find((s) => s.name === w.serviceAccount && s.namespace === w.namespace);
    const spec = getIn(objects[w.index], POD_SPEC_PATHS[w.kind]!);
    if (isRecord(spec) && typeof spec.automountServiceAccountToken !== 'boolean' && sa?.automount === false) w.automount = false;
  }
  for (const sa of out.serviceAccounts) {
    for (const s of sa.secrets) if (!out.tokenSecrets.some((t) => t.name === s && t.namespace === sa.namespace)) {
      // listed in .secrets: before 1.24 these were the auto-created token secrets
      if (/-token-/.test(s)) out.tokenSecrets.push({ name: s, namespace: sa.namespace, serviceAccount: sa.name });
    }
  }
  aggregate(out.roles, aggregation);
  return out;
}

/** The ClusterRole aggregation controller, to a fixpoint (aggregated roles may themselves be selected). */
function aggregate(roles: RoleInfo[], aggregation: Map<RoleInfo, unknown[]>): void {
  const cluster = roles.filter((r) => r.kind === 'ClusterRole');
  const own = new Map(cluster.map((r) => [r, r.rules] as const));
  const key = (p: PolicyRule): string => JSON.stringify(p);
  for (let round = 0; round <= cluster.length; round++) {
    let changed = false;
    for (const [role, selectors] of aggregation) {
      const picked = cluster.filter((c) => c !== role && selectors.some((s) => selectorMatches(s, c.labels)));
      const seen = new Set<string>();
      const rules: PolicyRule[] = [];
      for (const r of [...(own.get(role) ?? []), ...picked.flatMap((c) => c.rules)]) {
        const k = key(r);
        if (!seen.has(k)) {
          seen.add(k);
          rules.push(r);
        }
      }
      if (rules.length !== role.rules.length) changed = true;
      role.rules = rules;
      role.aggregatedFrom = picked.map((c) => c.name).sort();
    }
    if (!changed) break;
  }
}
