import { derived } from '../../../kubernetes/derived.js';
import { LabelIndex, ofKind, ofKindNamedIn, selectorsIn } from '../../../kubernetes/indexes.js';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { containersOf, getIn, isRecord, podLabels } from '../../../kubernetes/workload.js';
import type { PodRef } from '../../../kubernetes/workload.js';

// Who routes traffic to a workload: Services selecting its pods, and the Ingresses, Gateway API routes and Istio
// VirtualServices naming those Services. Plain label maps as the API server uses them.

export const nsOf = (r: K8sResource): string => r.namespace ?? 'default';

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = String(x);
  return out;
}

export function serviceSelector(svc: K8sResource): Record<string, string> {
  return stringMap(getIn(svc.object, ['spec', 'selector']));
}

/** A Service selects a pod when its (non-empty) selector is a subset of the pod's labels, in the same namespace. */
export function selects(svc: K8sResource, wl: K8sResource, pod: PodRef): boolean {
  if (svc.kind !== 'Service' || nsOf(svc) !== nsOf(wl)) return false;
  const sel = Object.entries(serviceSelector(svc));
  if (sel.length === 0) return false;
  const labels = podLabels(pod);
  return sel.every(([k, v]) => labels[k] === v);
}

/** The Services of the set that select a workload's pods (`selects`), in set order. */
export function servicesSelecting(all: readonly K8sResource[], wl: K8sResource, pod: PodRef): K8sResource[] {
  const index = selectorsIn(all, 'exposure/service-selectors', 'Service', nsOf(wl), (svc) => {
    const first = Object.entries(serviceSelector(svc))[0];
    return first ? [first] : 'never';
  });
  return index.candidates(podLabels(pod)).filter((s) => selects(s, wl, pod));
}

export const serviceType = (svc: K8sResource): string => String(getIn(svc.object, ['spec', 'type']) ?? 'ClusterIP');
export const isNodeOrLb = (svc: K8sResource): boolean => ['NodePort', 'LoadBalancer'].includes(serviceType(svc));

export function servicePorts(svc: K8sResource): Record<string, unknown>[] {
  const ports = getIn(svc.object, ['spec', 'ports']);
  return Array.isArray(ports) ? ports.filter(isRecord) : [];
}

/** Some port of the Service reaches the pod: a numeric targetPort, or a named one a container declares. */
export function targetPortResolves(svc: K8sResource, pod: PodRef): boolean {
  const names = new Set(containersOf(pod, ['containers']).flatMap((c) => (Array.isArray(c.container.ports) ? c.container.ports : []))
    .flatMap((p) => (isRecord(p) && typeof p.name === 'string' ? [p.name] : [])));
  return servicePorts(svc).some((p) => typeof p.targetPort !== 'string' || names.has(p.targetPort));
}

/** Names of the Services an Ingress sends traffic to (networking.k8s.io/v1 and the older serviceName form). */
export function ingressBackends(ing: K8sResource): string[] {
  const out: string[] = [];
  const add = (b: unknown): void => {
    if (!isRecord(b)) return;
    const name = getIn(b, ['service', 'name']) ?? b.serviceName;
    if (typeof name === 'string') out.push(name);
  };
  add(getIn(ing.object, ['spec', 'defaultBackend']));
  add(getIn(ing.object, ['spec', 'backend']));
  const rules = getIn(ing.object, ['spec', 'rules']);
  if (Array.isArray(rules)) for (const r of rules) {
    const paths = getIn(r, ['http', 'paths']);
    if (Array.isArray(paths)) for (const p of paths) add(isRecord(p) ? p.backend : undefined);
  }
  return out;
}

export const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'UDPRoute', 'TLSRoute']);

/** Gateway API backendRefs of a route that name a Service: [namespace, name, path of the ref]. */
export function routeBackends(route: K8sResource): { namespace: string; name: string; path: (string | number)[] }[] {
  if (!ROUTE_KINDS.has(route.kind) || !route.apiVersion.startsWith('gateway.networking.k8s.io/')) return [];
  const out: { namespace: string; name: string; path: (string | number)[] }[] = [];
  const rules = getIn(route.object, ['spec', 'rules']);
  if (!Array.isArray(rules)) return out;
  rules.forEach((rule, i) => {
    const refs = getIn(rule, ['backendRefs']);
    if (!Array.isArray(refs)) return;
    refs.forEach((ref, j) => {
      if (!isRecord(ref) || typeof ref.name !== 'string') return;
      // kind defaults to Service in the core group
      const kind = ref.kind ?? 'Service';
      const group = ref.group ?? '';
      if (kind !== 'Service' || group !== '') return;
      out.push({ namespace: typeof ref.namespace === 'string' ? ref.namespace : nsOf(route), name: ref.name, path: ['spec', 'rules', i, 'backendRefs', j, 'name'] });
    });
  });
  return out;
}

const isIstio = (r: K8sResource, kind: string): boolean => r.kind === kind && r.apiVersion.startsWith('networking.istio.io/');

/** Services by their labels together with their selector (what an Istio Gateway's selector is compared with). */
function servicesByLabelsAndSelector(all: readonly K8sResource[]): LabelIndex<{ svc: K8sResource; both: Record<string, string> }> {
  return derived(all, 'exposure/services-by-labels-and-selector', (xs) => new LabelIndex(ofKind(xs, 'Service').map((svc) => {
    const both = { ...svc.labels, ...serviceSelector(svc) };
    return [{ svc, both }, both] as const;
  })));
}

/** An Istio Gateway is public when a NodePort/LoadBalancer Service fronts its pods (or, as kubescape reads names, it ends in "public" and some Service fronts them). */
function gatewayPublic(gw: K8sResource, all: readonly K8sResource[]): boolean {
  const sel = Object.entries(stringMap(getIn(gw.object, ['spec', 'selector'])));
  if (sel.length === 0) return false;
  const fronting = servicesByLabelsAndSelector(all).candidates(sel)
    .filter(({ both }) => sel.every(([k, v]) => both[k] === v)).map(({ svc }) => svc);
  return fronting.some(isNodeOrLb) || (gw.name.endsWith('public') && fronting.length > 0);
}

/** Services (namespace/name) that an Istio VirtualService bound to a public Gateway routes to, with the VirtualService (once per set). */
export function istioExposedServices(all: readonly K8sResource[]): Map<string, K8sResource> {
  return derived(all, 'exposure/istio-exposed-services', readIstioExposedServices);
}

function readIstioExposedServices(all: readonly K8sResource[]): Map<string, K8sResource> {
  const out = new Map<string, K8sResource>();
  for (const vs of ofKind(all, 'VirtualService').filter((r) => isIstio(r, 'VirtualService'))) {
    const gateways = getIn(vs.object, ['spec', 'gateways']);
    if (!Array.isArray(gateways)) continue;
    const publicGw = gateways.map(String).filter((g) => g !== 'mesh').some((g) => {
      const [ns, name] = g.includes('/') ? g.split('/', 2) as [string, string] : [nsOf(vs), g];
      const gw = ofKindNamedIn(all, 'Gateway', ns, name).find((r) => isIstio(r, 'Gateway'));
      return gw !== undefined && gatewayPublic(gw, all);
    });
    if (!publicGw) continue;
    for (const section of ['http', 'tcp', 'tls']) {
      const routes = getIn(vs.object, ['spec', section]);
      if (!Array.isArray(routes)) continue;
      for (const r of routes) {
        const dests = getIn(r, ['route']);
        if (!Array.isArray(dests)) continue;
        for (const d of dests) {
          const host = getIn(d, ['destination', 'host']);
          if (typeof host !== 'string' || host.includes('*')) continue;
          const parts = host.split('.');
          out.set(`${parts.length > 1 ? parts[1] : nsOf(vs)}/${parts[0]}`, vs);
        }
      }
    }
  }
  return out;
}
