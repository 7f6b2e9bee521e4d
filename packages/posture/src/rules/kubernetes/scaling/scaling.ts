import { derived } from '../../../kubernetes/derived.js';
import { LabelIndex, selectorNeeds } from '../../../kubernetes/indexes.js';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { getIn, isRecord, podLabels, podOf } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import { nsOf, selectorMatches, servicesMatching } from '../network/selectors.js';

// Replica counts as availability depends on them: Deployments behind Services, autoscaler floors and disruption
// budgets that can never be met. Cross-object checks over the scanned set.
const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/** Objects with a spec.scaleTargetRef, by namespace and target name, in set order. */
function scalersByTarget(all: readonly K8sResource[]): Map<string, Map<string, K8sResource[]>> {
  return derived(all, 'scaling/scalers-by-target', (xs) => {
    const out = new Map<string, Map<string, K8sResource[]>>();
    for (const s of xs) {
      const ref = getIn(s.object, ['spec', 'scaleTargetRef']);
      if (!isRecord(ref) || typeof ref.name !== 'string') continue;
      let byName = out.get(nsOf(s));
      if (!byName) out.set(nsOf(s), (byName = new Map()));
      const list = byName.get(ref.name);
      if (list) list.push(s);
      else byName.set(ref.name, [s]);
    }
    return out;
  });
}

/** The HorizontalPodAutoscaler or KEDA ScaledObject scaling a workload, if any. */
function scalerOf(wl: K8sResource, all: readonly K8sResource[]): { kind: string; min: number } | undefined {
  for (const s of scalersByTarget(all).get(nsOf(wl))?.get(wl.name) ?? []) {
    if (nsOf(s) !== nsOf(wl)) continue;
    const ref = getIn(s.object, ['spec', 'scaleTargetRef']);
    if (!isRecord(ref) || ref.name !== wl.name) continue;
    if (s.kind === 'HorizontalPodAutoscaler') {
      if (ref.kind !== wl.kind || (typeof ref.apiVersion === 'string' && groupOf(ref.apiVersion) !== groupOf(wl.apiVersion))) continue;
      return { kind: s.kind, min: Number(getIn(s.object, ['spec', 'minReplicas']) ?? 1) };
    }
    // KEDA's ScaledObject defaults its target to a Deployment
    if (s.kind === 'ScaledObject' && (ref.kind ?? 'Deployment') === wl.kind) return { kind: s.kind, min: Number(getIn(s.object, ['spec', 'minReplicaCount']) ?? 0) };
  }
  return undefined;
}

const replicasOf = (wl: K8sResource): number => {
  const r = getIn(wl.object, ['spec', 'replicas']);
  return typeof r === 'number' ? r : 1;
};

export const MIN_REPLICAS = 2;

export const serviceDeploymentReplicas = defineK8sRule({
  id: 'BLW-K8S-940',
  title: 'Deployment behind a Service runs a single replica',
  severity: 'low',
  description: 'A Service backed by one pod is down during every rollout, node drain or crash; kube-score asks for at least two replicas unless an autoscaler manages the count.',
  remediation: `Set spec.replicas to ${MIN_REPLICAS} or more, or let a HorizontalPodAutoscaler manage it.`,
  references: ['https://github.com/zegl/kube-score/blob/master/README_CHECKS.md'],
  aliases: ['deployment-replicas'],
  tags: ['availability'],
  on: 'resource',
  kinds: ['Deployment'],
  check: (d, all) => {
    const pod = podOf(d);
    if (!pod) return [];
    const labels = podLabels(pod);
    const svc = servicesMatching(all, nsOf(d), labels)[0];
    if (!svc || scalerOf(d, all)) return [];
    const n = replicasOf(d);
    return n < MIN_REPLICAS ? [{ message: `Deployment ${d.name} has ${n} replica(s) and is targeted by Service ${svc.name}`, path: ['spec', 'replicas'] }] : [];
  },
});

export const hpaReplicas = defineK8sRule({
  id: 'BLW-K8S-941',
  title: 'HorizontalPodAutoscaler may scale down to one replica',
  severity: 'low',
  description: 'With minReplicas below 2 (the default is 1) the autoscaler can leave a single pod, which makes every disruption an outage.',
  remediation: `Set spec.minReplicas to ${MIN_REPLICAS} or more.`,
  references: ['https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/'],
  aliases: ['horizontalpodautoscaler-replicas'],
  tags: ['availability'],
  on: 'resource',
  kinds: ['HorizontalPodAutoscaler'],
  check: (hpa) => {
    const min = Number(getIn(hpa.object, ['spec', 'minReplicas']) ?? 1);
    return min < MIN_REPLICAS ? [{ message: `minReplicas is ${min}`, path: ['spec', 'minReplicas'] }] : [];
  },
});

/** Deployments, StatefulSets and ReplicaSets of a namespace by the labels a disruption budget is compared with. */
function replicatedIn(all: readonly K8sResource[], namespace: string): LabelIndex<{ wl: K8sResource; labels: Record<string, string> }> {
  const byNs = derived(all, 'scaling/replicated-by-namespace', (xs) => {
    const groups = new Map<string, [{ wl: K8sResource; labels: Record<string, string> }, Record<string, string>][]>();
    for (const wl of xs) {
      if (!['Deployment', 'StatefulSet', 'ReplicaSet'].includes(wl.kind)) continue;
      const pod = podOf(wl);
      const ml = getIn(wl.object, ['spec', 'selector', 'matchLabels']);
      const labels: Record<string, string> = { ...(isRecord(ml) ? Object.fromEntries(Object.entries(ml).map(([k, v]) => [k, String(v)])) : {}), ...(pod ? podLabels(pod) : {}) };
      const list = groups.get(nsOf(wl));
      if (list) list.push([{ wl, labels }, labels]);
      else groups.set(nsOf(wl), [[{ wl, labels }, labels]]);
    }
    return new Map([...groups].map(([ns, entries]) => [ns, new LabelIndex(entries)] as const));
  });
  return byNs.get(namespace) ?? new LabelIndex([]);
}

/** Pods a PodDisruptionBudget must keep for the workload: minAvailable as a count (percentages rounded up). */
function required(minAvailable: unknown, replicas: number): number | undefined {
  if (typeof minAvailable === 'number') return minAvailable;
  if (typeof minAvailable === 'string') {
    const m = /^(\d+)%$/.exec(minAvailable.trim());
    if (m) return Math.ceil((replicas * Number(m[1])) / 100);
    if (/^\d+$/.test(minAvailable.trim())) return Number(minAvailable);
  }
  return undefined;
}

export const pdbMinAvailable = defineK8sRule({
  id: 'BLW-K8S-942',
  title: 'PodDisruptionBudget minAvailable blocks every eviction',
  severity: 'low',
  description: 'When minAvailable is at least the number of replicas (the autoscaler minimum when one scales the workload), no pod may ever be evicted: node drains and cluster upgrades hang.',
  remediation: 'Lower minAvailable below the replica count, use maxUnavailable: 1, or run more replicas.',
  references: ['https://kubernetes.io/docs/tasks/run-application/configure-pdb/'],
  aliases: ['pdb-min-available'],
  tags: ['availability'],
  on: 'resource',
  kinds: ['PodDisruptionBudget'],
  check: (pdb, all) => {
    const minAvailable = getIn(pdb.object, ['spec', 'minAvailable']);
    if (minAvailable === undefined) return [];
    const selector = getIn(pdb.object, ['spec', 'selector']);
    const out: Violation[] = [];
    const { pairs, keys } = selectorNeeds(selector);
    for (const { wl, labels } of replicatedIn(all, nsOf(pdb)).candidates(pairs, keys)) {
      if (Object.keys(labels).length === 0 || !selectorMatches(selector, labels)) continue;
      const scaler = scalerOf(wl, all);
      const replicas = scaler ? scaler.min : replicasOf(wl);
      const need = required(minAvailable, replicas);
      if (need !== undefined && need >= replicas) out.push({ message: `${wl.kind} ${wl.name} runs ${replicas} replica(s)${scaler ? ` (${scaler.kind} minimum)` : ''} and the budget requires ${need} available`, path: ['spec', 'minAvailable'] });
    }
    return out;
  },
});

export const scalingRules: readonly K8sRule[] = [serviceDeploymentReplicas, hpaReplicas, pdbMinAvailable];
