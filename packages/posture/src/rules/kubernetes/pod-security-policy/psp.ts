import { derived } from '../../../kubernetes/derived.js';
import { ofKind } from '../../../kubernetes/indexes.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sResource } from '../../../kubernetes/parse.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { getIn, isRecord } from '../../../kubernetes/workload.js';

// PodSecurityPolicy (policy/v1beta1, removed in 1.25) objects still ship in charts and EKS clusters.
const REF = 'https://kubernetes.io/docs/concepts/security/pod-security-policy/';

interface PspControl {
  /** Per-policy rule (checkov semantics). */
  id: string;
  /** Cluster-wide rule: fires on each permissive policy only when no policy in the set denies it (kubescape semantics). */
  clusterId: string;
  /** CIS Kubernetes 1.9 control (5.2.x admission of ...; 5.7.2 seccomp). */
  cis: string;
  title: string;
  severity: 'low' | 'medium' | 'high';
  field: string;
  checkov: string[];
  kubescape: string[];
  /** Why the policy admits the risky pod, undefined when it denies it. */
  permits(spec: Record<string, unknown>, psp: K8sResource): string | undefined;
  /** Kubescape's test when it differs. */
  permitsCluster?(spec: Record<string, unknown>, psp: K8sResource): string | undefined;
}

function specOf(r: K8sResource): Record<string, unknown> {
  return isRecord(r.object.spec) ? r.object.spec : {};
}

function rootAllowed(spec: Record<string, unknown>): string | undefined {
  const rule = getIn(spec, ['runAsUser', 'rule']);
  if (rule === 'MustRunAsNonRoot') return undefined;
  if (rule === 'MustRunAs') {
    const ranges = getIn(spec, ['runAsUser', 'ranges']);
    const list = Array.isArray(ranges) ? ranges.filter(isRecord) : [];
    return list.length > 0 && list.every((x) => Number(x.min) > 0) ? undefined : 'runAsUser ranges include UID 0';
  }
  return `runAsUser rule is ${String(rule ?? 'unset')}`;
}

const CONTROLS: PspControl[] = [
  { id: 'BLW-K8S-500', clusterId: 'BLW-K8S-550', cis: '5.2.2', title: 'admits privileged containers', severity: 'high', field: 'privileged', checkov: ['CKV_K8S_2'], kubescape: ['psp-deny-privileged-container', 'C-0213'], permits: (s) => (s.privileged === true ? 'privileged: true' : undefined) },
  { id: 'BLW-K8S-501', clusterId: 'BLW-K8S-551', cis: '5.2.3', title: 'admits the host PID namespace', severity: 'high', field: 'hostPID', checkov: ['CKV_K8S_1'], kubescape: ['psp-deny-hostpid', 'C-0214'], permits: (s) => (s.hostPID === true ? 'hostPID: true' : undefined) },
  { id: 'BLW-K8S-502', clusterId: 'BLW-K8S-552', cis: '5.2.4', title: 'admits the host IPC namespace', severity: 'high', field: 'hostIPC', checkov: ['CKV_K8S_3'], kubescape: ['psp-deny-hostipc', 'C-0215'], permits: (s) => (s.hostIPC === true ? 'hostIPC: true' : undefined) },
  { id: 'BLW-K8S-503', clusterId: 'BLW-K8S-553', cis: '5.2.5', title: 'admits the host network', severity: 'high', field: 'hostNetwork', checkov: ['CKV_K8S_4'], kubescape: ['psp-deny-hostnetwork', 'C-0216'], permits: (s) => (s.hostNetwork === true ? 'hostNetwork: true' : undefined) },
  {
    id: 'BLW-K8S-504', clusterId: 'BLW-K8S-554', cis: '5.2.6', title: 'admits privilege escalation', severity: 'medium', field: 'allowPrivilegeEscalation', checkov: ['CKV_K8S_5'], kubescape: ['psp-deny-allowprivilegeescalation', 'C-0217'],
    // the field defaults to true, which checkov counts; kubescape only flags an explicit true
    permits: (s) => (s.allowPrivilegeEscalation !== false ? 'allowPrivilegeEscalation is not false' : undefined),
    permitsCluster: (s) => (s.allowPrivilegeEscalation === true ? 'allowPrivilegeEscalation: true' : undefined),
  },
  { id: 'BLW-K8S-505', clusterId: 'BLW-K8S-555', cis: '5.2.7', title: 'admits root containers', severity: 'medium', field: 'runAsUser', checkov: ['CKV_K8S_6'], kubescape: ['psp-deny-root-container', 'C-0218'], permits: rootAllowed },
  { id: 'BLW-K8S-506', clusterId: 'BLW-K8S-556', cis: '5.2.9', title: 'allows adding capabilities', severity: 'medium', field: 'allowedCapabilities', checkov: ['CKV_K8S_24'], kubescape: ['psp-deny-allowed-capabilities', 'C-0219'], permits: (s) => (Array.isArray(s.allowedCapabilities) && s.allowedCapabilities.length > 0 ? `allowedCapabilities: ${s.allowedCapabilities.join(', ')}` : undefined) },
  { id: 'BLW-K8S-507', clusterId: 'BLW-K8S-557', cis: '5.2.10', title: 'does not require dropping capabilities', severity: 'low', field: 'requiredDropCapabilities', checkov: [], kubescape: ['psp-required-drop-capabilities', 'C-0220'], permits: (s) => (Array.isArray(s.requiredDropCapabilities) && s.requiredDropCapabilities.length > 0 ? undefined : 'requiredDropCapabilities is empty') },
  {
    id: 'BLW-K8S-508', clusterId: 'BLW-K8S-558', cis: '5.7.2', title: 'sets no default seccomp profile', severity: 'low', field: 'metadata', checkov: ['CKV_K8S_32'], kubescape: [],
    permits: (_s, psp) => {
      const v = psp.annotations['seccomp.security.alpha.kubernetes.io/defaultProfileName'];
      return v === 'runtime/default' || v === 'docker/default' ? undefined : 'no runtime/default seccomp defaultProfileName annotation';
    },
  },
];

function pathOf(c: PspControl): (string | number)[] {
  return c.field === 'metadata' ? ['metadata', 'annotations'] : ['spec', c.field];
}

function perPolicy(c: PspControl): K8sRule {
  return defineK8sRule({
    id: c.id,
    title: `PodSecurityPolicy ${c.title}`,
    severity: c.severity,
    description: `The PodSecurityPolicy ${c.title}; pods using it can weaken node isolation.`,
    remediation: `Tighten spec.${c.field} in the PodSecurityPolicy (and migrate to Pod Security Admission).`,
    references: [REF],
    aliases: c.checkov,
    frameworks: [{ framework: 'cis-kubernetes-1.9', control: c.cis }],
    tags: ['psp'],
    on: 'resource',
    kinds: ['PodSecurityPolicy'],
    check: (psp) => {
      const why = c.permits(specOf(psp), psp);
      return why ? [{ message: `PodSecurityPolicy ${psp.name}: ${why}`, path: pathOf(c) }] : [];
    },
  });
}

function clusterWide(c: PspControl): K8sRule {
  const test = c.permitsCluster ?? c.permits;
  return defineK8sRule({
    id: c.clusterId,
    title: `No PodSecurityPolicy denies what one ${c.title.replace(/^admits/, 'admits').replace(/^allows/, 'allows')}`,
    severity: c.severity,
    description: `Every PodSecurityPolicy in the set ${c.title}, so no policy a pod could be matched to denies it.`,
    remediation: `Add (or tighten) a PodSecurityPolicy so spec.${c.field} is restricted.`,
    references: [REF],
    aliases: c.kubescape,
    frameworks: [{ framework: 'cis-kubernetes-1.9', control: c.cis }],
    tags: ['psp'],
    on: 'resource',
    kinds: ['PodSecurityPolicy'],
    check: (psp, all) => {
      const why = test(specOf(psp), psp);
      if (!why) return [];
      const noneDenies = derived(all, `pod-security-policy/none-denies/${c.clusterId}`, (xs) => ofKind(xs, 'PodSecurityPolicy').every((o) => test(specOf(o), o) !== undefined));
      return noneDenies ? [{ message: `PodSecurityPolicy ${psp.name}: ${why}, and no other policy denies it`, path: pathOf(c) }] : [];
    },
  });
}

export const pspRules: readonly K8sRule[] = [...CONTROLS.map(perPolicy), ...CONTROLS.filter((c) => c.kubescape.length > 0).map(clusterWide)];
