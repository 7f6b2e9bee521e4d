import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import type { Violation } from '../../types.js';
import { bindingsOf, core, grants, group, isRole, roleRefOf, rulesOf, subjectsOf } from './permissions.js';
import type { Permission } from './permissions.js';

const REF = 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/';
const RBAC = 'rbac.authorization.k8s.io';

interface BoundSpec {
  id: string;
  title: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  description: string;
  permission: Permission;
  aliases: string[];
  cis?: string;
}

/** A role granting the permission AND bound to a subject in the scanned set (what an attacker can actually use). */
function boundRule(s: BoundSpec): K8sRule {
  return defineK8sRule({
    id: s.id,
    title: s.title,
    severity: s.severity,
    description: s.description,
    remediation: 'Remove the permission from the role, or the binding that grants it to the subject.',
    references: [REF],
    aliases: s.aliases,
    frameworks: s.cis ? [{ framework: 'cis-kubernetes-1.9', control: s.cis }] : [],
    tags: ['rbac'],
    on: 'resource',
    kinds: ['Role', 'ClusterRole'],
    check: (role, all) => {
      const hits = grants(role, s.permission);
      if (hits.length === 0) return [];
      const bindings = bindingsOf(role, all);
      return bindings.map((b) => ({
        message: `${role.kind} ${role.name} (bound by ${b.kind} ${b.name} to ${subjectsOf(b).map((x) => `${x.kind} ${x.name}`).join(', ') || 'no subject'}) grants ${s.title.toLowerCase()}`,
        path: ['rules', hits[0]!],
      }));
    },
  });
}

const WORKLOADS = [...core('pods', 'services', 'secrets'), ...group('apps', 'deployments', 'replicasets', 'daemonsets', 'statefulsets'), ...group('batch', 'jobs', 'cronjobs')];

export const boundRules: K8sRule[] = [
  boundRule({ id: 'BLW-K8S-300', title: 'Can read Secrets', severity: 'high', description: 'get/list/watch on secrets exposes every credential in scope.', permission: { verbs: ['get', 'list', 'watch'], resources: core('secrets') }, aliases: ['rule-can-list-get-secrets-v1', 'C-0015'], cis: '5.1.2' }),
  boundRule({ id: 'BLW-K8S-301', title: 'Can exec into pods', severity: 'high', description: 'create on pods/exec gives a shell in any pod in scope.', permission: { verbs: ['create', 'get', '*'], resources: core('pods/exec') }, aliases: ['exec-into-container-v1', 'C-0002'] }),
  boundRule({ id: 'BLW-K8S-302', title: 'Can delete workloads and secrets', severity: 'medium', description: 'delete on workloads, services or secrets allows denial of service and evidence removal.', permission: { verbs: ['delete', 'deletecollection'], resources: WORKLOADS }, aliases: ['rule-excessive-delete-rights-v1', 'C-0007'] }),
  boundRule({ id: 'BLW-K8S-303', title: 'Can create PersistentVolumes', severity: 'high', description: 'Creating a PersistentVolume can map a hostPath into a pod, escaping to the node.', permission: { verbs: ['create'], resources: core('persistentvolumes') }, aliases: ['rule-can-create-pv', 'C-0278'] }),
  boundRule({ id: 'BLW-K8S-304', title: 'Can escalate or bind roles', severity: 'critical', description: 'bind/escalate on roles lets the subject grant itself any permission.', permission: { verbs: ['bind', 'escalate'], resources: group(RBAC, 'roles', 'clusterroles') }, aliases: ['rule-can-bind-escalate', 'C-0191'], cis: '5.1.8' }),
  boundRule({ id: 'BLW-K8S-305', title: 'Can delete events', severity: 'low', description: 'Deleting events hides an attacker’s activity.', permission: { verbs: ['delete', 'deletecollection'], resources: [...core('events'), ...group('events.k8s.io', 'events')] }, aliases: ['rule-can-delete-k8s-events-v1', 'C-0031'] }),
  boundRule({ id: 'BLW-K8S-306', title: 'Can port-forward to pods', severity: 'medium', description: 'pods/portforward opens a tunnel to any pod port, bypassing network policies.', permission: { verbs: ['create', 'get', '*'], resources: core('pods/portforward') }, aliases: ['rule-can-portforward-v1', 'C-0063'] }),
  boundRule({ id: 'BLW-K8S-307', title: 'Can modify ConfigMaps', severity: 'low', description: 'update/patch on configmaps can change the configuration of other workloads (CoreDNS, kube-proxy).', permission: { verbs: ['update', 'patch'], resources: core('configmaps') }, aliases: ['rule-can-update-configmap-v1', 'C-0037'] }),
  boundRule({ id: 'BLW-K8S-308', title: 'Can modify admission webhooks', severity: 'high', description: 'Changing admission webhooks can disable policy enforcement or intercept every object.', permission: { verbs: ['create', 'update', 'patch', 'delete'], resources: group('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'validatingwebhookconfigurations') }, aliases: ['rule-can-modify-admission-webhooks', 'C-0281'] }),
  boundRule({ id: 'BLW-K8S-309', title: 'Can create service account tokens', severity: 'high', description: 'create on serviceaccounts/token mints credentials for any service account in scope.', permission: { verbs: ['create'], resources: core('serviceaccounts/token') }, aliases: ['rule-can-create-service-account-token', 'C-0282'] }),
  boundRule({ id: 'BLW-K8S-310', title: 'Can approve certificate signing requests', severity: 'high', description: 'Approving CSRs can issue client certificates for any identity, including system:masters.', permission: { verbs: ['update', 'patch'], resources: group('certificates.k8s.io', 'certificatesigningrequests/approval') }, aliases: ['rule-can-approve-cert-signing-request', 'C-0280'], cis: '5.1.11' }),
  boundRule({ id: 'BLW-K8S-311', title: 'Can access the proxy subresource', severity: 'high', description: 'nodes/proxy reaches the kubelet API directly, bypassing admission and audit.', permission: { verbs: ['get', 'create', 'connect', '*'], resources: core('nodes/proxy') }, aliases: ['rule-can-access-proxy-subresource', 'C-0279'], cis: '5.1.10' }),
  boundRule({ id: 'BLW-K8S-312', title: 'Has cluster-admin equivalent rights', severity: 'critical', description: 'A wildcard verb on wildcard resources is full control of everything in scope.', permission: { verbs: ['*'], resources: [{ group: '*', resource: '*' }] }, aliases: ['rule-list-all-cluster-admins-v1', 'C-0035', 'cluster-admin-role', 'C-0185'], cis: '5.1.1' }),
];

export const dashboardAccess = defineK8sRule({
  id: 'BLW-K8S-313',
  title: 'Subject bound to the Kubernetes dashboard role',
  severity: 'medium',
  description: 'The dashboard role is powerful and the dashboard is a frequent initial-access target.',
  remediation: 'Remove bindings to the kubernetes-dashboard role except for the dashboard itself.',
  references: ['https://hub.armosec.io/docs/c-0014'],
  aliases: ['rule-access-dashboard-subject-v1'],
  tags: ['rbac'],
  on: 'resource',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  check: (b) => (roleRefOf(b)?.name === 'kubernetes-dashboard' ? [{ message: `${b.kind} ${b.name} binds the kubernetes-dashboard role`, path: ['roleRef', 'name'] }] : []),
});

function roleOnly(id: string, title: string, severity: 'low' | 'medium' | 'high' | 'critical', description: string, aliases: string[], test: (r: ReturnType<typeof rulesOf>[number]) => boolean, cis?: string): K8sRule {
  return defineK8sRule({
    id,
    title,
    severity,
    description,
    remediation: 'Narrow the role to the verbs and resources the subject needs.',
    references: [REF],
    aliases,
    frameworks: cis ? [{ framework: 'cis-kubernetes-1.9', control: cis }] : [],
    tags: ['rbac'],
    on: 'resource',
    check: (role) => (isRole(role) ? rulesOf(role).filter(test).map((r): Violation => ({ message: `${role.kind} ${role.name}: ${title.toLowerCase()}`, path: ['rules', r.index] })) : []),
  });
}

const has = (xs: string[], ...ys: string[]): boolean => ys.some((y) => xs.includes(y));

export const roleRules: K8sRule[] = [
  roleOnly('BLW-K8S-320', 'Role uses wildcards', 'high', 'A wildcard in verbs or resources grants today’s and tomorrow’s permissions.', ['CKV_K8S_49', 'wildcard-in-rules'], (r) => has(r.verbs, '*') || has(r.resources, '*') || has(r.apiGroups, '*'), '5.1.3'),
  roleOnly('BLW-K8S-321', 'Role can approve certificate signing requests', 'high', 'update on certificatesigningrequests/approval with approve on signers issues certificates for any identity.', ['CKV_K8S_156'], (r) => has(r.resources, 'certificatesigningrequests/approval', '*') && has(r.verbs, 'update', 'patch', '*'), '5.1.11'),
  roleOnly('BLW-K8S-322', 'Role can escalate, bind or impersonate', 'critical', 'escalate/bind on roles or impersonate on users/groups/serviceaccounts leads to privilege escalation.', ['CKV_K8S_155', 'CKV_K8S_157', 'CKV_K8S_158'], (r) => has(r.verbs, 'escalate', 'bind', 'impersonate'), '5.1.8'),
  roleOnly('BLW-K8S-323', 'Role can read secrets', 'high', 'get/list/watch on secrets exposes every credential in scope.', ['KSV041', 'AVD-KSV-0041', 'KSV-0041', 'no-manage-secrets', 'access-to-secrets'], (r) => has(r.resources, 'secrets', '*') && has(r.verbs, 'get', 'list', 'watch', '*'), '5.1.2'),
];
