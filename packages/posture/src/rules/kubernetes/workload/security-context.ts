import { ofKindNamedIn } from '../../../kubernetes/indexes.js';
import { atContainer, atPod, defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { getIn, isRecord } from '../../../kubernetes/workload.js';
import type { PodRef } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import { setFix } from '../../../fix/defaults.js';
import { RUNTIME_DEFAULT_SECCOMP } from './containers.js';

// Kubescape's "Apply Security Context" (C-0211) building blocks and service-account checks.
const SC_REF = 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/';

function podSc(pod: PodRef): Record<string, unknown> {
  return isRecord(pod.spec.securityContext) ? pod.spec.securityContext : {};
}

export const seccompUnset = defineK8sRule({
  id: 'BLW-K8S-236',
  title: 'No seccomp profile defined',
  severity: 'low',
  description: 'Neither the pod nor the container defines a seccompProfile, so the runtime default may not apply.',
  remediation: 'Set spec.securityContext.seccompProfile (RuntimeDefault).',
  references: [SC_REF],
  aliases: ['set-seccomp-profile'],
  on: 'container',
  check: (c, pod) => {
    if (isRecord(podSc(pod).seccompProfile) || isRecord(getIn(c.container.securityContext, ['seccompProfile']))) return [];
    const v = atContainer(c, 'securityContext.seccompProfile', 'no seccompProfile on the pod or the container');
    const sc = c.container.securityContext;
    const own = isRecord(sc) ? sc.seccompProfile : undefined;
    const fixable = (sc === undefined || sc === null || isRecord(sc)) && (own === undefined || own === null);
    return [fixable ? { ...v, fix: setFix([...c.path, 'securityContext', 'seccompProfile'], RUNTIME_DEFAULT_SECCOMP) } : v];
  },
});

export const fsGroupUnset = defineK8sRule({
  id: 'BLW-K8S-237',
  title: 'Pod fsGroup not set to a non-root group',
  severity: 'low',
  description: 'Without fsGroup (or with group 0) mounted volumes stay owned by root.',
  remediation: 'Set spec.securityContext.fsGroup to a non-zero group.',
  references: [SC_REF],
  aliases: ['set-fsgroup-value'],
  on: 'pod',
  check: (pod) => {
    const g = podSc(pod).fsGroup;
    return typeof g === 'number' && g > 0 ? [] : [atPod(pod, 'securityContext.fsGroup', g === undefined ? 'fsGroup is not set' : `fsGroup is ${String(g)}`)];
  },
});

export const fsGroupChangePolicyUnset = defineK8sRule({
  id: 'BLW-K8S-238',
  title: 'Pod fsGroupChangePolicy not set',
  severity: 'low',
  description: 'Without fsGroupChangePolicy the kubelet re-chowns every volume on each mount; OnRootMismatch limits that.',
  remediation: 'Set spec.securityContext.fsGroupChangePolicy: OnRootMismatch (or Always, deliberately).',
  references: [SC_REF],
  aliases: ['set-fsgroupchangepolicy-value'],
  on: 'pod',
  check: (pod) => {
    const p = podSc(pod).fsGroupChangePolicy;
    return p === 'OnRootMismatch' || p === 'Always' ? [] : [atPod(pod, 'securityContext.fsGroupChangePolicy', 'fsGroupChangePolicy is not set')];
  },
});

export const rootSupplementalGroup = defineK8sRule({
  id: 'BLW-K8S-239',
  title: 'Pod adds the root group',
  severity: 'medium',
  description: 'supplementalGroups containing 0 gives every process root-group access to files.',
  remediation: 'Remove 0 from spec.securityContext.supplementalGroups.',
  references: [SC_REF],
  aliases: ['set-supplementalgroups-values'],
  on: 'pod',
  check: (pod) => {
    const g = podSc(pod).supplementalGroups;
    return Array.isArray(g) && g.some((x) => Number(x) === 0) ? [atPod(pod, 'securityContext.supplementalGroups', 'supplementalGroups contains 0')] : [];
  },
});

export const seLinuxUnset = defineK8sRule({
  id: 'BLW-K8S-240',
  title: 'No SELinux options defined',
  severity: 'low',
  description: 'Neither the pod nor the container sets seLinuxOptions.',
  remediation: 'Set securityContext.seLinuxOptions (level/type) where SELinux is enforced.',
  references: [SC_REF],
  aliases: ['set-seLinuxOptions'],
  on: 'container',
  check: (c, pod) => (isRecord(podSc(pod).seLinuxOptions) || isRecord(getIn(c.container.securityContext, ['seLinuxOptions'])) ? [] : [atContainer(c, 'securityContext.seLinuxOptions', 'no seLinuxOptions on the pod or the container')]),
});

export const privilegedOrSysAdmin = defineK8sRule({
  id: 'BLW-K8S-241',
  title: 'Container is privileged or has SYS_ADMIN',
  severity: 'high',
  description: 'Privileged mode or CAP_SYS_ADMIN each give near-root control of the node.',
  remediation: 'Remove privileged: true and SYS_ADMIN from the container security context.',
  references: [SC_REF],
  aliases: ['rule-privileged-container', 'C-0057'],
  on: 'container',
  check: (c) => {
    if (getIn(c.container.securityContext, ['privileged']) === true) return [{ ...atContainer(c, 'securityContext.privileged', 'runs privileged'), fix: setFix([...c.path, 'securityContext', 'privileged'], false) }];
    const add = getIn(c.container.securityContext, ['capabilities', 'add']);
    return Array.isArray(add) && add.some((x) => String(x).toUpperCase().replace(/^CAP_/, '') === 'SYS_ADMIN') ? [atContainer(c, 'securityContext.capabilities.add', 'adds SYS_ADMIN')] : [];
  },
});

function serviceAccountOf(r: K8sResource, pod: PodRef, all: readonly K8sResource[]): { name: string; sa: K8sResource | undefined } {
  const name = String(pod.spec.serviceAccountName ?? pod.spec.serviceAccount ?? 'default');
  return { name, sa: ofKindNamedIn(all, 'ServiceAccount', r.namespace ?? 'default', name)[0] };
}

export const tokenAutomounted = defineK8sRule({
  id: 'BLW-K8S-242',
  title: 'Service account token mounted (pod or service account default)',
  severity: 'low',
  description: 'The token is mounted unless the pod, or its ServiceAccount when the pod is silent, sets automountServiceAccountToken: false.',
  remediation: 'Set automountServiceAccountToken: false on the ServiceAccount or the pod spec.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting'],
  aliases: ['automount-service-account', 'C-0034'],
  on: 'pod',
  check: (pod, r, all) => {
    const v = pod.spec.automountServiceAccountToken;
    if (v === false) return [];
    if (v === undefined && serviceAccountOf(r, pod, all).sa?.object.automountServiceAccountToken === false) return [];
    return [{ ...atPod(pod, 'automountServiceAccountToken', v === true ? 'automountServiceAccountToken: true' : 'service account token is mounted by default'), fix: setFix([...pod.path, 'automountServiceAccountToken'], false) }];
  },
});

export const missingServiceAccount = defineK8sRule({
  id: 'BLW-K8S-243',
  title: 'Workload references a missing ServiceAccount',
  severity: 'low',
  description: 'Pods naming a ServiceAccount that does not exist are rejected at creation.',
  remediation: 'Create the ServiceAccount with the workload, or fix serviceAccountName.',
  references: ['https://kubernetes.io/docs/concepts/security/service-accounts/'],
  aliases: ['non-existent-service-account', 'C-0307'],
  on: 'pod',
  check: (pod, r, all): Violation[] => {
    const named = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
    if (named === undefined || named === '' || named === 'default') return [];
    return serviceAccountOf(r, pod, all).sa ? [] : [atPod(pod, pod.spec.serviceAccountName !== undefined ? 'serviceAccountName' : 'serviceAccount', `ServiceAccount ${String(named)} is not defined`)];
  },
});
