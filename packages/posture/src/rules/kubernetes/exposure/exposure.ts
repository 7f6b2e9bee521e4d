import { derived } from '../../../kubernetes/derived.js';
import { ofKind, ofKindNamedIn, positions } from '../../../kubernetes/indexes.js';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { containersOf, getIn, isRecord } from '../../../kubernetes/workload.js';
import type { PodRef } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import {
  ingressBackends, isNodeOrLb, istioExposedServices, nsOf, routeBackends, servicePorts, serviceType, servicesSelecting, targetPortResolves,
} from './graph.js';

const SVC_DOCS = 'https://kubernetes.io/docs/concepts/services-networking/service/';

interface IngressRoutes {
  /** Namespace → backend Service name → Ingresses naming it (set order, each Ingress once per name). */
  byBackend: Map<string, Map<string, K8sResource[]>>;
  backends: Map<K8sResource, string[]>;
}

function ingressRoutes(all: readonly K8sResource[]): IngressRoutes {
  return derived(all, 'exposure/ingress-backends', (xs) => {
    const byBackend = new Map<string, Map<string, K8sResource[]>>();
    const backends = new Map<K8sResource, string[]>();
    for (const ing of ofKind(xs, 'Ingress')) {
      const names = ingressBackends(ing);
      backends.set(ing, names);
      let byName = byBackend.get(nsOf(ing));
      if (!byName) byBackend.set(nsOf(ing), (byName = new Map()));
      for (const n of new Set(names)) {
        const list = byName.get(n);
        if (list) list.push(ing);
        else byName.set(n, [ing]);
      }
    }
    return { byBackend, backends };
  });
}

/** How traffic from outside the cluster reaches a workload through NodePort/LoadBalancer Services and Ingresses. */
export function serviceOrIngressExposure(wl: K8sResource, pod: PodRef, all: readonly K8sResource[]): string[] {
  const selecting = servicesSelecting(all, wl, pod);
  const out: string[] = [];
  for (const s of selecting) if (isNodeOrLb(s) && targetPortResolves(s, pod)) out.push(`Service ${s.name} (${serviceType(s)})`);
  // a Service that is itself exposed already reports the workload
  const internal = new Set(selecting.filter((s) => !isNodeOrLb(s)).map((s) => s.name));
  if (internal.size === 0) return out;
  const routes = ingressRoutes(all);
  const byName = routes.byBackend.get(nsOf(wl));
  const ingresses = new Set([...internal].flatMap((n) => byName?.get(n) ?? []));
  const at = positions(all);
  for (const ing of [...ingresses].sort((a, b) => at.get(a)! - at.get(b)!)) {
    const via = routes.backends.get(ing)!.filter((n) => internal.has(n));
    if (via.length > 0) out.push(`Ingress ${ing.name} → Service ${via[0]}`);
  }
  return out;
}

interface RouteRef {
  /** Order of the reference among all route references of the set. */
  seq: number;
  route: K8sResource;
}

/** Gateway API route references by "namespace/name" of the Service they name. */
function routeRefs(all: readonly K8sResource[]): Map<string, RouteRef[]> {
  return derived(all, 'exposure/route-refs', (xs) => {
    const out = new Map<string, RouteRef[]>();
    let seq = 0;
    for (const route of xs) {
      for (const ref of routeBackends(route)) {
        const key = `${ref.namespace}/${ref.name}`;
        const entry = { seq: seq++, route };
        const list = out.get(key);
        if (list) list.push(entry);
        else out.set(key, [entry]);
      }
    }
    return out;
  });
}

/** Order of each key of `istioExposedServices`. */
function istioOrder(all: readonly K8sResource[]): Map<string, number> {
  return derived(all, 'exposure/istio-order', (xs) => new Map([...istioExposedServices(xs).keys()].map((k, i) => [k, i] as const)));
}

/** How traffic reaches a workload through Gateway API routes and Istio VirtualServices on public gateways. */
export function gatewayExposure(wl: K8sResource, pod: PodRef, all: readonly K8sResource[]): string[] {
  const selecting = servicesSelecting(all, wl, pod);
  if (selecting.length === 0) return [];
  const keys = new Map(selecting.map((s) => [`${nsOf(s)}/${s.name}`, s]));
  const out: string[] = [];
  const refs = routeRefs(all);
  const hits = [...keys.keys()].flatMap((key) => (refs.get(key) ?? []).map((r) => ({ ...r, s: keys.get(key)! })));
  for (const { route, s } of hits.sort((a, b) => a.seq - b.seq)) {
    if (!isNodeOrLb(s)) out.push(`${route.kind} ${route.name} → Service ${s.name}`);
  }
  const exposed = istioExposedServices(all);
  const order = istioOrder(all);
  for (const key of [...keys.keys()].filter((k) => exposed.has(k)).sort((a, b) => order.get(a)! - order.get(b)!)) {
    out.push(`VirtualService ${exposed.get(key)!.name} → Service ${keys.get(key)!.name}`);
  }
  return [...new Set(out)];
}

function exposureRule(spec: {
  id: string; title: string; aliases: string[]; description: string; remediation: string; references: string[];
  paths(wl: K8sResource, pod: PodRef, all: readonly K8sResource[]): string[];
}): K8sRule {
  return defineK8sRule({
    id: spec.id,
    title: spec.title,
    severity: 'medium',
    description: spec.description,
    remediation: spec.remediation,
    references: spec.references,
    aliases: spec.aliases,
    tags: ['network', 'exposure'],
    on: 'pod',
    check: (pod, r, all): Violation[] => {
      const via = spec.paths(r, pod, all);
      return via.length > 0 ? [{ message: `${r.kind} ${r.name} is reachable from outside the cluster through ${via.join(', ')}`, path: ['metadata', 'name'] }] : [];
    },
  });
}

export const exposedToInternet = exposureRule({
  id: 'BLW-K8S-560',
  title: 'Workload exposed outside the cluster (NodePort, LoadBalancer or Ingress)',
  aliases: ['C-0256', 'exposure-to-internet'],
  description: 'A workload selected by a NodePort or LoadBalancer Service, or by a Service an Ingress routes to, can be reached from outside the cluster; it needs authentication, TLS and a reason to be public.',
  remediation: 'Use ClusterIP Services for internal workloads; publish only what must be public, through an Ingress with TLS and authentication.',
  references: [SVC_DOCS, 'https://kubernetes.io/docs/concepts/services-networking/ingress/'],
  paths: serviceOrIngressExposure,
});

export const exposedThroughGateway = exposureRule({
  id: 'BLW-K8S-561',
  title: 'Workload exposed through a Gateway API route or an Istio ingress gateway',
  aliases: ['C-0266', 'exposure-to-internet-via-gateway-api', 'exposure-to-internet-via-istio-ingress'],
  description: 'An HTTPRoute/TCPRoute/UDPRoute backend, or an Istio VirtualService bound to a gateway fronted by a NodePort/LoadBalancer Service, makes the workload reachable from outside the cluster.',
  remediation: 'Attach routes only to internal gateways unless the workload must be public; require authentication (e.g. Istio RequestAuthentication/AuthorizationPolicy) on public routes.',
  references: ['https://gateway-api.sigs.k8s.io/api-types/httproute/', 'https://istio.io/latest/docs/reference/config/networking/virtual-service/'],
  paths: gatewayExposure,
});

/** Kubescape's default `sensitiveInterfaces`: consoles that must never face the internet. */
export const SENSITIVE_INTERFACES = ['nifi', 'argo-server', 'weave-scope-app', 'kubeflow', 'kubernetes-dashboard', 'jenkins', 'prometheus-deployment'];

export const sensitiveInterfaceExposed = defineK8sRule({
  id: 'BLW-K8S-562',
  title: 'Sensitive management interface exposed outside the cluster',
  severity: 'high',
  description: 'Consoles such as Argo, Jenkins, Kubeflow, NiFi, Weave Scope, Prometheus or the Kubernetes dashboard give code execution or cluster control; a NodePort, or a LoadBalancer that has an external address, puts them on the network.',
  remediation: 'Serve the interface through a ClusterIP Service behind an authenticating proxy or VPN; never a NodePort or public LoadBalancer.',
  references: ['https://hub.armosec.io/docs/c-0021', SVC_DOCS],
  aliases: ['C-0021', 'exposed-sensitive-interfaces-v1', 'exposed-sensitive-interfaces'],
  tags: ['network', 'exposure'],
  on: 'pod',
  check: (pod, r, all) => {
    const hit = SENSITIVE_INTERFACES.find((n) => r.name.includes(n));
    if (!hit) return [];
    const via = servicesSelecting(all, r, pod).filter((s) => {
      if (serviceType(s) === 'NodePort') return true;
      // a LoadBalancer counts once the cloud gave it an address (kubescape reads status)
      const ingress = getIn(s.object, ['status', 'loadBalancer', 'ingress']);
      return serviceType(s) === 'LoadBalancer' && Array.isArray(ingress) && ingress.some((i) => isRecord(i) && (i.ip || i.hostname));
    });
    return via.length > 0 ? [{ message: `${r.kind} ${r.name} (${hit}) is exposed through ${via.map((s) => `Service ${s.name} (${serviceType(s)})`).join(', ')}`, path: ['metadata', 'name'] }] : [];
  },
});

const SSH_PORTS = new Set([22, 2222]);

export const sshExposed = defineK8sRule({
  id: 'BLW-K8S-563',
  title: 'Service exposes SSH on a workload',
  severity: 'medium',
  description: 'A Service forwarding port 22 or 2222 to a workload means an SSH server runs in the container: a second way in that bypasses Kubernetes authentication, RBAC and audit.',
  remediation: 'Remove the SSH server from the image and the port from the Service; use kubectl exec (audited, RBAC-controlled) for debugging.',
  references: ['https://hub.armosec.io/docs/c-0042'],
  aliases: ['C-0042', 'rule-can-ssh-to-pod-v1', 'rule-can-ssh-to-pod'],
  tags: ['network', 'exposure'],
  on: 'pod',
  check: (pod, r, all) => {
    const via = servicesSelecting(all, r, pod).filter((s) => servicePorts(s).some((p) => SSH_PORTS.has(Number(p.port)) || SSH_PORTS.has(Number(p.targetPort))));
    return via.length > 0 ? [{ message: `${r.kind} ${r.name} is reachable on an SSH port through Service ${via.map((s) => s.name).join(', ')}`, path: ['metadata', 'name'] }] : [];
  },
});

export const unauthenticatedService = defineK8sRule({
  id: 'BLW-K8S-564',
  title: 'Service answers without authentication (network scan)',
  severity: 'high',
  description: 'A network scan of the Service (kubescape ServiceScanResult) found a port that serves requests without any authentication.',
  remediation: 'Put authentication in front of the port (application auth, mTLS, an authenticating proxy) or stop exposing it.',
  references: ['https://hub.armosec.io/docs/c-0274'],
  aliases: ['C-0274', 'unauthenticated-service'],
  tags: ['network', 'exposure'],
  on: 'resource',
  kinds: ['Service'],
  check: (svc, all) => {
    const scan = ofKindNamedIn(all, 'ServiceScanResult', nsOf(svc), svc.name)[0];
    const scanned = getIn(scan?.object, ['spec', 'ports']);
    if (!Array.isArray(scanned)) return [];
    const open = new Set(scanned.filter((p) => isRecord(p) && p.authenticated === false).map((p) => Number((p as Record<string, unknown>).port)));
    const out: Violation[] = [];
    servicePorts(svc).forEach((p, i) => {
      if (open.has(Number(p.port))) out.push({ message: `port ${String(p.port)} of Service ${svc.name} accepts unauthenticated requests`, path: ['spec', 'ports', i, 'port'] });
    });
    return out;
  },
});

function isTiller(pod: PodRef, image: unknown): boolean {
  if (typeof image === 'string' && image.includes('tiller')) return true;
  const labels = isRecord(pod.metadata.labels) ? pod.metadata.labels : {};
  return labels.app === 'helm' || labels.name === 'tiller';
}

export const tillerListener = defineK8sRule({
  id: 'BLW-K8S-565',
  title: 'Tiller (Helm v2) listens on all interfaces',
  severity: 'high',
  description: 'Tiller serves an unauthenticated gRPC API that installs anything with cluster-admin rights; unless it listens on localhost only, every pod in the cluster can drive it.',
  remediation: 'Remove Tiller (migrate to Helm 3); until then start it with --listen=localhost:44134.',
  references: ['https://helm.sh/docs/topics/v2_v3_migration/', 'https://engineering.bitnami.com/articles/helm-security.html'],
  aliases: ['CKV_K8S_45'],
  tags: ['network', 'exposure'],
  on: 'pod',
  check: (pod, r) => {
    const out: Violation[] = [];
    for (const c of containersOf(pod, ['containers', 'initContainers'])) {
      if (!isTiller(pod, c.container.image)) continue;
      const args = Array.isArray(c.container.args) ? c.container.args.map(String) : [];
      const local = args.some((a) => a.includes('--listen') && (a.includes('localhost') || a.includes('127.0.0.1')));
      if (!local) out.push({ message: `Tiller container ${c.container.name ?? c.index} of ${r.kind} ${r.name} does not listen on localhost only`, path: [...c.path, 'args'] });
    }
    return out;
  },
});

export const exposureRules: readonly K8sRule[] = [exposedToInternet, exposedThroughGateway, sensitiveInterfaceExposed, sshExposed, unauthenticatedService, tillerListener];

