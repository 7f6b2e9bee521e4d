import type { Severity } from '@bulwark/core';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import type { DocPath, Violation } from '../../types.js';
import { filesAt, hostViolation, isHost } from './host-data.js';
import type { HostFile, HostKind } from './host-data.js';

// CIS Kubernetes Benchmark 1.9 sections 1.1 (control-plane node files) and 4.1 (worker node files), plus the EKS
// benchmark's 644 variants, judged on the stat data of a node data object.
const CIS = 'https://www.cisecurity.org/benchmark/kubernetes';

interface FileRule {
  id: string;
  kind: HostKind;
  /** Where the file (or the array of files) sits in the object. */
  at: DocPath;
  /** A second place holding files judged the same way (the PKI files next to the PKI directory). */
  also?: DocPath;
  what: string;
  /** Most permissive mode allowed (octal), for permission rules. */
  mode?: number;
  /** Accepted "user:group" owners, for ownership rules. */
  owners?: readonly string[];
  /** Only files whose path passes (PKI certificates vs keys). */
  only?: (path: string) => boolean;
  cis?: string;
  severity?: Severity;
  aliases: string[];
}

const cp = 'ControlPlaneInfo' as const;
const kubelet = 'KubeletInfo' as const;
const ROOT = ['root:root'];

const TABLE: readonly FileRule[] = [
  { id: 'BLW-K8S-800', kind: cp, at: ['data', 'APIServerInfo', 'specsFile'], what: 'API server pod specification file', mode: 0o600, cis: '1.1.1', aliases: ['C-0092', 'ensure-that-the-API-server-pod-specification-file-permissions-are-set-to-600-or-more-restrictive'] },
  { id: 'BLW-K8S-801', kind: cp, at: ['data', 'APIServerInfo', 'specsFile'], what: 'API server pod specification file', owners: ROOT, cis: '1.1.2', aliases: ['C-0093', 'ensure-that-the-API-server-pod-specification-file-ownership-is-set-to-root-root'] },
  { id: 'BLW-K8S-802', kind: cp, at: ['data', 'controllerManagerInfo', 'specsFile'], what: 'controller manager pod specification file', mode: 0o600, cis: '1.1.3', aliases: ['C-0094', 'ensure-that-the-controller-manager-pod-specification-file-permissions-are-set-to-600-or-more-restrictive'] },
  { id: 'BLW-K8S-803', kind: cp, at: ['data', 'controllerManagerInfo', 'specsFile'], what: 'controller manager pod specification file', owners: ROOT, cis: '1.1.4', aliases: ['C-0095', 'ensure-that-the-controller-manager-pod-specification-file-ownership-is-set-to-root-root'] },
  { id: 'BLW-K8S-804', kind: cp, at: ['data', 'schedulerInfo', 'specsFile'], what: 'scheduler pod specification file', mode: 0o600, cis: '1.1.5', aliases: ['C-0096', 'ensure-that-the-scheduler-pod-specification-file-permissions-are-set-to-600-or-more-restrictive'] },
  { id: 'BLW-K8S-805', kind: cp, at: ['data', 'schedulerInfo', 'specsFile'], what: 'scheduler pod specification file', owners: ROOT, cis: '1.1.6', aliases: ['C-0097', 'ensure-that-the-scheduler-pod-specification-file-ownership-is-set-to-root-root'] },
  { id: 'BLW-K8S-806', kind: cp, at: ['data', 'etcdConfigFile'], what: 'etcd pod specification file', mode: 0o600, cis: '1.1.7', aliases: ['C-0098', 'ensure-that-the-etcd-pod-specification-file-permissions-are-set-to-600-or-more-restrictive'] },
  { id: 'BLW-K8S-807', kind: cp, at: ['data', 'etcdConfigFile'], what: 'etcd pod specification file', owners: ROOT, cis: '1.1.8', aliases: ['C-0099', 'ensure-that-the-etcd-pod-specification-file-ownership-is-set-to-root-root'] },
  { id: 'BLW-K8S-808', kind: 'CNIInfo', at: ['data', 'CNIConfigFiles'], what: 'CNI configuration file', mode: 0o600, cis: '1.1.9', aliases: ['C-0100', 'ensure-that-the-Container-Network-Interface-file-permissions-are-set-to-600-or-more-restrictive'] },
  { id: 'BLW-K8S-809', kind: 'CNIInfo', at: ['data', 'CNIConfigFiles'], what: 'CNI configuration file', owners: ROOT, cis: '1.1.10', aliases: ['C-0101', 'ensure-that-the-Container-Network-Interface-file-ownership-is-set-to-root-root'] },
  { id: 'BLW-K8S-810', kind: cp, at: ['data', 'etcdDataDir'], what: 'etcd data directory', mode: 0o700, cis: '1.1.11', aliases: ['C-0102', 'ensure-that-the-etcd-data-directory-permissions-are-set-to-700-or-more-restrictive'] },
  // CIS asks for etcd:etcd; kubeadm runs etcd as root and kubescape accepts root:root, so both pass
  { id: 'BLW-K8S-811', kind: cp, at: ['data', 'etcdDataDir'], what: 'etcd data directory', owners: ['etcd:etcd', 'root:root'], cis: '1.1.12', aliases: ['C-0103', 'ensure-that-the-etcd-data-directory-ownership-is-set-to-etcd-etcd'] },
  { id: 'BLW-K8S-812', kind: cp, at: ['data', 'adminConfigFile'], what: 'admin.conf', mode: 0o600, cis: '1.1.13', severity: 'high', aliases: ['C-0104', 'ensure-that-the-admin.conf-file-permissions-are-set-to-600'] },
  { id: 'BLW-K8S-813', kind: cp, at: ['data', 'adminConfigFile'], what: 'admin.conf', owners: ROOT, cis: '1.1.14', severity: 'high', aliases: ['C-0105', 'ensure-that-the-admin.conf-file-ownership-is-set-to-root-root'] },
  { id: 'BLW-K8S-814', kind: cp, at: ['data', 'schedulerInfo', 'configFile'], what: 'scheduler.conf', mode: 0o600, cis: '1.1.15', aliases: ['C-0106', 'ensure-that-the-scheduler.conf-file-permissions-are-set-to-600-or-more-restrictive'] },
  { id: 'BLW-K8S-815', kind: cp, at: ['data', 'schedulerInfo', 'configFile'], what: 'scheduler.conf', owners: ROOT, cis: '1.1.16', aliases: ['C-0107', 'ensure-that-the-scheduler.conf-file-ownership-is-set-to-root-root'] },
  { id: 'BLW-K8S-816', kind: cp, at: ['data', 'controllerManagerInfo', 'configFile'], what: 'controller-manager.conf', mode: 0o600, cis: '1.1.17', aliases: ['C-0108', 'ensure-that-the-controller-manager.conf-file-permissions-are-set-to-600-or-more-restrictive'] },
  { id: 'BLW-K8S-817', kind: cp, at: ['data', 'controllerManagerInfo', 'configFile'], what: 'controller-manager.conf', owners: ROOT, cis: '1.1.18', aliases: ['C-0109', 'ensure-that-the-controller-manager.conf-file-ownership-is-set-to-root-root'] },
  { id: 'BLW-K8S-818', kind: cp, at: ['data', 'PKIDir'], also: ['data', 'PKIFiles'], what: 'Kubernetes PKI directory or file', owners: ROOT, cis: '1.1.19', aliases: ['C-0110', 'ensure-that-the-Kubernetes-PKI-directory-and-file-ownership-is-set-to-root-root'] },
  { id: 'BLW-K8S-820', kind: cp, at: ['data', 'PKIFiles'], what: 'Kubernetes PKI certificate', mode: 0o600, only: (p) => p.endsWith('.crt'), cis: '1.1.20', aliases: ['C-0111', 'ensure-that-the-Kubernetes-PKI-certificate-file-permissions-are-set-to-600-or-more-restrictive'] },
  { id: 'BLW-K8S-821', kind: cp, at: ['data', 'PKIFiles'], what: 'Kubernetes PKI key', mode: 0o600, only: (p) => p.endsWith('.key'), cis: '1.1.21', severity: 'high', aliases: ['C-0112', 'ensure-that-the-Kubernetes-PKI-key-file-permissions-are-set-to-600'] },
  { id: 'BLW-K8S-822', kind: kubelet, at: ['data', 'serviceFiles'], what: 'kubelet service file', mode: 0o600, cis: '4.1.1', aliases: ['C-0162', 'ensure-that-the-kubelet-service-file-permissions-are-set-to-600-or-more-restrictive'] },
  { id: 'BLW-K8S-823', kind: kubelet, at: ['data', 'serviceFiles'], what: 'kubelet service file', owners: ROOT, cis: '4.1.2', aliases: ['C-0163', 'ensure-that-the-kubelet-service-file-ownership-is-set-to-root-root'] },
  { id: 'BLW-K8S-824', kind: 'KubeProxyInfo', at: ['data', 'kubeConfigFile'], what: 'kube-proxy kubeconfig', mode: 0o600, cis: '4.1.3', aliases: ['C-0164', 'if-proxy-kubeconfig-file-exists-ensure-permissions-are-set-to-600-or-more-restrictive'] },
  { id: 'BLW-K8S-825', kind: 'KubeProxyInfo', at: ['data', 'kubeConfigFile'], what: 'kube-proxy kubeconfig', owners: ROOT, cis: '4.1.4', aliases: ['C-0165', 'if-proxy-kubeconfig-file-exists-ensure-ownership-is-set-to-root-root'] },
  { id: 'BLW-K8S-826', kind: kubelet, at: ['data', 'kubeConfigFile'], what: 'kubelet kubeconfig (kubelet.conf)', mode: 0o600, cis: '4.1.5', aliases: ['C-0166', 'ensure-that-the-kubeconfig-kubelet.conf-file-permissions-are-set-to-600-or-more-restrictive'] },
  { id: 'BLW-K8S-827', kind: kubelet, at: ['data', 'kubeConfigFile'], what: 'kubelet kubeconfig (kubelet.conf)', owners: ROOT, cis: '4.1.6', aliases: ['C-0167', 'ensure-that-the-kubeconfig-kubelet.conf-file-ownership-is-set-to-root-root'] },
  { id: 'BLW-K8S-828', kind: kubelet, at: ['data', 'clientCAFile'], what: 'kubelet client CA file', mode: 0o600, cis: '4.1.7', aliases: ['C-0168', 'ensure-that-the-certificate-authorities-file-permissions-are-set-to-600-or-more-restrictive'] },
  { id: 'BLW-K8S-829', kind: kubelet, at: ['data', 'clientCAFile'], what: 'kubelet client CA file', owners: ROOT, cis: '4.1.8', aliases: ['C-0169', 'ensure-that-the-client-certificate-authorities-file-ownership-is-set-to-root-root'] },
  { id: 'BLW-K8S-830', kind: kubelet, at: ['data', 'configFile'], what: 'kubelet config file', mode: 0o600, cis: '4.1.9', aliases: ['C-0170', 'if-the-kubelet-config.yaml-configuration-file-is-being-used-validate-permissions-set-to-600-or-more-restrictive'] },
  { id: 'BLW-K8S-831', kind: kubelet, at: ['data', 'configFile'], what: 'kubelet config file', owners: ROOT, cis: '4.1.10', aliases: ['C-0171', 'ensure-that-the-kubelet-configuration-file-ownership-is-set-to-root-root'] },
  // CIS Amazon EKS Benchmark 3.1.x allows 644 on worker node files
  { id: 'BLW-K8S-832', kind: kubelet, at: ['data', 'configFile'], what: 'kubelet config file', mode: 0o644, severity: 'low', aliases: ['C-0235', 'ensure-that-the-kubelet-configuration-file-has-permissions-set-to-644-or-more-restrictive'] },
  { id: 'BLW-K8S-833', kind: kubelet, at: ['data', 'kubeConfigFile'], what: 'kubelet kubeconfig (kubelet.conf)', mode: 0o644, severity: 'low', aliases: ['C-0238', 'Ensure-that-the-kubeconfig-file-permissions-are-set-to-644-or-more-restrictive'] },
];

const octal = (n: number): string => n.toString(8).padStart(3, '0');

function judge(spec: FileRule, file: HostFile): string | undefined {
  if (spec.mode !== undefined) {
    if (typeof file.permissions !== 'number' || !Number.isInteger(file.permissions)) return undefined;
    // any bit outside the allowed mode is too permissive
    const extra = file.permissions & ~spec.mode & 0o7777;
    return extra === 0 ? undefined : `${file.path} has mode ${octal(file.permissions)} (at most ${octal(spec.mode)} allowed)`;
  }
  const o = file.ownership;
  // the sensor could not stat the owner: nothing to judge
  if (!o || o.error !== undefined || (o.username === undefined && o.groupname === undefined)) return undefined;
  const owner = `${o.username ?? ''}:${o.groupname ?? ''}`;
  return spec.owners!.includes(owner) ? undefined : `${file.path} is owned by ${owner} (want ${spec.owners!.join(' or ')})`;
}

function fileRule(spec: FileRule): K8sRule {
  const mode = spec.mode !== undefined;
  const want = mode ? `${octal(spec.mode!)} or more restrictive` : spec.owners!.join(' or ');
  return defineK8sRule({
    id: spec.id,
    title: mode ? `${spec.what} permissions are wider than ${octal(spec.mode!)}` : `${spec.what} is not owned by ${spec.owners![0]}`,
    severity: spec.severity ?? 'medium',
    description: mode
      ? `The ${spec.what} holds cluster configuration or credentials; anyone on the node who can read or change it can read secrets or reconfigure the component.`
      : `The ${spec.what} must belong to ${spec.owners!.join(' or ')} so that only the administrators of the node can change it.`,
    remediation: mode ? `chmod ${octal(spec.mode!)} <file> on the node (CIS ${spec.cis ?? 'EKS 3.1'}).` : `chown ${spec.owners![0]} <file> on the node.`,
    references: [CIS],
    aliases: spec.aliases,
    frameworks: spec.cis ? [{ framework: 'cis-kubernetes-1.9', control: spec.cis }] : [],
    tags: ['host'],
    on: 'resource',
    kinds: [spec.kind],
    check: (r: K8sResource) => {
      if (!isHost(r, spec.kind)) return [];
      const out: Violation[] = [];
      for (const { file, path } of [...filesAt(r, spec.at), ...(spec.also ? filesAt(r, spec.also) : [])]) {
        if (spec.only && !spec.only(file.path)) continue;
        const why = judge(spec, file);
        if (why) out.push(hostViolation(r, `${why}; want ${want}`, [...path, mode ? 'permissions' : 'ownership']));
      }
      return out;
    },
  });
}

export const fileRules: readonly K8sRule[] = TABLE.map(fileRule);
