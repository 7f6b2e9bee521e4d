import { atContainer, atPod, defineK8sRule } from '../../../kubernetes/rule.js';
import { POD_SPEC_PATHS, containersOf, getIn, isRecord } from '../../../kubernetes/workload.js';
import type { PodRef } from '../../../kubernetes/workload.js';
import type { Fix, Violation } from '../../types.js';
import { appendFix, setFix } from '../../../fix/defaults.js';
import { RUNTIME_DEFAULT_SECCOMP } from './containers.js';
import { parseImage } from './image.js';

function hostPathVolumes(pod: PodRef): { name: string; path: string; index: number }[] {
  const vols = Array.isArray(pod.spec.volumes) ? pod.spec.volumes : [];
  return vols.flatMap((v, index) => (isRecord(v) && isRecord(v.hostPath) ? [{ name: String(v.name), path: String(v.hostPath.path ?? ''), index }] : []));
}

export const defaultNamespace = defineK8sRule({
  id: 'BLW-K8S-215',
  title: 'Workload in the default namespace',
  severity: 'low',
  description: 'The default namespace mixes unrelated workloads and usually carries no policies; use dedicated namespaces.',
  remediation: 'Set metadata.namespace to a dedicated namespace.',
  references: ['https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/'],
  aliases: ['CKV_K8S_21', 'pods-in-default-namespace', 'C-0061', 'KSV110', 'AVD-KSV-0110', 'KSV-0110', 'default-namespace-should-not-be-used'],
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.7.4' }],
  on: 'resource',
  check: (r) => {
    if (!POD_SPEC_PATHS[r.kind]) return [];
    return r.namespace === undefined || r.namespace === 'default' ? [{ message: `${r.kind} ${r.name} is in the default namespace`, path: ['metadata', 'namespace'] }] : [];
  },
});

export const automountToken = defineK8sRule({
  id: 'BLW-K8S-216',
  title: 'Service account token mounted automatically',
  severity: 'low',
  description: 'Most pods never call the API server; a mounted token is a credential an intruder can use.',
  remediation: 'Set automountServiceAccountToken: false on the pod spec (or the ServiceAccount) unless the pod needs the API.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting'],
  aliases: ['CKV_K8S_38'],
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.1.6' }],
  on: 'pod',
  check: (pod) =>
    pod.spec.automountServiceAccountToken === false
      ? []
      : [{ ...atPod(pod, 'automountServiceAccountToken', 'automountServiceAccountToken is not false'), fix: setFix([...pod.path, 'automountServiceAccountToken'], false) }],
});

export const writableHostPath = defineK8sRule({
  id: 'BLW-K8S-225',
  title: 'hostPath volume mounted writable',
  severity: 'high',
  description: 'A writable hostPath mount lets the container change node files, a direct path to node compromise.',
  remediation: 'Mount hostPath volumes with readOnly: true, or avoid hostPath.',
  references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
  aliases: ['alert-rw-hostpath', 'C-0045', 'writable-host-mount'],
  on: 'pod',
  check: (pod) => {
    const hp = new Set(hostPathVolumes(pod).map((v) => v.name));
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      const mounts = Array.isArray(c.container.volumeMounts) ? c.container.volumeMounts : [];
      mounts.forEach((m, i) => {
        if (isRecord(m) && hp.has(String(m.name)) && m.readOnly !== true) out.push(atContainer(c, ['volumeMounts', i], `hostPath volume ${String(m.name)} is mounted writable`));
      });
    }
    return out;
  },
});

const SENSITIVE_HOST = ['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr', '/var/run/docker.sock', '/run/containerd/containerd.sock'];

export const sensitiveHostMount = defineK8sRule({
  id: 'BLW-K8S-226',
  title: 'Sensitive host directory mounted',
  severity: 'high',
  description: 'Mounting /, /etc, /proc, /sys, /dev, /boot, /lib, /usr or a runtime socket from the host exposes the node.',
  remediation: 'Remove the hostPath volume.',
  references: ['https://docs.kubelinter.io/#/generated/checks?id=sensitive-host-mounts'],
  aliases: ['sensitive-host-mounts'],
  on: 'pod',
  check: (pod) =>
    hostPathVolumes(pod)
      .filter((v) => SENSITIVE_HOST.includes(v.path.replace(/(.)\/+$/, '$1')))
      .map((v) => atPod(pod, ['volumes', v.index, 'hostPath', 'path'], `hostPath ${v.path} is a sensitive host path`)),
});

const CREDENTIAL_PATHS = ['/.aws/', '/.azure/', '/.config/gcloud/', '/etc/kubernetes/', '/var/lib/kubelet/', '/etc/azure/', '/var/lib/waagent/'];

export const credentialPathMount = defineK8sRule({
  id: 'BLW-K8S-234',
  title: 'Host path with cloud or kubelet credentials mounted',
  severity: 'high',
  description: 'Host directories holding cloud CLI credentials or kubelet keys give the pod those identities.',
  remediation: 'Remove the hostPath volume; use workload identity instead of node credentials.',
  references: ['https://hub.armosec.io/docs/c-0020'],
  aliases: ['alert-mount-potential-credentials-paths', 'C-0020'],
  on: 'pod',
  check: (pod) =>
    hostPathVolumes(pod)
      .filter((v) => CREDENTIAL_PATHS.some((p) => (v.path.endsWith('/') ? v.path : v.path + '/').includes(p)))
      .map((v) => atPod(pod, ['volumes', v.index, 'hostPath', 'path'], `hostPath ${v.path} may hold credentials`)),
});

export const deprecatedServiceAccount = defineK8sRule({
  id: 'BLW-K8S-228',
  title: 'Deprecated serviceAccount field used',
  severity: 'low',
  description: 'spec.serviceAccount is a deprecated alias of serviceAccountName and may be dropped.',
  remediation: 'Use spec.serviceAccountName.',
  references: ['https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/'],
  aliases: ['deprecated-service-account-field', 'C-0294'],
  on: 'pod',
  check: (pod) => (pod.spec.serviceAccount !== undefined ? [atPod(pod, 'serviceAccount', 'uses the deprecated serviceAccount field')] : []),
});

export const nakedPod = defineK8sRule({
  id: 'BLW-K8S-232',
  title: 'Pod not managed by a controller',
  severity: 'low',
  description: 'A bare Pod is not rescheduled when its node fails; use a Deployment, StatefulSet, DaemonSet or Job.',
  remediation: 'Wrap the pod in a workload controller.',
  references: ['https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs'],
  aliases: ['naked-pods', 'C-0073'],
  on: 'resource',
  kinds: ['Pod'],
  check: (r) => {
    const owners = getIn(r.object, ['metadata', 'ownerReferences']);
    return Array.isArray(owners) && owners.length > 0 ? [] : [{ message: `Pod ${r.name} has no owner`, path: ['metadata'] }];
  },
});

export const tiller = defineK8sRule({
  id: 'BLW-K8S-230',
  title: 'Helm v2 Tiller deployed',
  severity: 'critical',
  description: 'Tiller (Helm v2) runs with broad rights and an unauthenticated gRPC endpoint; it is end-of-life.',
  remediation: 'Migrate to Helm 3 and remove Tiller.',
  references: ['https://helm.sh/docs/topics/v2_v3_migration/'],
  aliases: ['KSV102', 'AVD-KSV-0102', 'KSV-0102', 'no-tiller', 'CKV_K8S_34'],
  on: 'container',
  check: (c, pod, r) => {
    const img = typeof c.container.image === 'string' ? parseImage(c.container.image).repository : '';
    const labels = isRecord(pod.metadata.labels) ? pod.metadata.labels : {};
    const isTiller = /(^|\/)tiller$/.test(img) || (labels.app === 'helm' && labels.name === 'tiller') || r.name.includes('tiller');
    return isTiller ? [atContainer(c, 'image', 'runs Tiller')] : [];
  },
});

export const systemNamespace = defineK8sRule({
  id: 'BLW-K8S-231',
  title: 'User workload in kube-system',
  severity: 'medium',
  description: 'kube-system holds control-plane components with powerful service accounts; user workloads do not belong there.',
  remediation: 'Move the workload to its own namespace.',
  references: ['https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/'],
  aliases: ['KSV037', 'AVD-KSV-0037', 'KSV-0037', 'no-user-pods-in-system-namespace', 'no-user-resources-in-system-namespace'],
  on: 'resource',
  check: (r) => {
    if (r.namespace !== 'kube-system' || !POD_SPEC_PATHS[r.kind]) return [];
    const component = r.labels.component ?? r.labels['k8s-app'] ?? '';
    const system = /^(kube-|etcd|coredns|kube-dns|calico|cilium|flannel|metrics-server)/.test(component) || r.labels.tier === 'control-plane';
    return system ? [] : [{ message: `${r.kind} ${r.name} runs in kube-system`, path: ['metadata', 'namespace'] }];
  },
});

export const netRaw = defineK8sRule({
  id: 'BLW-K8S-222',
  title: 'NET_RAW capability not dropped',
  severity: 'low',
  description: 'NET_RAW (in the default set) allows packet crafting and ARP/DNS spoofing inside the cluster network.',
  remediation: 'Add NET_RAW (or ALL) to securityContext.capabilities.drop.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container'],
  aliases: ['CKV_K8S_28', 'drop-capability-netraw'],
  on: 'container',
  check: (c) => {
    const drop = getIn(c.container.securityContext, ['capabilities', 'drop']);
    const list = Array.isArray(drop) ? drop.map((x) => String(x).toUpperCase()) : [];
    if (list.includes('ALL') || list.includes('NET_RAW') || list.includes('CAP_NET_RAW')) return [];
    const sc = c.container.securityContext;
    const caps = isRecord(sc) ? sc.capabilities : undefined;
    const fixable = (sc === undefined || sc === null || isRecord(sc)) && (caps === undefined || caps === null || isRecord(caps));
    // drop ALL, as the restricted Pod Security level asks, so this fix and BLW-K8S-020's coincide
    const fix = fixable ? appendFix([...c.path, 'securityContext', 'capabilities', 'drop'], drop, 'ALL') : undefined;
    const v = atContainer(c, 'securityContext.capabilities.drop', 'NET_RAW is not dropped');
    return [fix ? { ...v, fix } : v];
  },
});

function seccompOk(v: unknown): boolean {
  return v === 'RuntimeDefault' || v === 'runtime/default' || v === 'docker/default';
}

/**
 * RuntimeDefault on the container: its profile's type when it has a profile object, else a new profile. None when the
 * effective profile is a Localhost one (a custom profile is a choice, not a slip) or securityContext is not a map.
 */
function seccompFix(sc: unknown, scPath: readonly (string | number)[], effective: unknown): Fix | undefined {
  if (effective === 'Localhost' || (typeof effective === 'string' && effective.startsWith('localhost/'))) return undefined;
  if (sc !== undefined && sc !== null && !isRecord(sc)) return undefined;
  const own = isRecord(sc) ? sc.seccompProfile : undefined;
  if (isRecord(own)) return setFix([...scPath, 'seccompProfile', 'type'], 'RuntimeDefault');
  return own === undefined || own === null ? setFix([...scPath, 'seccompProfile'], RUNTIME_DEFAULT_SECCOMP) : undefined;
}

export const seccompDefault = defineK8sRule({
  id: 'BLW-K8S-223',
  title: 'No RuntimeDefault seccomp profile',
  severity: 'low',
  description: 'Without a seccomp profile the container may call every system call (Unconfined is the kubelet default).',
  remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault.',
  references: ['https://kubernetes.io/docs/tutorials/security/seccomp/'],
  aliases: ['CKV_K8S_31', 'KSV030', 'AVD-KSV-0030', 'KSV-0030', 'use-default-seccomp', 'set-seccomp-profile-RuntimeDefault', 'C-0210'],
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.7.2' }],
  on: 'pod',
  check: (pod, r) => {
    const ann = { ...(r.kind === 'Pod' ? r.annotations : {}), ...(isRecord(pod.metadata.annotations) ? (pod.metadata.annotations as Record<string, unknown>) : {}) };
    const podLevel = getIn(pod.spec.securityContext, ['seccompProfile', 'type']) ?? ann['seccomp.security.alpha.kubernetes.io/pod'];
    const out: Violation[] = [];
    for (const c of containersOf(pod, ['containers', 'initContainers'])) {
      const t = getIn(c.container.securityContext, ['seccompProfile', 'type']) ?? ann[`container.seccomp.security.alpha.kubernetes.io/${String(c.container.name)}`];
      if (!seccompOk(t ?? podLevel)) {
        const v = atContainer(c, 'securityContext.seccompProfile', 'no RuntimeDefault seccomp profile');
        const fix = seccompFix(c.container.securityContext, [...c.path, 'securityContext'], t ?? podLevel);
        out.push(fix ? { ...v, fix } : v);
      }
    }
    return out;
  },
});

function inDefaultNamespace(id: string, kind: string, alias: string): ReturnType<typeof defineK8sRule> {
  return defineK8sRule({
    id,
    title: `${kind} in the default namespace`,
    severity: 'low',
    description: `A ${kind} in the default namespace shares it with everything deployed without a namespace; policies and RBAC scoped to namespaces do not separate it.`,
    remediation: 'Set metadata.namespace to a dedicated namespace.',
    references: ['https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/'],
    aliases: [alias],
    frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.7.4' }],
    on: 'resource',
    kinds: [kind],
    check: (r) => (r.namespace === undefined || r.namespace === 'default' ? [{ message: `${kind} ${r.name} is in the default namespace`, path: ['metadata', 'namespace'] }] : []),
  });
}

export const defaultNamespaceObjects = [
  inDefaultNamespace('BLW-K8S-244', 'ConfigMap', 'configmap-in-default-namespace'),
  inDefaultNamespace('BLW-K8S-245', 'Endpoints', 'endpoints-in-default-namespace'),
  inDefaultNamespace('BLW-K8S-246', 'EndpointSlice', 'endpointslice-in-default-namespace'),
  inDefaultNamespace('BLW-K8S-247', 'Ingress', 'ingress-in-default-namespace'),
  inDefaultNamespace('BLW-K8S-248', 'Lease', 'lease-in-default-namespace'),
  inDefaultNamespace('BLW-K8S-249', 'ReplicationController', 'replicationcontroller-in-default-namespace'),
  inDefaultNamespace('BLW-K8S-250', 'Role', 'role-in-default-namespace'),
  inDefaultNamespace('BLW-K8S-251', 'RoleBinding', 'rolebinding-in-default-namespace'),
  inDefaultNamespace('BLW-K8S-252', 'Service', 'service-in-default-namespace'),
];
