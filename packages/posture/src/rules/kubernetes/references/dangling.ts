import { derived } from '../../../kubernetes/derived.js';
import { LabelIndex, ofKind, ofKindNamedIn, selectorNeeds } from '../../../kubernetes/indexes.js';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { containersOf, getIn, isRecord, podOf } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import { routeBackends } from '../exposure/graph.js';
import { nsOf, podTargetsIn, selectorMatches } from '../network/selectors.js';

// References that point at nothing in the scanned set: a typo or a deleted object that silently disables routing,
// scaling, monitoring or a policy peer.

export const danglingGatewayBackend = defineK8sRule({
  id: 'BLW-K8S-584',
  title: 'Gateway API route sends traffic to a Service that does not exist',
  severity: 'low',
  description: 'A backendRef naming a missing Service makes the route return errors, or serve whatever Service is created later under that name.',
  remediation: 'Fix the backendRef name/namespace or create the Service.',
  references: ['https://gateway-api.sigs.k8s.io/reference/spec/#backendref'],
  aliases: ['C-0302', 'dangling-gateway-backend'],
  tags: ['references'],
  on: 'resource',
  check: (route, all) => routeBackends(route)
    .filter((ref) => ofKindNamedIn(all, 'Service', ref.namespace, ref.name).length === 0)
    .map((ref): Violation => ({ message: `${route.kind} ${route.name} routes to Service ${ref.namespace}/${ref.name}, which is not in the scanned set`, path: ref.path })),
});

/** API group of an apiVersion ("apps/v1" → "apps", "v1" → ""). */
const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

export const danglingHpa = defineK8sRule({
  id: 'BLW-K8S-585',
  title: 'HorizontalPodAutoscaler targets an object that does not exist',
  severity: 'low',
  description: 'An HPA whose scaleTargetRef matches nothing scales nothing: the workload it was meant for runs at a fixed size.',
  remediation: 'Point scaleTargetRef at the workload (apiVersion, kind and name, same namespace).',
  references: ['https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/'],
  aliases: ['horizontalpodautoscaler-has-target', 'dangling-horizontalpodautoscaler'],
  tags: ['references', 'availability'],
  on: 'resource',
  kinds: ['HorizontalPodAutoscaler'],
  check: (hpa, all) => {
    const ref = getIn(hpa.object, ['spec', 'scaleTargetRef']);
    if (!isRecord(ref) || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return [];
    const group = typeof ref.apiVersion === 'string' ? groupOf(ref.apiVersion) : undefined;
    const found = ofKindNamedIn(all, ref.kind, nsOf(hpa), ref.name).some((x) => group === undefined || groupOf(x.apiVersion) === group);
    return found ? [] : [{ message: `scaleTargetRef ${String(ref.kind)} ${String(ref.name)}${typeof ref.apiVersion === 'string' ? ` (${ref.apiVersion})` : ''} matches nothing in namespace ${nsOf(hpa)}`, path: ['spec', 'scaleTargetRef'] }];
  },
});

export const danglingPolicyPeer = defineK8sRule({
  id: 'BLW-K8S-586',
  title: 'NetworkPolicy peer podSelector matches no pod',
  severity: 'low',
  description: 'A from/to peer whose podSelector selects no pod in the policy’s namespace allows nothing: the traffic the policy meant to allow is dropped (or the label is misspelt).',
  remediation: 'Fix the peer’s labels, or add a namespaceSelector when the pods live in another namespace.',
  references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors'],
  aliases: ['dangling-networkpolicypeer-podselector'],
  tags: ['references', 'network'],
  on: 'resource',
  kinds: ['NetworkPolicy'],
  check: (np, all) => {
    const pods = podTargetsIn(all, nsOf(np));
    const out: Violation[] = [];
    for (const [dir, key] of [['ingress', 'from'], ['egress', 'to']] as const) {
      const rules = getIn(np.object, ['spec', dir]);
      if (!Array.isArray(rules)) continue;
      rules.forEach((rule, i) => {
        const peers = getIn(rule, [key]);
        if (!Array.isArray(peers)) return;
        peers.forEach((peer, j) => {
          // a namespaceSelector makes the peer span namespaces; an empty podSelector selects every pod
          if (!isRecord(peer) || peer.namespaceSelector !== undefined || !isRecord(peer.podSelector)) return;
          const sel = peer.podSelector;
          const empty = Object.keys(isRecord(sel.matchLabels) ? sel.matchLabels : {}).length === 0 && !(Array.isArray(sel.matchExpressions) && sel.matchExpressions.length > 0);
          const { pairs, keys } = selectorNeeds(sel);
          if (empty || pods.candidates(pairs, keys).some((p) => selectorMatches(sel, p.labels))) return;
          out.push({ message: `${dir} rule ${i} peer ${j}: no pod in namespace ${nsOf(np)} matches the podSelector`, path: ['spec', dir, i, key, j, 'podSelector'] });
        });
      });
    }
    return out;
  },
});

/** The Services of the set by their own labels (what a ServiceMonitor selects). */
function servicesByLabel(all: readonly K8sResource[]): LabelIndex<K8sResource> {
  return derived(all, 'references/services-by-label', (xs) => new LabelIndex(ofKind(xs, 'Service').map((s) => [s, s.labels] as const)));
}

export const danglingServiceMonitor = defineK8sRule({
  id: 'BLW-K8S-587',
  title: 'ServiceMonitor selects no Service',
  severity: 'low',
  description: 'A ServiceMonitor whose selector and namespaceSelector match no Service scrapes nothing, so the metrics (and the alerts built on them) silently disappear.',
  remediation: 'Fix spec.selector labels or spec.namespaceSelector.matchNames.',
  references: ['https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor'],
  aliases: ['dangling-servicemonitor'],
  tags: ['references', 'monitoring'],
  on: 'resource',
  kinds: ['ServiceMonitor'],
  check: (sm, all) => {
    if (!sm.apiVersion.startsWith('monitoring.coreos.com/')) return [];
    const names = getIn(sm.object, ['spec', 'namespaceSelector', 'matchNames']);
    const nsList = Array.isArray(names) ? names.map(String) : [];
    // kube-linter reading: an empty selector matches every label set, an empty namespace list every namespace
    const sel = getIn(sm.object, ['spec', 'selector']);
    const { pairs, keys } = selectorNeeds(sel);
    const hit = servicesByLabel(all).candidates(pairs, keys).some((s) => (nsList.length === 0 || nsList.includes(nsOf(s))) && selectorMatches(sel, s.labels));
    return hit ? [] : [{ message: `no Service matches the selector${nsList.length > 0 ? ` in namespaces ${nsList.join(', ')}` : ''}`, path: ['spec'] }];
  },
});

/** IANA_SVC_NAME as Kubernetes validates port names: 1–15 chars of [a-z0-9-], a letter, no leading/trailing/double hyphen. */
export function validPortName(name: string): boolean {
  return name.length >= 1 && name.length <= 15 && /^[a-z0-9-]+$/.test(name) && /[a-z]/.test(name) && !name.startsWith('-') && !name.endsWith('-') && !name.includes('--');
}

export const invalidPorts = defineK8sRule({
  id: 'BLW-K8S-588',
  title: 'Port name or target port is invalid',
  severity: 'low',
  description: 'A Service targetPort must be 1–65535 or a valid port name, and a container port name must be a valid IANA service name; the API server rejects the object or the Service never reaches the pod.',
  remediation: 'Use names of at most 15 lowercase letters, digits and single hyphens, with at least one letter, and numbers within 1–65535.',
  references: ['https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec'],
  aliases: ['invalid-target-ports'],
  tags: ['references', 'network'],
  on: 'resource',
  check: (r) => {
    const out: Violation[] = [];
    if (r.kind === 'Service') {
      const ports = getIn(r.object, ['spec', 'ports']);
      if (Array.isArray(ports)) ports.forEach((p, i) => {
        if (!isRecord(p) || p.targetPort === undefined) return;
        const t = p.targetPort;
        const bad = typeof t === 'number' ? !(Number.isInteger(t) && t >= 1 && t <= 65535) : !validPortName(String(t));
        if (bad) out.push({ message: `targetPort ${String(t)} is neither a port number nor a valid port name`, path: ['spec', 'ports', i, 'targetPort'] });
      });
      return out;
    }
    const pod = podOf(r);
    if (!pod) return out;
    for (const c of containersOf(pod)) {
      const ports = Array.isArray(c.container.ports) ? c.container.ports : [];
      ports.forEach((p, i) => {
        if (isRecord(p) && p.name !== undefined && !validPortName(String(p.name))) out.push({ message: `container ${c.container.name ?? c.index}: port name ${String(p.name)} is not a valid IANA service name`, path: [...c.path, 'ports', i, 'name'] });
      });
    }
    return out;
  },
});

export const danglingRules: readonly K8sRule[] = [danglingGatewayBackend, danglingHpa, danglingPolicyPeer, danglingServiceMonitor, invalidPorts];

