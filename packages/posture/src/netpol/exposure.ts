import { formatConns, intersect, isEmpty, connsOf, union, emptyConns, type ConnSet } from './conn-set.js';
import { type Peer, INGRESS_CONTROLLER, allowedConns, peerName } from './engine.js';
import { ingressConnections, ipPeers } from './connlist.js';
import { type NetpolModel, type Workload, buildModel, selects } from './model.js';
import type { EngineOptions } from './engine.js';

export interface ExposedWorkload {
  workload: string;
  /** What opens the workload to the outside: "Service ns/name (LoadBalancer)", "Ingress ns/name", "Route ns/name". */
  via: string[];
  /** Connections that outside clients can make once NetworkPolicies are applied ("No Connections" when all are blocked). */
  conn: string;
  /** True when some external traffic gets through the policies. */
  reachable: boolean;
}

// Service ports are taken as TCP: the model keeps no Service protocol, and LoadBalancer/NodePort traffic is TCP in practice.
function servicePortConns(w: Workload, ports: readonly { port: number; targetPort: number | string | undefined }[]): ConnSet {
  let c = emptyConns();
  for (const p of ports) {
    const t = p.targetPort ?? p.port;
    const n = typeof t === 'number' ? t : w.ports.find((x) => x.name === t)?.port;
    if (n !== undefined) c = union(c, connsOf('TCP', [[n, n]]));
  }
  return c;
}

/**
 * Workloads reachable from outside the cluster: selected by a LoadBalancer or NodePort Service, or behind an
 * Ingress/Route. The connection is what the exposing object opens, narrowed by the policies that apply to traffic
 * from external IPs (LoadBalancer/NodePort) or from the ingress controller (Ingress/Route).
 */
export function exposure(objects: readonly unknown[], opts: EngineOptions = {}): ExposedWorkload[] {
  return exposureOfModel(buildModel(objects), opts);
}

export function exposureOfModel(m: NetpolModel, opts: EngineOptions = {}): ExposedWorkload[] {
  const found = new Map<Workload, { via: string[]; conns: ConnSet }>();
  const external: Peer[] = ipPeers(m).src.map((range) => ({ type: 'ip', range }));
  for (const svc of m.services) {
    if (svc.type !== 'LoadBalancer' && svc.type !== 'NodePort') continue;
    if (!svc.selector) continue;
    for (const w of m.workloads) {
      if (w.namespace !== svc.namespace || !selects({ matchLabels: svc.selector, matchExpressions: [] }, w.labels)) continue;
      const opened = servicePortConns(w, svc.ports);
      let allowed = emptyConns();
      for (const src of external) allowed = union(allowed, allowedConns(m, src, { type: 'workload', workload: w }, opts));
      const cur = found.get(w) ?? { via: [], conns: emptyConns() };
      cur.via.push(`Service ${svc.namespace}/${svc.name} (${svc.type})`);
      cur.conns = union(cur.conns, intersect(opened, allowed));
      found.set(w, cur);
    }
  }
  for (const [w, { conns, objects }] of ingressConnections(m)) {
    const ctrl: Peer = { type: 'workload', workload: INGRESS_CONTROLLER };
    const cur = found.get(w) ?? { via: [], conns: emptyConns() };
    cur.via.push(...objects);
    cur.conns = union(cur.conns, intersect(conns, allowedConns(m, ctrl, { type: 'workload', workload: w }, opts)));
    found.set(w, cur);
  }
  return [...found.entries()]
    .map(([w, v]) => ({ workload: peerName({ type: 'workload', workload: w }), via: v.via, conn: formatConns(v.conns), reachable: !isEmpty(v.conns) }))
    .sort((a, b) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : 0));
}
