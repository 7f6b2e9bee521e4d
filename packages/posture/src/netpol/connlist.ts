import { type ConnSet, type Interval, type Protocol, connsOf, contains, emptyConns, formatConns, intersect, isEmpty, subtractIntervals, union } from './conn-set.js';
import { disjointRanges, parseCidr, parseIPv4 } from './ip.js';
import { type EngineOptions, type Peer, INGRESS_CONTROLLER, allowedConns, explain, peerName } from './engine.js';
import { type IngressRoute, type NetpolModel, type Service, type Workload, buildModel, selects } from './model.js';

export interface ConnEntry {
  src: string;
  dst: string;
  conn: string;
}

export interface ConnList {
  entries: ConnEntry[];
  warnings: string[];
}

export type ConnectivityOptions = EngineOptions;

function blockSet(cidr: Interval, except: readonly Interval[]): Interval[] {
  return subtractIntervals([cidr], [...except].sort((a, b) => a[0] - b[0]));
}

/** IP ranges referenced as sources (ingress rules) and destinations (egress rules), split as netpol-analyzer does. */
export function ipPeers(m: NetpolModel): { src: Interval[]; dst: Interval[] } {
  const src: Interval[][] = [];
  const dst: Interval[][] = [];
  for (const p of m.policies) {
    for (const r of p.ingress) for (const rp of r.peers ?? []) if (rp.ipBlock) src.push(blockSet(rp.ipBlock.cidr, rp.ipBlock.except));
    for (const r of p.egress) for (const rp of r.peers ?? []) if (rp.ipBlock) dst.push(blockSet(rp.ipBlock.cidr, rp.ipBlock.except));
  }
  for (const p of [...m.adminPolicies, ...(m.baseline ? [m.baseline] : [])]) {
    for (const r of p.egress) for (const rp of r.peers) for (const n of rp.networks ?? []) dst.push([n]);
  }
  return { src: disjointRanges(src), dst: disjointRanges(dst) };
}

function targetPeers(m: NetpolModel, svc: Service): Workload[] {
  if (!svc.selector) return [];
  const sel = { matchLabels: svc.selector, matchExpressions: [] };
  return m.workloads.filter((w) => w.namespace === svc.namespace && selects(sel, w.labels));
}

/** TCP connections the Ingress/Route objects open from the ingress controller to each workload (before policies). */
export function ingressConnections(m: NetpolModel): Map<Workload, { conns: ConnSet; objects: string[] }> {
  const out = new Map<Workload, { conns: ConnSet; objects: string[] }>();
  for (const ing of m.ingresses) {
    for (const b of ing.backends) {
      const svc = m.services.find((s) => s.namespace === ing.namespace && s.name === b.service);
      if (!svc) continue;
      for (const w of targetPeers(m, svc)) {
        const conns = backendConns(svc, b.port, w);
        const cur = out.get(w) ?? { conns: emptyConns(), objects: [] };
        cur.conns = union(cur.conns, conns);
        const label = `${ing.kind} ${ing.namespace}/${ing.name}`;
        if (!cur.objects.includes(label)) cur.objects.push(label);
        out.set(w, cur);
      }
    }
  }
  return out;
}

function backendConns(svc: Service, required: IngressRoute['backends'][number]['port'], w: Workload): ConnSet {
  const access: (number | string)[] = [];
  for (const sp of svc.ports) {
    const podPort = sp.targetPort ?? sp.port;
    if (required === undefined) access.push(podPort);
    else if ((sp.name !== undefined && sp.name === required) || sp.port === required || sp.targetPort === required) {
      access.push(podPort);
      break;
    }
  }
  let out = emptyConns();
  // netpol-analyzer counts every container port as a TCP port the pod exposes.
  const exposed = new Set(w.ports.map((p) => p.port));
  for (const a of access) {
    let n: number;
    if (typeof a === 'string') {
      const cp = w.ports.find((p) => p.name === a);
      if (!cp || cp.protocol !== 'TCP') continue;
      n = cp.port;
    } else n = a;
    if (exposed.has(n)) out = union(out, connsOf('TCP', [[n, n]]));
  }
  return out;
}

/** Allowed connections between every ordered pair of workloads and IP ranges (netpol-analyzer `list`). */
export function connectivity(objects: readonly unknown[], opts: ConnectivityOptions = {}): ConnList {
  return connectivityOfModel(buildModel(objects), opts);
}

export function connectivityOfModel(m: NetpolModel, opts: ConnectivityOptions = {}): ConnList {
  const entries: ConnEntry[] = [];
  if (m.workloads.length === 0) return { entries, warnings: m.warnings };
  const ips = ipPeers(m);
  const wl: Peer[] = m.workloads.map((workload) => ({ type: 'workload', workload }));
  const srcs: Peer[] = [...ips.src.map((range): Peer => ({ type: 'ip', range })), ...wl];
  const dsts: Peer[] = [...ips.dst.map((range): Peer => ({ type: 'ip', range })), ...wl];
  for (const s of srcs) {
    const sn = peerName(s);
    for (const d of dsts) {
      if (s.type === 'ip' && d.type === 'ip') continue;
      const dn = peerName(d);
      if (sn === dn) continue;
      const c = allowedConns(m, s, d, opts);
      if (!isEmpty(c)) entries.push({ src: sn, dst: dn, conn: formatConns(c) });
    }
  }
  const ctrl: Peer = { type: 'workload', workload: INGRESS_CONTROLLER };
  for (const [w, { conns }] of ingressConnections(m)) {
    const d: Peer = { type: 'workload', workload: w };
    const c = intersect(conns, allowedConns(m, ctrl, d, opts));
    if (!isEmpty(c)) entries.push({ src: peerName(ctrl), dst: peerName(d), conn: formatConns(c) });
  }
  entries.sort((a, b) => cmp(formatLine(a), formatLine(b)));
  return { entries, warnings: m.warnings };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function formatLine(e: ConnEntry): string {
  return `${e.src} => ${e.dst} : ${e.conn}`;
}

/** netpol-analyzer's default text output: one "src => dst : conn" line per allowed pair, sorted. */
export function formatConnList(list: ConnList | readonly ConnEntry[]): string {
  const entries = Array.isArray(list) ? (list as readonly ConnEntry[]) : (list as ConnList).entries;
  return entries.map(formatLine).sort(cmp).join('\n');
}

export interface Query {
  /** "ns/name" of a workload (or of a pod's owner), "ns/name[Kind]", an IPv4 address or CIDR. */
  src: string;
  dst: string;
  port: number;
  protocol?: Protocol;
}

function resolvePeer(m: NetpolModel, ref: string): Peer | undefined {
  const cidr = parseCidr(ref);
  if (cidr && cidr !== 'ipv6') return { type: 'ip', range: cidr };
  if (ref === '{ingress-controller}') return { type: 'workload', workload: INGRESS_CONTROLLER };
  const w = m.workloads.find((x) => peerName({ type: 'workload', workload: x }) === ref || `${x.namespace}/${x.name}` === ref);
  if (w) return { type: 'workload', workload: w };
  const ip = parseIPv4(ref);
  return ip === undefined ? undefined : { type: 'ip', range: [ip, ip] };
}

/** Decides one connection and names the policies (rules) that allow or deny it. Unknown peers are not allowed. */
export function isAllowed(model: NetpolModel, q: Query, opts: EngineOptions = {}): { allowed: boolean; by: string[] } {
  const s = resolvePeer(model, q.src);
  const d = resolvePeer(model, q.dst);
  if (!s || !d) return { allowed: false, by: [`unknown peer ${!s ? q.src : q.dst}`] };
  return explain(model, s, d, q.protocol ?? 'TCP', q.port, opts);
}

export type ProbeVerdict = 'allow' | 'deny' | 'unserved';

/**
 * Allow/deny matrix for one probe between every ordered pair of workloads (self pairs included), keyed "ns/name",
 * as cyclonus prints its truth tables. 'unserved' (cyclonus "N"): no container of the destination listens on the probe.
 */
export function probeMatrix(m: NetpolModel, protocol: Protocol, port: number, opts: EngineOptions = {}): Record<string, Record<string, ProbeVerdict>> {
  const out: Record<string, Record<string, ProbeVerdict>> = {};
  for (const s of m.workloads) {
    const row: Record<string, ProbeVerdict> = {};
    for (const d of m.workloads) {
      if (!d.ports.some((p) => p.port === port && p.protocol === protocol)) {
        row[`${d.namespace}/${d.name}`] = 'unserved';
        continue;
      }
      const c = allowedConns(m, { type: 'workload', workload: s }, { type: 'workload', workload: d }, opts);
      row[`${d.namespace}/${d.name}`] = contains(c, protocol, port) ? 'allow' : 'deny';
    }
    out[`${s.namespace}/${s.name}`] = row;
  }
  return out;
}
