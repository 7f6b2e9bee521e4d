import type { FrameworkControl } from '@bulwark/core';
import { anyAllows, ruleAllows } from '../../../rbac/match.js';
import type { PolicyRule } from '../../../rbac/model.js';
import { fullWildcard, takeoverPowers } from '../../../rbac/powers.js';
import type { BindingRisk, RbacRisk, RoleRisk, WorkloadRisk } from '../../../rbac/risk.js';

const GOOD_PRACTICES = 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/';
const RBAC_DOCS = 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/';
const cis = (control: string): FrameworkControl => ({ framework: 'cis-kubernetes-1.9', control });

const CORE = '';
const RBAC = 'rbac.authorization.k8s.io';
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
/** The verb list of Trivy's KSV041/046/112/113: any of them counts as managing the resource. */
const TRIVY_VERBS = [...READ, ...WRITE, 'impersonate', '*'];
const WORKLOADS: readonly [string, string][] = [
  [CORE, 'pods'], ['apps', 'deployments'], ['apps', 'daemonsets'], ['apps', 'statefulsets'], ['apps', 'replicasets'],
  [CORE, 'replicationcontrollers'], ['batch', 'jobs'], ['batch', 'cronjobs'],
];

const any = anyAllows;

/** Literal checks (as Trivy's KSV rules do): the rule text names the resource and one of the verbs, whatever the API group. */
function literal(rules: readonly PolicyRule[], resources: readonly string[], verbs: readonly string[]): PolicyRule | undefined {
  return rules.find((r) => r.resources.some((x) => resources.includes(x)) && r.verbs.some((v) => verbs.includes(v)));
}

function role(r: Omit<RoleRisk, 'on'>): RoleRisk {
  return { on: 'role', ...r };
}

function binding(r: Omit<BindingRisk, 'on'>): BindingRisk {
  return { on: 'binding', ...r };
}

/*
 * Ids: a check both former sets had keeps the id the Kubernetes registry published (300-313, 320); the analyzer's
 * ids that did not collide keep theirs (314-316, 318, 325, 330, 332-335); analyzer-only checks whose id was taken got
 * 336-342. Retired, never reused: 317, 319, 321, 322, 323, 324, 331. The README has the full old → new table.
 */
export const roleRisks: readonly RoleRisk[] = [
  role({
    id: 'BLW-K8S-300', severity: 'high', title: 'Role can read secrets',
    description: 'get, list or watch on secrets reveals their contents, including service-account tokens of more powerful accounts.',
    remediation: 'Remove read access to secrets, or restrict it with resourceNames to the secrets the workload needs.',
    references: [GOOD_PRACTICES], aliases: ['C-0015', 'C-0186', 'rule-can-list-get-secrets-v1', 'access-to-secrets'], frameworks: [cis('5.1.2')],
    test: (rules) => (any(rules, READ, CORE, ['secrets']) ? 'can get/list/watch secrets' : undefined),
  }),
  role({
    id: 'BLW-K8S-301', severity: 'high', title: 'Role can exec or attach into pods',
    description: 'pods/exec and pods/attach run commands as the container, with its service-account token and mounted secrets.',
    remediation: 'Remove pods/exec and pods/attach; use ephemeral debug access through a break-glass role.',
    references: [GOOD_PRACTICES], aliases: ['C-0002', 'exec-into-container-v1'], frameworks: [],
    test: (rules) => (any(rules, ['create', 'get'], CORE, ['pods/exec', 'pods/attach']) ? 'can create pods/exec or pods/attach' : undefined),
  }),
  role({
    id: 'BLW-K8S-302', severity: 'medium', title: 'Role has excessive delete rights',
    description: 'Delete on pods, workloads, services or secrets lets the holder take down applications and remove evidence.',
    remediation: 'Remove delete/deletecollection on workloads, services and secrets.',
    references: [GOOD_PRACTICES], aliases: ['C-0007', 'rule-excessive-delete-rights-v1'], frameworks: [],
    test: (rules) =>
      any(rules, ['delete', 'deletecollection'], CORE, ['secrets', 'pods', 'services']) ||
      any(rules, ['delete', 'deletecollection'], 'apps', ['deployments', 'replicasets', 'daemonsets', 'statefulsets']) ||
      any(rules, ['delete', 'deletecollection'], 'batch', ['jobs', 'cronjobs'])
        ? 'can delete pods, workloads, services or secrets'
        : undefined,
  }),
  role({
    id: 'BLW-K8S-303', severity: 'high', title: 'Role can create persistent volumes',
    description: 'A PersistentVolume may be a hostPath, giving pods that claim it the node filesystem.',
    remediation: 'Let a StorageClass provision volumes; keep PersistentVolume creation with administrators.',
    references: [GOOD_PRACTICES], aliases: ['C-0278', 'rule-can-create-pv'], frameworks: [cis('5.1.9')],
    test: (rules) => (any(rules, ['create'], CORE, ['persistentvolumes']) ? 'can create persistentvolumes' : undefined),
  }),
  role({
    id: 'BLW-K8S-304', severity: 'critical', title: 'Role can bind roles',
    description: 'The bind verb lets the holder create bindings to roles with more permissions than it has, such as cluster-admin.',
    remediation: 'Remove bind on roles/clusterroles.', references: [GOOD_PRACTICES, RBAC_DOCS],
    aliases: ['CKV_K8S_157', 'C-0191', 'rule-can-bind-escalate'], frameworks: [cis('5.1.8')],
    test: (rules) => (any(rules, ['bind'], RBAC, ['roles', 'clusterroles']) ? 'can bind roles/clusterroles' : undefined),
  }),
  role({
    id: 'BLW-K8S-305', severity: 'low', title: 'Role can delete events',
    description: 'Deleting events hides an attacker\'s activity.', remediation: 'Remove delete/deletecollection on events.',
    references: [GOOD_PRACTICES], aliases: ['C-0031', 'rule-can-delete-k8s-events-v1'], frameworks: [],
    test: (rules) => (any(rules, ['delete', 'deletecollection'], CORE, ['events']) || any(rules, ['delete', 'deletecollection'], 'events.k8s.io', ['events']) ? 'can delete events' : undefined),
  }),
  role({
    id: 'BLW-K8S-306', severity: 'high', title: 'Role can port-forward to pods',
    description: 'pods/portforward opens a tunnel to any port of a pod, bypassing Services and NetworkPolicies.',
    remediation: 'Remove pods/portforward.', references: [GOOD_PRACTICES], aliases: ['C-0063', 'rule-can-portforward-v1'], frameworks: [],
    test: (rules) => (any(rules, ['create', 'get'], CORE, ['pods/portforward']) ? 'can create pods/portforward' : undefined),
  }),
  role({
    id: 'BLW-K8S-307', severity: 'high', title: 'Role can update configmaps (CoreDNS poisoning)',
    description: 'Update on configmaps covers kube-system/coredns: the holder can redirect cluster DNS or change other workloads\' configuration.',
    remediation: 'Remove update/patch on configmaps, or restrict it with resourceNames.',
    references: [GOOD_PRACTICES], aliases: ['C-0037', 'rule-can-update-configmap-v1'], frameworks: [],
    test: (rules) => (any(rules, ['update', 'patch'], CORE, ['configmaps']) ? 'can update configmaps' : undefined),
  }),
  role({
    id: 'BLW-K8S-308', severity: 'critical', title: 'Role can modify admission webhook configurations',
    description: 'A mutating webhook sees and changes every object admitted, secrets included; removing validating webhooks disables policy.',
    remediation: 'Keep webhook configuration with cluster administrators.', references: [GOOD_PRACTICES],
    aliases: ['KSV114', 'AVD-KSV-0114', 'CKV_K8S_155', 'C-0281', 'rule-can-modify-admission-webhooks'], frameworks: [cis('5.1.12')],
    test: (rules) =>
      any(rules, ['create', 'update', 'patch', 'delete'], 'admissionregistration.k8s.io', ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'])
        ? 'can write admission webhook configurations'
        : undefined,
  }),
  role({
    id: 'BLW-K8S-309', severity: 'high', title: 'Role can create service-account tokens',
    description: 'create on serviceaccounts/token mints tokens for any service account in scope.',
    remediation: 'Remove serviceaccounts/token, or restrict it with resourceNames.', references: [GOOD_PRACTICES],
    aliases: ['C-0282', 'rule-can-create-service-account-token'], frameworks: [cis('5.1.13')],
    test: (rules) => (any(rules, ['create'], CORE, ['serviceaccounts/token']) ? 'can create serviceaccounts/token' : undefined),
  }),
  role({
    id: 'BLW-K8S-310', severity: 'high', title: 'Role can approve certificate signing requests',
    description: 'Approving CSRs lets the holder issue client certificates, e.g. for group system:masters. The API also checks approve on the signer; update on certificatesigningrequests/approval is the grant to keep away.',
    remediation: 'Keep CSR approval with the controller manager.', references: [GOOD_PRACTICES],
    aliases: ['CKV_K8S_156', 'C-0280', 'rule-can-approve-cert-signing-request'], frameworks: [cis('5.1.11')],
    test: (rules) => {
      if (!any(rules, ['update', 'patch'], 'certificates.k8s.io', ['certificatesigningrequests/approval'])) return undefined;
      const signers = rules.some((r) => ruleAllows(r, 'approve', 'certificates.k8s.io', 'signers'));
      return `can update certificatesigningrequests/approval${signers ? ' and approve signers' : ''}`;
    },
  }),
  role({
    id: 'BLW-K8S-311', severity: 'high', title: 'Role can reach the kubelet API through nodes/proxy',
    description: 'nodes/proxy reaches the kubelet API, which can exec into every pod of the node; it bypasses admission and audit.',
    remediation: 'Remove nodes/proxy.', references: [GOOD_PRACTICES],
    aliases: ['KSV047', 'AVD-KSV-0047', 'C-0279', 'rule-can-access-proxy-subresource'], frameworks: [cis('5.1.10')],
    test: (rules) => (any(rules, ['get', 'create', 'update', 'patch'], CORE, ['nodes/proxy']) ? 'can access nodes/proxy' : undefined),
  }),
  role({
    id: 'BLW-K8S-312', severity: 'critical', title: 'Role grants every verb on every resource (cluster-admin equivalent)',
    description: 'apiGroups ["*"], resources ["*"], verbs ["*"]: whoever holds it is an administrator of its scope (cluster-admin through a ClusterRoleBinding).',
    remediation: 'Grant only what the subject needs; keep cluster-admin for break-glass accounts.', references: [GOOD_PRACTICES, RBAC_DOCS],
    aliases: ['KSV044', 'AVD-KSV-0044', 'C-0035', 'rule-list-all-cluster-admins-v1', 'C-0185', 'cluster-admin-role'], frameworks: [cis('5.1.1')],
    test: (rules) => (rules.some(fullWildcard) ? 'a rule grants "*" verbs on "*" resources of "*" API groups' : undefined),
  }),
  role({
    id: 'BLW-K8S-314', severity: 'critical', title: 'Role can impersonate users, groups or service accounts',
    description: 'impersonate acts as another identity, e.g. group system:masters, which bypasses RBAC.',
    remediation: 'Remove impersonate.', references: [GOOD_PRACTICES], aliases: ['C-0065', 'rule-can-impersonate-users-groups-v1'], frameworks: [cis('5.1.8')],
    test: (rules) => (any(rules, ['impersonate'], CORE, ['users', 'groups', 'serviceaccounts']) ? 'can impersonate users/groups/serviceaccounts' : undefined),
  }),
  role({
    id: 'BLW-K8S-315', severity: 'high', title: 'Role can manage workloads and pods',
    description: 'Creating pods (directly or through controllers) runs code as any service account of the namespace and mounts its secrets and host paths.',
    remediation: 'Limit create/update of workloads to deployment pipelines.', references: [GOOD_PRACTICES], aliases: ['KSV048', 'AVD-KSV-0048'], frameworks: [cis('5.1.4')],
    test: (rules) =>
      literal(rules, ['pods', 'deployments', 'jobs', 'cronjobs', 'statefulsets', 'daemonsets', 'replicasets', 'replicationcontrollers'], [...WRITE, '*'])
        ? 'names workload resources with write verbs'
        : undefined,
  }),
  role({
    id: 'BLW-K8S-318', severity: 'critical', title: 'Role can manage RBAC',
    description: 'Write access to roles and bindings, combined with escalate/bind or an existing powerful role, grants new permissions.',
    remediation: 'Keep RBAC changes with cluster administrators.', references: [GOOD_PRACTICES], aliases: ['KSV050', 'AVD-KSV-0050'], frameworks: [cis('5.1.8')],
    test: (rules) => (literal(rules, ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'], [...WRITE, '*']) ? 'names RBAC resources with write verbs' : undefined),
  }),
  role({
    id: 'BLW-K8S-320', severity: 'medium', title: 'RBAC rule uses a wildcard',
    description: 'A wildcard in apiGroups, resources or verbs grants every present and future value, including ones added by CRDs and new Kubernetes versions.',
    remediation: 'List the API groups, resources and verbs the subject needs instead of "*".',
    references: [GOOD_PRACTICES], aliases: ['CKV_K8S_49', 'wildcard-in-rules'], frameworks: [cis('5.1.3')],
    test: (rules) => {
      const r = rules.find((x) => x.apiGroups.includes('*') || x.resources.includes('*') || x.verbs.includes('*'));
      return r ? `rule uses "*" (apiGroups [${r.apiGroups.join(', ')}], resources [${r.resources.join(', ')}], verbs [${r.verbs.join(', ')}])` : undefined;
    },
  }),
  role({
    id: 'BLW-K8S-325', severity: 'high', title: 'Role can manage networking',
    description: 'Write access to services, endpoints, ingresses and network policies redirects or opens traffic.', remediation: 'Remove write verbs on networking resources.',
    references: [GOOD_PRACTICES], aliases: ['KSV056', 'AVD-KSV-0056'], frameworks: [],
    test: (rules) =>
      literal(rules, ['services', 'endpoints', 'endpointslices', 'networkpolicies', 'ingresses'], [...WRITE, 'impersonate', '*'])
        ? 'names networking resources with write verbs'
        : undefined,
  }),
  role({
    id: 'BLW-K8S-336', severity: 'critical', title: 'RBAC rule grants every verb',
    description: 'verbs: ["*"] includes escalate, bind, impersonate and delete on the resources named.',
    remediation: 'List the verbs needed.', references: [GOOD_PRACTICES], aliases: ['KSV045', 'AVD-KSV-0045'], frameworks: [cis('5.1.3')],
    test: (rules) => (rules.some((r) => r.verbs.includes('*')) ? 'a rule grants verbs ["*"]' : undefined),
  }),
  role({
    id: 'BLW-K8S-337', kinds: ['ClusterRole'], severity: 'critical', title: 'ClusterRole can manage secrets',
    description: 'Viewing secrets cluster-wide is akin to cluster-admin: some service account bound to cluster-admin usually has its token in a secret.',
    remediation: 'Remove "secrets" from the ClusterRole.', references: [GOOD_PRACTICES], aliases: ['KSV041', 'AVD-KSV-0041', 'no-manage-secrets'], frameworks: [cis('5.1.2')],
    test: (rules) => (literal(rules, ['secrets'], TRIVY_VERBS) ? 'names resource "secrets"' : undefined),
  }),
  role({
    id: 'BLW-K8S-338', kinds: ['Role'], severity: 'medium', title: 'Role can manage secrets of its namespace',
    description: 'Secrets of a namespace often hold tokens and credentials of its workloads.',
    remediation: 'Remove "secrets" from the Role or restrict it with resourceNames.', references: [GOOD_PRACTICES], aliases: ['KSV113', 'AVD-KSV-0113'], frameworks: [cis('5.1.2')],
    test: (rules) => (literal(rules, ['secrets'], TRIVY_VERBS) ? 'names resource "secrets"' : undefined),
  }),
  role({
    id: 'BLW-K8S-339', kinds: ['ClusterRole'], severity: 'critical', title: 'ClusterRole manages all resources',
    description: 'resources ["*"] with write verbs lets the holder change any object, secrets and RBAC included.',
    remediation: 'Name the resources the subject manages.', references: [GOOD_PRACTICES], aliases: ['KSV046', 'AVD-KSV-0046'], frameworks: [cis('5.1.3')],
    test: (rules) => (literal(rules, ['*'], TRIVY_VERBS) ? 'a rule grants verbs on resources ["*"]' : undefined),
  }),
  role({
    id: 'BLW-K8S-340', kinds: ['Role'], severity: 'critical', title: 'Role manages all resources of its namespace',
    description: 'resources ["*"] with write verbs in a namespace covers its secrets, workloads and RoleBindings.',
    remediation: 'Name the resources the subject manages.', references: [GOOD_PRACTICES], aliases: ['KSV112', 'AVD-KSV-0112'], frameworks: [cis('5.1.3')],
    test: (rules) => (literal(rules, ['*'], TRIVY_VERBS) ? 'a rule grants verbs on resources ["*"] of the namespace' : undefined),
  }),
  role({
    id: 'BLW-K8S-341', severity: 'critical', title: 'Role can escalate roles',
    description: 'The escalate verb lets the holder add to a role permissions it does not hold.',
    remediation: 'Remove escalate on roles/clusterroles.', references: [GOOD_PRACTICES, RBAC_DOCS],
    aliases: ['CKV_K8S_158', 'C-0191', 'rule-can-bind-escalate'], frameworks: [cis('5.1.8')],
    test: (rules) => (any(rules, ['escalate'], RBAC, ['roles', 'clusterroles']) ? 'can escalate roles/clusterroles' : undefined),
  }),
  role({
    id: 'BLW-K8S-342', severity: 'medium', title: 'Role can manage configmaps',
    description: 'ConfigMaps drive workloads\' behaviour (CoreDNS Corefile, feature flags).', remediation: 'Remove write verbs on configmaps.',
    references: [GOOD_PRACTICES], aliases: ['KSV049', 'AVD-KSV-0049'], frameworks: [],
    test: (rules) => (literal(rules, ['configmaps'], [...WRITE, '*']) ? 'names configmaps with write verbs' : undefined),
  }),
];

export const bindingRisks: readonly BindingRisk[] = [
  binding({
    id: 'BLW-K8S-313', field: 'roleRef', severity: 'medium', title: 'Subject bound to the Kubernetes Dashboard role',
    description: 'The dashboard role gives its users the dashboard service account\'s reach, and the dashboard is a frequent initial-access target.',
    remediation: 'Bind only the dashboard service account to its role.',
    references: ['https://github.com/kubernetes/dashboard/blob/master/docs/user/access-control/README.md'], aliases: ['rule-access-dashboard-subject-v1'], frameworks: [],
    test: ({ binding: b }) => {
      if (!b.roleRef.name.includes('kubernetes-dashboard')) return undefined;
      const others = b.subjects.filter((s) => !s.name.includes('kubernetes-dashboard'));
      return others.length > 0 ? `binds ${others.map((s) => s.name).join(', ')} to ${b.roleRef.name}` : undefined;
    },
  }),
  binding({
    id: 'BLW-K8S-316', field: 'roleRef', severity: 'critical', title: 'Subject can create pods in kube-system',
    description: 'Pods in kube-system can run as its controllers\' service accounts, several of which are cluster-admin equivalent.',
    remediation: 'Do not grant create on pods or workloads in kube-system (nor cluster-wide).', references: [GOOD_PRACTICES], aliases: [], frameworks: [cis('5.1.4')],
    test: ({ binding: b, role: r }) => {
      if (!r || b.subjects.length === 0 || (b.kind === 'RoleBinding' && b.namespace !== 'kube-system')) return undefined;
      const w = WORKLOADS.find(([g, res]) => any(r.rules, ['create'], g, [res]));
      return w ? `${b.kind === 'ClusterRoleBinding' ? 'cluster-wide' : 'in kube-system'}: can create ${w[1]}` : undefined;
    },
  }),
  binding({
    id: 'BLW-K8S-330', field: 'roleRef', severity: 'medium', title: 'Binding to cluster-admin',
    description: 'cluster-admin bypasses every RBAC restriction.', remediation: 'Bind a least-privilege role instead.',
    references: [GOOD_PRACTICES], aliases: ['KSV111', 'AVD-KSV-0111'], frameworks: [cis('5.1.1')],
    test: ({ binding: b }) => (b.roleRef.kind === 'ClusterRole' && b.roleRef.name === 'cluster-admin' && b.subjects.length > 0 ? `binds ${b.subjects.length} subject(s) to cluster-admin` : undefined),
  }),
  binding({
    id: 'BLW-K8S-332', field: 'subjects', severity: 'medium', title: 'Default service account has role bindings',
    description: 'Every pod that names no service account runs as "default": permissions given to it go to all of them.',
    remediation: 'Create a dedicated service account per workload and bind roles to it.', references: [GOOD_PRACTICES],
    aliases: ['C-0239', 'ensure-default-service-accounts-has-only-default-roles'], frameworks: [cis('5.1.5')],
    test: ({ binding: b }) => {
      if (b.labels['kubernetes.io/bootstrapping'] === 'rbac-defaults') return undefined;
      const d = b.subjects.find((s) => s.kind === 'ServiceAccount' && s.name === 'default');
      return d ? `binds service account ${d.namespace}/default to ${b.roleRef.kind} ${b.roleRef.name}` : undefined;
    },
  }),
  binding({
    id: 'BLW-K8S-333', field: 'subjects', severity: 'medium', title: 'Binding grants access to anonymous users',
    description: 'Subjects system:anonymous and system:unauthenticated are whoever reaches the API server without credentials.',
    remediation: 'Remove anonymous subjects from bindings (and disable --anonymous-auth where possible).', references: [RBAC_DOCS],
    aliases: ['C-0262', 'anonymous-access-enabled'], frameworks: [],
    test: ({ binding: b }) => {
      const a = b.subjects.find((s) => (s.kind === 'User' && s.name === 'system:anonymous') || (s.kind === 'Group' && s.name === 'system:unauthenticated'));
      return a ? `binds ${a.kind} ${a.name} to ${b.roleRef.kind} ${b.roleRef.name}` : undefined;
    },
  }),
  binding({
    id: 'BLW-K8S-334', field: 'subjects', severity: 'critical', title: 'Every authenticated user can take over the cluster',
    description: 'A binding gives group system:authenticated (or system:serviceaccounts) takeover-grade permissions.',
    remediation: 'Bind such roles to named subjects only.', references: [GOOD_PRACTICES, RBAC_DOCS],
    aliases: ['C-0265', 'system-authenticated-allowed-to-take-over-cluster'], frameworks: [],
    test: ({ binding: b, role: r }) => {
      const g = b.subjects.find((s) => s.kind === 'Group' && (s.name === 'system:authenticated' || s.name === 'system:serviceaccounts'));
      if (!g || !r) return undefined;
      const powers = takeoverPowers(r.rules);
      return powers.length > 0 ? `group ${g.name} gets ${powers.join(', ')} through ${r.kind} ${r.name}` : undefined;
    },
  }),
];

/** Reported on a workload whose mounted service-account token holds takeover-grade permissions. */
export const workloadRisk: WorkloadRisk = {
  on: 'workload', id: 'BLW-K8S-335', severity: 'high', title: 'Workload runs with a service account that can take over the cluster',
  description: 'A workload that mounts the token of a service account with takeover-grade permissions hands them to anyone who compromises it.',
  remediation: 'Run the workload as a least-privilege service account, or set automountServiceAccountToken: false.',
  references: [GOOD_PRACTICES], aliases: ['C-0267', 'workload-with-cluster-takeover-roles', 'C-0272', 'workload-with-administrative-roles'], frameworks: [cis('5.1.6')],
  test: ({ serviceAccount, grants }) => {
    const powers = [...new Set(grants.flatMap((g) => takeoverPowers(g.role.rules)))];
    return powers.length > 0 ? `mounts the token of ServiceAccount:${serviceAccount.namespace ?? 'default'}/${serviceAccount.name}, which can ${powers.join(', ')}` : undefined;
  },
};

/** Every rule of the family, in id order. */
export const rbacRisks: readonly RbacRisk[] = [...roleRisks, ...bindingRisks, workloadRisk].sort((a, b) => a.id.localeCompare(b.id));
