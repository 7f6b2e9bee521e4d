import { derived } from '../../../kubernetes/derived.js';
import { ofKind, ofKindNamedIn, positions } from '../../../kubernetes/indexes.js';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { getIn, isRecord } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import { nsOf } from '../network/selectors.js';

// Service accounts as workloads use them: which account a pod runs as, whether its token is mounted, and whether
// RBAC bindings give that token any power.

const SA_DOCS = 'https://kubernetes.io/docs/concepts/security/service-accounts/';

function findAccount(all: readonly K8sResource[], name: string, namespace: string): K8sResource | undefined {
  return ofKindNamedIn(all, 'ServiceAccount', namespace, name)[0];
}

function binds(b: K8sResource, sa: K8sResource): boolean {
  if (b.kind !== 'RoleBinding' && b.kind !== 'ClusterRoleBinding') return false;
  const subjects = getIn(b.object, ['subjects']);
  return Array.isArray(subjects) && subjects.some((s) => isRecord(s) && (
    (s.kind === 'ServiceAccount' && s.name === sa.name && (s.namespace ?? nsOf(b)) === nsOf(sa))
    || (s.kind === 'Group' && ['system:authenticated', 'system:serviceaccounts', `system:serviceaccounts:${nsOf(sa)}`].includes(String(s.name)))));
}

/** Bindings by the subjects `binds` can match: "sa:<namespace>/<name>" for accounts, "group:<name>" for groups. */
function bindingsBySubject(all: readonly K8sResource[]): Map<string, K8sResource[]> {
  return derived(all, 'references/bindings-by-subject', (xs) => {
    const out = new Map<string, K8sResource[]>();
    for (const b of [...ofKind(xs, 'RoleBinding'), ...ofKind(xs, 'ClusterRoleBinding')]) {
      const subjects = getIn(b.object, ['subjects']);
      if (!Array.isArray(subjects)) continue;
      const keys = new Set<string>();
      for (const s of subjects) {
        if (!isRecord(s)) continue;
        const ns = s.namespace ?? nsOf(b);
        if (s.kind === 'ServiceAccount' && typeof s.name === 'string' && typeof ns === 'string') keys.add(`sa:${ns}/${s.name}`);
        if (s.kind === 'Group') keys.add(`group:${String(s.name)}`);
      }
      for (const k of keys) {
        const list = out.get(k);
        if (list) list.push(b);
        else out.set(k, [b]);
      }
    }
    return out;
  });
}

/** RoleBindings/ClusterRoleBindings naming the account, or the groups every account belongs to. */
export function bindingsOf(all: readonly K8sResource[], sa: K8sResource): K8sResource[] {
  const index = bindingsBySubject(all);
  const keys = [`sa:${nsOf(sa)}/${sa.name}`, 'group:system:authenticated', 'group:system:serviceaccounts', `group:system:serviceaccounts:${nsOf(sa)}`];
  const at = positions(all);
  const found = [...new Set(keys.flatMap((k) => index.get(k) ?? []))].sort((a, b) => at.get(a)! - at.get(b)!);
  return found.filter((b) => binds(b, sa));
}

export const boundTokenMounted = defineK8sRule({
  id: 'BLW-K8S-589',
  title: 'Pod mounts the token of a service account that RBAC grants permissions',
  severity: 'medium',
  description: 'The pod’s service account is bound to roles and its token is mounted (the pod or the account does not opt out), so code execution in the pod becomes API access with those permissions.',
  remediation: 'Set automountServiceAccountToken: false on the pod (or the ServiceAccount) unless the pod calls the API; give pods that do a dedicated, minimally bound account.',
  references: [SA_DOCS, 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting'],
  aliases: ['C-0261', 'serviceaccount-token-mount'],
  tags: ['references', 'rbac'],
  on: 'pod',
  check: (pod, r, all): Violation[] => {
    const name = typeof pod.spec.serviceAccountName === 'string' ? pod.spec.serviceAccountName : typeof pod.spec.serviceAccount === 'string' ? pod.spec.serviceAccount : 'default';
    const sa = findAccount(all, name, nsOf(r));
    if (!sa) return [];
    // the pod's own setting wins over the account's
    const mounted = pod.spec.automountServiceAccountToken ?? (sa.object.automountServiceAccountToken !== false);
    if (mounted !== true) return [];
    const bindings = bindingsOf(all, sa);
    return bindings.length > 0 ? [{ message: `${r.kind} ${r.name} mounts the token of ServiceAccount ${name}, bound by ${bindings.map((b) => `${b.kind} ${b.name}`).join(', ')}`, path: [...pod.path, 'automountServiceAccountToken'] }] : [];
  },
});

export const defaultAccountAutomount = defineK8sRule({
  id: 'BLW-K8S-590',
  title: 'Default service account mounts its token in pods',
  severity: 'low',
  description: 'Every pod that names no account runs as "default"; unless that account sets automountServiceAccountToken: false, all of them carry an API token.',
  remediation: 'Set automountServiceAccountToken: false on the default ServiceAccount of every namespace.',
  references: [SA_DOCS],
  aliases: ['C-0189', 'automount-default-service-account'],
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.1.5' }],
  tags: ['references', 'rbac'],
  on: 'resource',
  kinds: ['ServiceAccount'],
  check: (sa) => (sa.name === 'default' && sa.object.automountServiceAccountToken !== false
    ? [{ message: `ServiceAccount default in namespace ${nsOf(sa)} does not set automountServiceAccountToken: false`, path: ['automountServiceAccountToken'] }] : []),
});

export const namespaceWithoutAccount = defineK8sRule({
  id: 'BLW-K8S-591',
  title: 'Namespace has no service account besides default',
  severity: 'low',
  description: 'A namespace whose only ServiceAccount is "default" runs all its pods under one shared identity, so any binding given to one workload applies to all of them.',
  remediation: 'Create a dedicated ServiceAccount per workload and set serviceAccountName on its pods.',
  references: [SA_DOCS],
  aliases: ['namespace-without-service-account'],
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.1.5' }],
  tags: ['references', 'rbac'],
  on: 'resource',
  kinds: ['Namespace'],
  check: (ns, all) => (derived(all, 'references/namespaces-with-accounts', (xs) => new Set(ofKind(xs, 'ServiceAccount').filter((x) => x.name !== 'default').map((x) => x.namespace))).has(ns.name)
    ? [] : [{ message: `Namespace ${ns.name} has no ServiceAccount besides default`, path: ['metadata', 'name'] }]),
});

export const accountRules: readonly K8sRule[] = [boundTokenMounted, defaultAccountAutomount, namespaceWithoutAccount];
