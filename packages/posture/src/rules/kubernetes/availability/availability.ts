import { ofKindNamedIn, selectorAnchors, selectorsIn } from '../../../kubernetes/indexes.js';
import { atContainer, atPod, defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { containersOf, getIn, isRecord, podLabels } from '../../../kubernetes/workload.js';
import type { PodRef } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import { mapSelectorMatches, selectorMatches, servicesMatching } from '../network/selectors.js';

const nsOf = (r: K8sResource): string => r.namespace ?? 'default';

/** apiVersion/kind pairs removed from Kubernetes, with the replacement and the release that removed them. */
const REMOVED: Record<string, { use: string; removedIn: string }> = {
  'extensions/v1beta1/Deployment': { use: 'apps/v1', removedIn: '1.16' },
  'extensions/v1beta1/DaemonSet': { use: 'apps/v1', removedIn: '1.16' },
  'extensions/v1beta1/ReplicaSet': { use: 'apps/v1', removedIn: '1.16' },
  'extensions/v1beta1/NetworkPolicy': { use: 'networking.k8s.io/v1', removedIn: '1.16' },
  'extensions/v1beta1/PodSecurityPolicy': { use: 'policy/v1beta1', removedIn: '1.16' },
  'extensions/v1beta1/Ingress': { use: 'networking.k8s.io/v1', removedIn: '1.22' },
  'apps/v1beta1/Deployment': { use: 'apps/v1', removedIn: '1.16' },
  'apps/v1beta1/StatefulSet': { use: 'apps/v1', removedIn: '1.16' },
  'apps/v1beta2/Deployment': { use: 'apps/v1', removedIn: '1.16' },
  'apps/v1beta2/StatefulSet': { use: 'apps/v1', removedIn: '1.16' },
  'apps/v1beta2/DaemonSet': { use: 'apps/v1', removedIn: '1.16' },
  'apps/v1beta2/ReplicaSet': { use: 'apps/v1', removedIn: '1.16' },
  'networking.k8s.io/v1beta1/Ingress': { use: 'networking.k8s.io/v1', removedIn: '1.22' },
  'networking.k8s.io/v1beta1/IngressClass': { use: 'networking.k8s.io/v1', removedIn: '1.22' },
  'rbac.authorization.k8s.io/v1beta1/ClusterRole': { use: 'rbac.authorization.k8s.io/v1', removedIn: '1.22' },
  'rbac.authorization.k8s.io/v1beta1/ClusterRoleBinding': { use: 'rbac.authorization.k8s.io/v1', removedIn: '1.22' },
  'rbac.authorization.k8s.io/v1beta1/Role': { use: 'rbac.authorization.k8s.io/v1', removedIn: '1.22' },
  'rbac.authorization.k8s.io/v1beta1/RoleBinding': { use: 'rbac.authorization.k8s.io/v1', removedIn: '1.22' },
  'apiextensions.k8s.io/v1beta1/CustomResourceDefinition': { use: 'apiextensions.k8s.io/v1', removedIn: '1.22' },
  'admissionregistration.k8s.io/v1beta1/MutatingWebhookConfiguration': { use: 'admissionregistration.k8s.io/v1', removedIn: '1.22' },
  'admissionregistration.k8s.io/v1beta1/ValidatingWebhookConfiguration': { use: 'admissionregistration.k8s.io/v1', removedIn: '1.22' },
  'scheduling.k8s.io/v1beta1/PriorityClass': { use: 'scheduling.k8s.io/v1', removedIn: '1.22' },
  'storage.k8s.io/v1beta1/CSIDriver': { use: 'storage.k8s.io/v1', removedIn: '1.22' },
  'storage.k8s.io/v1beta1/StorageClass': { use: 'storage.k8s.io/v1', removedIn: '1.22' },
  'batch/v1beta1/CronJob': { use: 'batch/v1', removedIn: '1.25' },
  'policy/v1beta1/PodDisruptionBudget': { use: 'policy/v1', removedIn: '1.25' },
  'policy/v1beta1/PodSecurityPolicy': { use: 'Pod Security Admission', removedIn: '1.25' },
  'autoscaling/v2beta1/HorizontalPodAutoscaler': { use: 'autoscaling/v2', removedIn: '1.25' },
  'autoscaling/v2beta2/HorizontalPodAutoscaler': { use: 'autoscaling/v2', removedIn: '1.26' },
  'flowcontrol.apiserver.k8s.io/v1beta2/FlowSchema': { use: 'flowcontrol.apiserver.k8s.io/v1', removedIn: '1.29' },
  'flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema': { use: 'flowcontrol.apiserver.k8s.io/v1', removedIn: '1.32' },
};

export const removedApi = defineK8sRule({
  id: 'BLW-K8S-600',
  title: 'Object uses a removed API version',
  severity: 'medium',
  description: 'The apiVersion was removed from Kubernetes; the manifest no longer applies to current clusters and hides behaviour changes.',
  remediation: 'Migrate to the stable API version (kubectl convert or the deprecation guide).',
  references: ['https://kubernetes.io/docs/reference/using-api/deprecation-guide/'],
  aliases: ['stable-version'],
  on: 'resource',
  check: (r) => {
    const hit = REMOVED[`${r.apiVersion}/${r.kind}`];
    return hit ? [{ message: `${r.kind} ${r.apiVersion} was removed in ${hit.removedIn}; use ${hit.use}`, path: ['apiVersion'] }] : [];
  },
});

function servicesTargeting(r: K8sResource, pod: PodRef, all: readonly K8sResource[]): K8sResource[] {
  return servicesMatching(all, nsOf(r), podLabels(pod));
}

export const readinessForService = defineK8sRule({
  id: 'BLW-K8S-601',
  title: 'Pod behind a Service has no readiness probe',
  severity: 'medium',
  description: 'A Service sends traffic to a pod as soon as it starts unless a readiness probe says otherwise.',
  remediation: 'Add a readinessProbe to the containers of pods selected by a Service.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
  aliases: ['pod-probes'],
  on: 'pod',
  check: (pod, r, all) => {
    if (servicesTargeting(r, pod, all).length === 0) return [];
    return containersOf(pod, ['containers']).flatMap((c) => (isRecord(c.container.readinessProbe) ? [] : [atContainer(c, 'readinessProbe', 'no readinessProbe although a Service targets the pod')]));
  },
});

export const identicalProbes = defineK8sRule({
  id: 'BLW-K8S-602',
  title: 'Liveness and readiness probes are identical',
  severity: 'medium',
  description: 'With identical probes a slow dependency makes the kubelet restart pods instead of just taking them out of rotation.',
  remediation: 'Make the liveness probe check only the process itself, or use different thresholds.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
  aliases: ['pod-probes-identical'],
  on: 'container',
  containerKinds: ['containers'],
  check: (c) => {
    const l = c.container.livenessProbe;
    const rd = c.container.readinessProbe;
    return isRecord(l) && isRecord(rd) && JSON.stringify(l) === JSON.stringify(rd) ? [atContainer(c, 'livenessProbe', 'livenessProbe is identical to readinessProbe')] : [];
  },
});

export const nonRollingStrategy = defineK8sRule({
  id: 'BLW-K8S-603',
  title: 'Deployment does not use a rolling update',
  severity: 'low',
  description: 'A Recreate strategy takes every replica down before starting new ones: each rollout is an outage.',
  remediation: 'Use strategy.type: RollingUpdate (the default).',
  references: ['https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy'],
  aliases: ['deployment-strategy', 'no-rolling-update-strategy', 'C-0305'],
  on: 'resource',
  kinds: ['Deployment'],
  check: (r) => {
    const t = getIn(r.object, ['spec', 'strategy', 'type']);
    return t !== undefined && t !== 'RollingUpdate' ? [{ message: `strategy.type is ${String(t)}`, path: ['spec', 'strategy', 'type'] }] : [];
  },
});

function pdbsFor(r: K8sResource, pod: PodRef, all: readonly K8sResource[]): K8sResource[] {
  const labels = podLabels(pod);
  const index = selectorsIn(all, 'availability/pdb-selectors', 'PodDisruptionBudget', nsOf(r), (p) => {
    const sel = getIn(p.object, ['spec', 'selector']);
    return isRecord(sel) ? selectorAnchors(sel) : 'never';
  });
  return index.candidates(labels).filter((p) => isRecord(getIn(p.object, ['spec', 'selector'])) && selectorMatches(getIn(p.object, ['spec', 'selector']), labels));
}

export const noPdb = defineK8sRule({
  id: 'BLW-K8S-604',
  title: 'Workload has no PodDisruptionBudget',
  severity: 'low',
  description: 'Without a PodDisruptionBudget a node drain can evict every replica at once.',
  remediation: 'Add a PodDisruptionBudget selecting the pods, with minAvailable or maxUnavailable.',
  references: ['https://kubernetes.io/docs/tasks/run-application/configure-pdb/'],
  aliases: ['deployment-has-poddisruptionbudget', 'statefulset-has-poddisruptionbudget'],
  on: 'pod',
  check: (pod, r, all) => {
    if (r.kind !== 'Deployment' && r.kind !== 'StatefulSet') return [];
    return pdbsFor(r, pod, all).length > 0 ? [] : [{ message: `no PodDisruptionBudget selects ${r.kind} ${r.name}`, path: [...pod.metadataPath, 'labels'] }];
  },
});

export const pdbWithoutPolicy = defineK8sRule({
  id: 'BLW-K8S-605',
  title: 'PodDisruptionBudget sets no policy',
  severity: 'low',
  description: 'A PodDisruptionBudget without minAvailable or maxUnavailable protects nothing.',
  remediation: 'Set spec.minAvailable or spec.maxUnavailable.',
  references: ['https://kubernetes.io/docs/tasks/run-application/configure-pdb/'],
  aliases: ['poddisruptionbudget-has-policy'],
  on: 'resource',
  kinds: ['PodDisruptionBudget'],
  check: (r) => {
    const spec = getIn(r.object, ['spec']);
    return isRecord(spec) && (spec.minAvailable !== undefined || spec.maxUnavailable !== undefined) ? [] : [{ message: `PodDisruptionBudget ${r.name} has neither minAvailable nor maxUnavailable`, path: ['spec'] }];
  },
});

export const ephemeralStorage = defineK8sRule({
  id: 'BLW-K8S-606',
  title: 'Container has no ephemeral-storage request and limit',
  severity: 'low',
  description: 'Without ephemeral-storage limits one container can fill the node disk and get every pod on it evicted.',
  remediation: 'Set resources.requests and resources.limits for ephemeral-storage.',
  references: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage'],
  aliases: ['container-ephemeral-storage-request-and-limit'],
  on: 'container',
  containerKinds: ['containers', 'initContainers'],
  check: (c) => {
    const missing = (['limits', 'requests'] as const).filter((k) => getIn(c.container.resources, [k, 'ephemeral-storage']) === undefined);
    return missing.length > 0 ? [atContainer(c, ['resources', missing[0]!], `resources.${missing.join('/')}.ephemeral-storage not set`)] : [];
  },
});

export const topologySpread = defineK8sRule({
  id: 'BLW-K8S-607',
  title: 'Topology spread constraint is incomplete',
  severity: 'medium',
  description: 'A topologySpreadConstraint without labelSelector or topologyKey does not spread anything.',
  remediation: 'Give every topologySpreadConstraint a topologyKey and a labelSelector matching the pods.',
  references: ['https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/'],
  aliases: ['pod-topology-spread-constraints'],
  on: 'pod',
  check: (pod) => {
    const list = pod.spec.topologySpreadConstraints;
    if (!Array.isArray(list)) return [];
    return list.flatMap((c, i): Violation[] => {
      if (!isRecord(c)) return [atPod(pod, ['topologySpreadConstraints', i], 'constraint is not an object')];
      if (!isRecord(c.labelSelector)) return [atPod(pod, ['topologySpreadConstraints', i], 'constraint has no labelSelector')];
      if (typeof c.topologyKey !== 'string' || c.topologyKey === '') return [atPod(pod, ['topologySpreadConstraints', i], 'constraint has no topologyKey')];
      return [];
    });
  },
});

function hasHostAntiAffinity(pod: PodRef): boolean {
  const aa = getIn(pod.spec, ['affinity', 'podAntiAffinity']);
  if (!isRecord(aa)) return false;
  const req = Array.isArray(aa.requiredDuringSchedulingIgnoredDuringExecution) ? aa.requiredDuringSchedulingIgnoredDuringExecution : [];
  const pref = Array.isArray(aa.preferredDuringSchedulingIgnoredDuringExecution) ? aa.preferredDuringSchedulingIgnoredDuringExecution.map((p) => (isRecord(p) ? p.podAffinityTerm : undefined)) : [];
  return [...req, ...pref].some((t) => isRecord(t) && t.topologyKey === 'kubernetes.io/hostname');
}

export const hostAntiAffinity = defineK8sRule({
  id: 'BLW-K8S-608',
  title: 'Replicas may all land on one node',
  severity: 'low',
  description: 'Without pod anti-affinity on kubernetes.io/hostname the scheduler may place every replica on the same node.',
  remediation: 'Add a podAntiAffinity term (preferred or required) with topologyKey kubernetes.io/hostname.',
  references: ['https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity'],
  aliases: ['deployment-has-host-podantiaffinity', 'statefulset-has-host-podantiaffinity', 'no-anti-affinity'],
  on: 'pod',
  check: (pod, r) => {
    if (r.kind !== 'Deployment' && r.kind !== 'StatefulSet') return [];
    const replicas = getIn(r.object, ['spec', 'replicas']);
    if (typeof replicas === 'number' && replicas < 2) return [];
    return hasHostAntiAffinity(pod) ? [] : [atPod(pod, 'affinity', 'no pod anti-affinity on kubernetes.io/hostname')];
  },
});

export const statefulSetService = defineK8sRule({
  id: 'BLW-K8S-609',
  title: 'StatefulSet serviceName names no matching Service',
  severity: 'medium',
  description: 'A StatefulSet needs a (headless) Service of that name selecting its pods for stable network identities.',
  remediation: 'Create the Service named by spec.serviceName, selecting the StatefulSet pods.',
  references: ['https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id'],
  aliases: ['statefulset-has-servicename'],
  on: 'pod',
  check: (pod, r, all) => {
    if (r.kind !== 'StatefulSet') return [];
    const name = getIn(r.object, ['spec', 'serviceName']);
    const ok = ofKindNamedIn(all, 'Service', nsOf(r), name).some((s) => mapSelectorMatches(getIn(s.object, ['spec', 'selector']), podLabels(pod)));
    return ok ? [] : [{ message: `no Service "${String(name ?? '')}" selects the StatefulSet pods`, path: ['spec', 'serviceName'] }];
  },
});

export const selectorMismatch = defineK8sRule({
  id: 'BLW-K8S-610',
  title: 'Workload selector does not match its pod template',
  severity: 'high',
  description: 'When spec.selector does not select the template labels the API server rejects the object (or the controller adopts other pods).',
  remediation: 'Make spec.selector match spec.template.metadata.labels.',
  references: ['https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors'],
  aliases: ['mismatching-selector', 'C-0296', 'statefulset-pod-selector-labels-match-template-metadata-labels'],
  on: 'pod',
  check: (pod, r) => {
    const path = [...pod.path.slice(0, -2), 'selector'];
    const sel = getIn(r.object, path);
    if (r.kind === 'Pod' || !isRecord(sel)) return [];
    const matches = r.kind === 'ReplicationController' ? mapSelectorMatches(sel, podLabels(pod)) : selectorMatches(sel, podLabels(pod));
    return matches ? [] : [{ message: `${r.kind} ${r.name}: selector does not match the pod template labels`, path }];
  },
});


export const jobTtl = defineK8sRule({
  id: 'BLW-K8S-611',
  title: 'Job lifetime after completion misconfigured',
  severity: 'low',
  description: 'A standalone Job without ttlSecondsAfterFinished lingers forever; a CronJob-managed Job with it fights the CronJob history limits.',
  remediation: 'Set ttlSecondsAfterFinished on standalone Jobs; leave it to successfulJobsHistoryLimit/failedJobsHistoryLimit under CronJobs.',
  references: ['https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/'],
  aliases: ['job-ttl-seconds-after-finished'],
  on: 'resource',
  kinds: ['Job', 'CronJob'],
  check: (r) => {
    if (r.kind === 'CronJob') {
      return getIn(r.object, ['spec', 'jobTemplate', 'spec', 'ttlSecondsAfterFinished']) !== undefined ? [{ message: 'managed Job sets ttlSecondsAfterFinished, which conflicts with the CronJob history limits', path: ['spec', 'jobTemplate', 'spec', 'ttlSecondsAfterFinished'] }] : [];
    }
    const owned = getIn(r.object, ['metadata', 'ownerReferences']);
    if (Array.isArray(owned) && owned.length > 0) return [];
    return getIn(r.object, ['spec', 'ttlSecondsAfterFinished']) === undefined ? [{ message: 'standalone Job does not set ttlSecondsAfterFinished', path: ['spec'] }] : [];
  },
});

export const sshPort = defineK8sRule({
  id: 'BLW-K8S-612',
  title: 'Container exposes SSH (port 22)',
  severity: 'medium',
  description: 'An SSH server in a container is an extra remote-access path that bypasses kubectl auditing.',
  remediation: 'Remove the SSH server and port 22; use kubectl exec or debug containers.',
  references: ['https://docs.kubelinter.io/#/generated/checks?id=ssh-port'],
  aliases: ['ssh-port'],
  on: 'container',
  check: (c) => {
    const ports = Array.isArray(c.container.ports) ? c.container.ports : [];
    return ports.flatMap((p, i) => (isRecord(p) && Number(p.containerPort) === 22 && (p.protocol ?? 'TCP') === 'TCP' ? [atContainer(c, ['ports', i, 'containerPort'], 'exposes TCP port 22')] : []));
  },
});

export const hpaMinReplicas = defineK8sRule({
  id: 'BLW-K8S-613',
  title: 'HorizontalPodAutoscaler allows fewer than 3 replicas',
  severity: 'low',
  description: 'With minReplicas below 3 a single node or zone failure can take the service down.',
  remediation: 'Set spec.minReplicas to 3 or more.',
  references: ['https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/'],
  aliases: ['hpa-minimum-three-replicas'],
  on: 'resource',
  kinds: ['HorizontalPodAutoscaler'],
  check: (r) => {
    const m = getIn(r.object, ['spec', 'minReplicas']) ?? 1;
    return typeof m === 'number' && m < 3 ? [{ message: `minReplicas is ${m}`, path: ['spec', 'minReplicas'] }] : [];
  },
});
