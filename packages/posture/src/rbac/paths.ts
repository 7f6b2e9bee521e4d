import type { Grant } from './engine.js';
import type { RbacObjects } from './load.js';
import { ruleAllows } from './match.js';
import type { EscalationPath, EscalationStep, Subject } from './model.js';
import { fullWildcard } from './powers.js';
import { subjectKey } from './model.js';

const RBAC = 'rbac.authorization.k8s.io';
const CERTS = 'certificates.k8s.io';
export const CLUSTER_ADMIN = 'cluster-admin';

const POD_CREATORS: readonly [string, string][] = [
  ['', 'pods'], ['apps', 'deployments'], ['apps', 'daemonsets'], ['apps', 'statefulsets'], ['apps', 'replicasets'],
  ['', 'replicationcontrollers'], ['batch', 'jobs'], ['batch', 'cronjobs'],
];

function allow(grants: readonly Grant[], verb: string, group: string, resource: string, ns: string | undefined, name?: string): boolean {
  return grants.some((g) => (g.namespace === undefined || g.namespace === ns) && g.role.rules.some((r) => ruleAllows(r, verb, group, resource, name)));
}

/** Cluster-wide only: a namespaced grant never satisfies it. */
function allowCluster(grants: readonly Grant[], verb: string, group: string, resource: string, name?: string): boolean {
  return grants.some((g) => g.namespace === undefined && g.role.rules.some((r) => ruleAllows(r, verb, group, resource, name)));
}

/** How the subject already is cluster-admin, if it is. */
function adminVia(s: Subject, grants: readonly Grant[]): string | undefined {
  if (s.kind === 'Group' && s.name === 'system:masters') return 'member of system:masters (bypasses RBAC)';
  const g = grants.find((x) => x.namespace === undefined && x.role.rules.some(fullWildcard));
  return g ? `bound to ClusterRole ${g.role.name} by ClusterRoleBinding ${g.binding.name}` : undefined;
}

/**
 * Edges of the escalation graph (Kubernetes "RBAC good practices", privilege escalation risks): each is one way the
 * subject can act as another subject, or as cluster-admin directly.
 */
function edgesOf(objs: RbacObjects, s: Subject, grants: readonly Grant[], all: readonly Subject[]): EscalationStep[] {
  const out: EscalationStep[] = [];
  const sas = all.filter((x) => x.kind === 'ServiceAccount' && subjectKey(x) !== subjectKey(s));
  if (allowCluster(grants, 'impersonate', '', 'groups', 'system:masters')) out.push({ how: 'impersonate group system:masters', to: CLUSTER_ADMIN });
  for (const u of all) {
    if (u.kind === 'User' && u.name !== s.name && allowCluster(grants, 'impersonate', '', 'users', u.name)) out.push({ how: `impersonate user ${u.name}`, to: subjectKey(u) });
  }
  if (allowCluster(grants, 'bind', RBAC, 'clusterroles', 'cluster-admin') && allowCluster(grants, 'create', RBAC, 'clusterrolebindings')) {
    out.push({ how: 'bind ClusterRole cluster-admin in a new ClusterRoleBinding', to: CLUSTER_ADMIN });
  }
  if (allowCluster(grants, 'escalate', RBAC, 'clusterroles') && (allowCluster(grants, 'update', RBAC, 'clusterroles') || allowCluster(grants, 'patch', RBAC, 'clusterroles'))) {
    const held = grants.find((g) => g.namespace === undefined && g.role.kind === 'ClusterRole');
    if (held) out.push({ how: `escalate: add "*" rules to ClusterRole ${held.role.name} it is bound to`, to: CLUSTER_ADMIN });
  }
  if (
    allowCluster(grants, 'create', CERTS, 'certificatesigningrequests') &&
    (allowCluster(grants, 'update', CERTS, 'certificatesigningrequests/approval') || allowCluster(grants, 'patch', CERTS, 'certificatesigningrequests/approval')) &&
    allowCluster(grants, 'approve', CERTS, 'signers', 'kubernetes.io/kube-apiserver-client')
  ) {
    out.push({ how: 'create and approve a CSR for a client certificate in group system:masters', to: CLUSTER_ADMIN });
  }
  for (const sa of sas) {
    const ns = sa.namespace;
    const to = subjectKey(sa);
    if (allow(grants, 'impersonate', '', 'serviceaccounts', ns, sa.name)) out.push({ how: `impersonate service account ${ns}/${sa.name}`, to });
    const creator = POD_CREATORS.find(([g, r]) => allow(grants, 'create', g, r, ns));
    if (creator) out.push({ how: `create ${creator[1]} in namespace ${ns} running as ${sa.name}`, to });
    if (allow(grants, 'create', '', 'serviceaccounts/token', ns, sa.name)) out.push({ how: `create a token for ${ns}/${sa.name}`, to });
    for (const t of objs.tokenSecrets) {
      if (t.namespace !== ns || t.serviceAccount !== sa.name) continue;
      if (allow(grants, 'get', '', 'secrets', ns, t.name) || allow(grants, 'list', '', 'secrets', ns)) out.push({ how: `read Secret ${ns}/${t.name} (token of ${sa.name})`, to });
    }
    for (const w of objs.workloads) {
      if (w.namespace !== ns || w.serviceAccount !== sa.name || !w.automount) continue;
      if (allow(grants, 'create', '', 'pods/exec', ns)) out.push({ how: `exec into ${w.kind} ${ns}/${w.name} (runs as ${sa.name})`, to });
      else if (allowCluster(grants, 'get', '', 'nodes/proxy') || allowCluster(grants, 'create', '', 'nodes/proxy')) out.push({ how: `exec through the kubelet API (nodes/proxy) into ${w.kind} ${ns}/${w.name}`, to });
    }
  }
  return out;
}

/** Shortest chain from every subject that is not already cluster-admin to cluster-admin; one per subject. */
export function escalationPaths(objs: RbacObjects, subjects: readonly Subject[], grantsOf: (s: Subject) => Grant[]): EscalationPath[] {
  const sorted = [...subjects].sort((a, b) => subjectKey(a).localeCompare(subjectKey(b)));
  const byKey = new Map(sorted.map((s) => [subjectKey(s), s] as const));
  const edges = new Map<string, EscalationStep[]>();
  const edgesFor = (key: string): EscalationStep[] => {
    let e = edges.get(key);
    if (e) return e;
    const s = byKey.get(key)!;
    const grants = grantsOf(s);
    const admin = adminVia(s, grants);
    e = admin ? [{ how: admin, to: CLUSTER_ADMIN }] : edgesOf(objs, s, grants, sorted);
    edges.set(key, e);
    return e;
  };
  const out: EscalationPath[] = [];
  for (const start of sorted) {
    const startKey = subjectKey(start);
    if (adminVia(start, grantsOf(start))) continue;
    const prev = new Map<string, { from: string; step: EscalationStep }>();
    const queue = [startKey];
    const seen = new Set(queue);
    let found = false;
    while (queue.length > 0 && !found) {
      const cur = queue.shift()!;
      for (const step of edgesFor(cur)) {
        if (seen.has(step.to)) continue;
        seen.add(step.to);
        prev.set(step.to, { from: cur, step });
        if (step.to === CLUSTER_ADMIN) {
          found = true;
          break;
        }
        queue.push(step.to);
      }
    }
    if (!found) continue;
    const steps: EscalationStep[] = [];
    for (let k = CLUSTER_ADMIN; k !== startKey; ) {
      const p = prev.get(k)!;
      steps.unshift(p.step);
      k = p.from;
    }
    out.push({ subject: start, steps });
  }
  return out;
}
