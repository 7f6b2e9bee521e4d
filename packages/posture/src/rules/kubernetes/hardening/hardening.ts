import type { K8sResource } from '../../../kubernetes/parse.js';
import { atContainer, atPod, defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { containersOf, getIn, isRecord, podOf } from '../../../kubernetes/workload.js';
import type { PodRef } from '../../../kubernetes/workload.js';
import type { DocPath, Violation } from '../../types.js';

// Pod and container hardening checks the other families do not make in the peers' exact terms (Checkov's
// root-container and security-context checks, kube-linter's sysctl and OpenShift SCC checks), plus credentials left
// in ConfigMaps.

type Verdict = 'PASSED' | 'FAILED' | 'ABSENT';

function runAsNonRoot(sc: unknown): Verdict {
  if (!isRecord(sc) || !('runAsNonRoot' in sc)) return 'ABSENT';
  return sc.runAsNonRoot ? 'PASSED' : 'FAILED';
}

function runAsUser(sc: unknown): Verdict {
  if (!isRecord(sc) || !('runAsUser' in sc)) return 'ABSENT';
  return Number(sc.runAsUser) > 0 ? 'PASSED' : 'FAILED';
}

/** Checkov CKV_K8S_23: the first container that may run as root, container settings overriding the pod's. */
export function rootContainer(pod: PodRef): string | undefined {
  const podNonRoot = runAsNonRoot(pod.spec.securityContext);
  const podUser = runAsUser(pod.spec.securityContext);
  for (const c of containersOf(pod, ['containers'])) {
    const nonRoot = runAsNonRoot(c.container.securityContext);
    const user = runAsUser(c.container.securityContext);
    const name = c.container.name ?? String(c.index);
    if (podNonRoot === 'PASSED') {
      if (nonRoot === 'FAILED' && user !== 'PASSED') return `container ${name} sets runAsNonRoot: false without a non-zero runAsUser`;
    } else if (podUser === 'PASSED') {
      if (user === 'FAILED') return `container ${name} sets runAsUser: 0`;
    } else if (nonRoot !== 'PASSED' && user !== 'PASSED') {
      return `container ${name} may run as root (neither pod nor container sets runAsNonRoot: true or a non-zero runAsUser)`;
    }
  }
  return undefined;
}

export const rootContainers = defineK8sRule({
  id: 'BLW-K8S-950',
  title: 'Containers may run as root',
  severity: 'medium',
  description: 'Unless runAsNonRoot: true or a non-zero runAsUser applies to every container (container settings override the pod’s), the image decides, and most images run as root.',
  remediation: 'Set securityContext.runAsNonRoot: true (and a non-zero runAsUser) on the pod, and do not override it in containers.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  aliases: ['CKV_K8S_23'],
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.2.6' }],
  tags: ['hardening'],
  on: 'pod',
  check: (pod) => {
    const why = rootContainer(pod);
    return why ? [atPod(pod, 'securityContext', why)] : [];
  },
});

export const containerSecurityContext = defineK8sRule({
  id: 'BLW-K8S-951',
  title: 'Container has no securityContext',
  severity: 'low',
  description: 'A container without its own securityContext takes every runtime default (privilege escalation allowed, writable root filesystem, all default capabilities).',
  remediation: 'Give every container a securityContext with at least allowPrivilegeEscalation: false, readOnlyRootFilesystem: true and capabilities.drop: [ALL].',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  aliases: ['CKV_K8S_30'],
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.7.3' }],
  tags: ['hardening'],
  on: 'container',
  containerKinds: ['containers', 'initContainers'],
  check: (c) => (isRecord(c.container.securityContext) && Object.keys(c.container.securityContext).length > 0 ? [] : [atContainer(c, 'securityContext', 'has no securityContext')]),
});

export const gitSyncCommand = defineK8sRule({
  id: 'BLW-K8S-952',
  title: 'git-sync runs a configurable git binary (GITSYNC_GIT)',
  severity: 'high',
  description: 'git-sync executes the program named in GITSYNC_GIT; whoever can edit the workload (or its ConfigMap/env source) gets command execution with git-sync’s credentials.',
  remediation: 'Remove GITSYNC_GIT from git-sync containers and restrict who can change their environment.',
  references: ['https://www.akamai.com/blog/security-research/2024-august-kubernetes-gitsync-command-injection-defcon'],
  aliases: ['CKV_K8S_159'],
  tags: ['hardening'],
  on: 'container',
  containerKinds: ['containers', 'initContainers'],
  check: (c) => {
    const env = Array.isArray(c.container.env) ? c.container.env : [];
    const i = env.findIndex((e) => isRecord(e) && e.name === 'GITSYNC_GIT');
    return i >= 0 ? [atContainer(c, ['env', i, 'name'], 'sets GITSYNC_GIT')] : [];
  },
});

/** kube-linter's default unsafe sysctl prefixes. */
const UNSAFE_SYSCTLS = ['kernel.msg', 'kernel.sem', 'kernel.shm', 'fs.mqueue.', 'net.'];
/** Sysctls Kubernetes namespaces safely (the kubelet allows them by default, Pod Security baseline admits them). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
]);
const unsafeSysctl = (name: string): boolean => !SAFE_SYSCTLS.has(name) && UNSAFE_SYSCTLS.some((p) => name.startsWith(p));

/** Pod spec of a workload, OpenShift DeploymentConfig included. */
function podSpecOf(r: K8sResource): { spec: Record<string, unknown>; path: DocPath } | undefined {
  const pod = podOf(r);
  if (pod) return { spec: pod.spec, path: pod.path };
  if (r.kind === 'DeploymentConfig') {
    const spec = getIn(r.object, ['spec', 'template', 'spec']);
    if (isRecord(spec)) return { spec, path: ['spec', 'template', 'spec'] };
  }
  return undefined;
}

export const unsafeSysctls = defineK8sRule({
  id: 'BLW-K8S-953',
  title: 'Pod sets an unsafe sysctl',
  severity: 'medium',
  description: 'IPC (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*) and network (net.*) sysctls are not fully namespaced on every kernel; setting them from a pod can affect other pods or the node.',
  remediation: 'Remove the sysctl from securityContext.sysctls, or set it on dedicated nodes through the kubelet’s --allowed-unsafe-sysctls.',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/'],
  aliases: ['unsafe-sysctls'],
  tags: ['hardening'],
  on: 'resource',
  check: (r) => {
    const pod = podSpecOf(r);
    const sysctls = pod ? getIn(pod.spec, ['securityContext', 'sysctls']) : undefined;
    if (!pod || !Array.isArray(sysctls)) return [];
    return sysctls.flatMap((s, i): Violation[] => (isRecord(s) && typeof s.name === 'string' && unsafeSysctl(s.name)
      ? [{ message: `${r.kind} ${r.name} sets unsafe sysctl ${s.name}`, path: [...pod.path, 'securityContext', 'sysctls', i] }] : []));
  },
});

export const sccPrivileged = defineK8sRule({
  id: 'BLW-K8S-954',
  title: 'OpenShift SecurityContextConstraints admits privileged containers',
  severity: 'high',
  description: 'An SCC with allowPrivilegedContainer: true lets every user and service account it is granted to run privileged containers, i.e. take over the node.',
  remediation: 'Set allowPrivilegedContainer: false, and grant privileged SCCs only to the few platform service accounts that need them.',
  references: ['https://docs.openshift.com/container-platform/latest/authentication/managing-security-context-constraints.html'],
  aliases: ['scc-deny-privileged-container'],
  tags: ['hardening', 'openshift'],
  on: 'resource',
  kinds: ['SecurityContextConstraints'],
  check: (scc) => (scc.object.allowPrivilegedContainer === true ? [{ message: `SecurityContextConstraints ${scc.name} sets allowPrivilegedContainer: true`, path: ['allowPrivilegedContainer'] }] : []),
});

// kubescape's default sensitiveKeyNames (key names) and the value patterns shared with Trivy KSV0109
const SENSITIVE_KEYS = ['aws_access_key_id', 'aws_secret_access_key', 'azure_batchai_storage_account', 'azure_batchai_storage_key', 'azure_batch_account', 'azure_batch_key', 'secret', 'key', 'password', 'pwd', 'token', 'jwt', 'bearer', 'credential'];
const ALLOWED_KEY = ['_FILE'];
const SECRET_VALUES = [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, /\beyJhbGciO[A-Za-z0-9_-]+/, /\bAKIA[0-9A-Z]{16}\b/, /\bBearer\s+[A-Za-z0-9._~+/-]{8,}/];
/** "NAME=value" / "name: value" lines inside a value (env files, properties) naming a credential. */
const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z0-9_.-]*(?:password|passwd|pwd|passphrase|secret|token|aws_access_key_id|apikey|api_key)[A-Za-z0-9_.-]*)\s*[=:]\s*(\S.*)$/i;

export function configMapSecrets(data: Record<string, unknown>): { key: string; why: string }[] {
  const out: { key: string; why: string }[] = [];
  for (const [key, raw] of Object.entries(data)) {
    if (raw === null || raw === undefined) continue;
    const value = String(raw);
    if (value.trim() === '') continue;
    const lower = key.toLowerCase();
    if (SENSITIVE_KEYS.some((k) => lower.includes(k)) && !ALLOWED_KEY.some((a) => key.toUpperCase().includes(a))) {
      out.push({ key, why: 'its key names a credential' });
      continue;
    }
    if (SECRET_VALUES.some((re) => re.test(value))) {
      out.push({ key, why: 'its value looks like a key or token' });
      continue;
    }
    const line = value.split('\n').map((l) => ASSIGNMENT.exec(l)).find((m) => m && !/^\$\{.*\}$|^<.*>$/.test(m[2]!.trim()));
    if (line) out.push({ key, why: `it assigns ${line[1]}` });
  }
  return out;
}

export const configMapCredentials = defineK8sRule({
  id: 'BLW-K8S-955',
  title: 'ConfigMap holds credentials',
  severity: 'high',
  description: 'ConfigMaps are plain text, readable by anyone with get/list on configmaps and copied into logs and backups; passwords, tokens and keys belong in Secrets or an external store.',
  remediation: 'Move the value to a Secret (or an external secret store) and reference it from the workload.',
  references: ['https://kubernetes.io/docs/concepts/configuration/configmap/', 'https://kubernetes.io/docs/concepts/configuration/secret/'],
  aliases: ['KSV-0109', 'AVD-KSV-0109', 'KSV109', 'configMap_with_secrets', 'kubernetes-configMap-with-secrets', 'rule-credentials-configmap'],
  tags: ['hardening', 'secrets'],
  on: 'resource',
  kinds: ['ConfigMap'],
  check: (cm) => {
    const data = isRecord(cm.object.data) ? cm.object.data : {};
    return configMapSecrets(data).map(({ key, why }): Violation => ({ message: `ConfigMap ${cm.name} key ${key}: ${why}`, path: ['data', key] }));
  },
});

export const hardeningRules: readonly K8sRule[] = [rootContainers, containerSecurityContext, gitSyncCommand, unsafeSysctls, sccPrivileged, configMapCredentials];
