import { derived } from '../../../kubernetes/derived.js';
import { SelectorIndex, ofKindNamedIn, selectorAnchors, selectorNeeds } from '../../../kubernetes/indexes.js';
import type { Anchors } from '../../../kubernetes/indexes.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { getIn, isRecord, podLabels } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import { inSetOrder, mapSelectorMatches, nsOf, podTargetsIn, selectorMatches, specOf } from './selectors.js';

const NP_REF = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/';

export const danglingNetworkPolicy = defineK8sRule({
  id: 'BLW-K8S-400',
  title: 'NetworkPolicy selects no pod',
  severity: 'low',
  description: 'A NetworkPolicy whose podSelector matches no workload in its namespace protects nothing; usually a label typo.',
  remediation: 'Fix spec.podSelector so it matches the intended pods (or delete the policy).',
  references: [NP_REF],
  aliases: ['dangling-networkpolicy', 'C-0299'],
  tags: ['network'],
  on: 'resource',
  kinds: ['NetworkPolicy'],
  check: (np, all) => {
    const sel = specOf(np).podSelector;
    if (!isRecord(sel) || (Object.keys(sel.matchLabels ?? {}).length === 0 && !(Array.isArray(sel.matchExpressions) && sel.matchExpressions.length > 0))) return [];
    const { pairs, keys } = selectorNeeds(sel);
    const hit = podTargetsIn(all, nsOf(np)).candidates(pairs, keys).some((t) => selectorMatches(sel, t.labels));
    return hit ? [] : [{ message: `NetworkPolicy ${np.name} selects no pod in namespace ${nsOf(np)}`, path: ['spec', 'podSelector'] }];
  },
});

const ciliumSpecs = (p: K8sResource): Record<string, unknown>[] => [getIn(p.object, ['spec']), ...(Array.isArray(p.object.specs) ? p.object.specs : [])].filter(isRecord);

function ciliumSelects(p: K8sResource, ns: string, labels: Record<string, string>): boolean {
  if (p.kind === 'CiliumNetworkPolicy' && nsOf(p) !== ns) return false;
  return ciliumSpecs(p).some((s) => isRecord(s.endpointSelector) && selectorMatches(s.endpointSelector, labels));
}

function policySelects(p: K8sResource, ns: string, labels: Record<string, string>): boolean {
  if (p.kind === 'NetworkPolicy') return nsOf(p) === ns && selectorMatches(specOf(p).podSelector ?? {}, labels);
  if (p.kind === 'CiliumNetworkPolicy' || p.kind === 'CiliumClusterwideNetworkPolicy') return ciliumSelects(p, ns, labels);
  return false;
}

/** A Cilium policy may select a pod through any of its specs' endpointSelectors. */
function ciliumAnchors(p: K8sResource): Anchors {
  const alternatives = ciliumSpecs(p).filter((s) => isRecord(s.endpointSelector)).map((s) => selectorAnchors(s.endpointSelector));
  if (alternatives.length === 0) return 'never';
  if (alternatives.includes('always')) return 'always';
  return alternatives.flatMap((a) => (a === 'never' || a === 'always' ? [] : a));
}

/** NetworkPolicies and CiliumNetworkPolicies by namespace, cluster-wide Cilium policies apart, filed by selector. */
function policyIndexes(all: readonly K8sResource[]): { byNs: Map<string, SelectorIndex<K8sResource>>; clusterwide: SelectorIndex<K8sResource> } {
  return derived(all, 'network/policies', (xs) => {
    const groups = new Map<string, [K8sResource, Anchors][]>();
    const clusterwide: [K8sResource, Anchors][] = [];
    for (const p of xs) {
      if (p.kind === 'CiliumClusterwideNetworkPolicy') clusterwide.push([p, ciliumAnchors(p)]);
      else if (p.kind === 'NetworkPolicy' || p.kind === 'CiliumNetworkPolicy') {
        const entry: [K8sResource, Anchors] = [p, p.kind === 'NetworkPolicy' ? selectorAnchors(specOf(p).podSelector ?? {}) : ciliumAnchors(p)];
        const list = groups.get(nsOf(p));
        if (list) list.push(entry);
        else groups.set(nsOf(p), [entry]);
      }
    }
    return { byNs: new Map([...groups].map(([ns, entries]) => [ns, new SelectorIndex(entries)] as const)), clusterwide: new SelectorIndex(clusterwide) };
  });
}

function policiesSelecting(all: readonly K8sResource[], ns: string, labels: Record<string, string>): K8sResource[] {
  const { byNs, clusterwide } = policyIndexes(all);
  const local = (byNs.get(ns)?.candidates(labels) ?? []).filter((p) => policySelects(p, ns, labels));
  return inSetOrder(all, local, clusterwide.candidates(labels).filter((p) => policySelects(p, ns, labels)));
}

export const noNetworkPolicy = defineK8sRule({
  id: 'BLW-K8S-401',
  title: 'Workload not selected by any NetworkPolicy',
  severity: 'medium',
  description: 'Pods no NetworkPolicy selects accept traffic from, and send traffic to, anything in the cluster.',
  remediation: 'Add a NetworkPolicy (default deny plus explicit allows) selecting the workload.',
  references: [NP_REF],
  aliases: ['ensure_network_policy_configured_in_labels', 'C-0260'],
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.3.2' }],
  tags: ['network'],
  on: 'pod',
  check: (pod, r, all) => (policiesSelecting(all, nsOf(r), podLabels(pod)).length > 0 ? [] : [{ message: `${r.kind} ${r.name} is not selected by any NetworkPolicy`, path: [...pod.metadataPath, 'labels'] }]),
});

export const ingressEgressNotBlocked = defineK8sRule({
  id: 'BLW-K8S-402',
  title: 'Workload ingress and egress not both restricted',
  severity: 'medium',
  description: 'Without policies covering both Ingress and Egress for a pod, one direction stays open.',
  remediation: 'Select the pod with NetworkPolicies whose policyTypes include Ingress and Egress.',
  references: [NP_REF],
  aliases: ['ingress-and-egress-blocked', 'C-0030', 'pod-networkpolicy'],
  tags: ['network'],
  on: 'pod',
  check: (pod, r, all) => {
    const pols = policiesSelecting(all, nsOf(r), podLabels(pod));
    let ingress = false;
    let egress = false;
    for (const p of pols) {
      if (p.kind !== 'NetworkPolicy') {
        const specs = [getIn(p.object, ['spec']), ...(Array.isArray(p.object.specs) ? p.object.specs : [])].filter(isRecord);
        if (specs.some((s) => s.ingress !== undefined || s.ingressDeny !== undefined)) ingress = true;
        if (specs.some((s) => s.egress !== undefined || s.egressDeny !== undefined)) egress = true;
        continue;
      }
      const spec = specOf(p);
      const types = Array.isArray(spec.policyTypes) ? spec.policyTypes.map(String) : spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
      if (types.includes('Ingress')) ingress = true;
      if (types.includes('Egress')) egress = true;
    }
    return ingress && egress ? [] : [{ message: `${r.kind} ${r.name}: ${!ingress && !egress ? 'ingress and egress' : !ingress ? 'ingress' : 'egress'} not restricted by a NetworkPolicy`, path: [...pod.metadataPath, 'labels'] }];
  },
});

export const serviceWithoutPods = defineK8sRule({
  id: 'BLW-K8S-403',
  title: 'Service selects no workload',
  severity: 'low',
  description: 'A Service whose selector matches no pod template in its namespace has no endpoints (label drift or wrong namespace).',
  remediation: 'Fix spec.selector (or the namespace) so it targets the intended pods.',
  references: ['https://kubernetes.io/docs/concepts/services-networking/service/'],
  aliases: ['service-with-no-workload', 'C-0293', 'service-targets-pod', 'dangling-service'],
  tags: ['network'],
  on: 'resource',
  kinds: ['Service'],
  check: (svc, all) => {
    const spec = specOf(svc);
    if (spec.type === 'ExternalName' || !isRecord(spec.selector) || Object.keys(spec.selector).length === 0) return [];
    const pairs = Object.entries(spec.selector).map(([k, v]) => [k, String(v)] as const);
    const hit = podTargetsIn(all, nsOf(svc)).candidates(pairs).some((t) => mapSelectorMatches(spec.selector, t.labels));
    return hit ? [] : [{ message: `Service ${svc.name} selects no pod in namespace ${nsOf(svc)}`, path: ['spec', 'selector'] }];
  },
});

function backendServices(ing: K8sResource): { name: string; path: (string | number)[] }[] {
  const out: { name: string; path: (string | number)[] }[] = [];
  const spec = specOf(ing);
  const one = (b: unknown, path: (string | number)[]): void => {
    if (!isRecord(b)) return;
    if (isRecord(b.service) && b.service.name !== undefined) out.push({ name: String(b.service.name), path: [...path, 'service', 'name'] });
    // networking.k8s.io/v1 dropped serviceName: such a backend routes nowhere
    else if (b.serviceName !== undefined) out.push({ name: ing.apiVersion === 'networking.k8s.io/v1' ? '' : String(b.serviceName), path: [...path, 'serviceName'] });
  };
  one(spec.defaultBackend ?? spec.backend, ['spec', spec.defaultBackend ? 'defaultBackend' : 'backend']);
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  rules.forEach((rule, i) => {
    const paths = getIn(rule, ['http', 'paths']);
    if (Array.isArray(paths)) paths.forEach((p, j) => one(getIn(p, ['backend']), ['spec', 'rules', i, 'http', 'paths', j, 'backend']));
  });
  return out;
}

export const ingressWithoutService = defineK8sRule({
  id: 'BLW-K8S-404',
  title: 'Ingress routes to a missing Service',
  severity: 'low',
  description: 'An Ingress backend naming a Service that is not in the scanned set (same namespace) returns errors.',
  remediation: 'Fix the backend service name, or deploy the Service with the Ingress.',
  references: ['https://kubernetes.io/docs/concepts/services-networking/ingress/'],
  aliases: ['ingress-targets-service', 'dangling-ingress', 'dangling-ingress-backend', 'C-0298'],
  tags: ['network'],
  on: 'resource',
  kinds: ['Ingress'],
  check: (ing, all) => {
    return backendServices(ing)
      .filter((b) => ofKindNamedIn(all, 'Service', nsOf(ing), b.name).length === 0)
      .map((b): Violation => ({ message: `Ingress ${ing.name} routes to missing Service ${b.name}`, path: b.path }));
  },
});

export const networkPolicyTargetsPod = defineK8sRule({
  id: 'BLW-K8S-405',
  title: 'NetworkPolicy matches no pod (kube-score)',
  severity: 'low',
  description: 'Same as BLW-K8S-400 but including policies with an empty selector when the namespace has no pods.',
  remediation: 'Fix spec.podSelector.',
  references: [NP_REF],
  aliases: ['networkpolicy-targets-pod'],
  tags: ['network'],
  on: 'resource',
  kinds: ['NetworkPolicy'],
  check: (np, all) => {
    const sel = specOf(np).podSelector ?? {};
    const { pairs, keys } = selectorNeeds(sel);
    return podTargetsIn(all, nsOf(np)).candidates(pairs, keys).some((t) => selectorMatches(sel, t.labels)) ? [] : [{ message: `NetworkPolicy ${np.name} matches no pod`, path: ['spec', 'podSelector'] }];
  },
});

