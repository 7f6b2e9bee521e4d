import {
  type ConnSet, type Interval, type Protocol, allConns, connsOf, contains, emptyConns, intersect, isAll, isEmpty, subtract, union,
  formatConns,
} from './conn-set.js';
import { formatRange } from './ip.js';
import {
  type AdminPolicy, type AnpPeer, type AnpPort, type LabelSelector, type NetpolModel, type NetworkPolicy, type NpPeer, type NpPort,
  type Workload, NS_NAME_LABEL, selects,
} from './model.js';

export type Peer = { type: 'workload'; workload: Workload } | { type: 'ip'; range: Interval };

export interface EngineOptions {
  /** Let ipBlock / networks rules match pods by their IPs (cyclonus semantics); netpol-analyzer ignores pod IPs. */
  podIpsMatchIpBlocks?: boolean;
}

/** Names a peer as netpol-analyzer prints it. */
export function peerName(p: Peer): string {
  if (p.type === 'ip') return `${formatRange(p.range)}[External]`;
  const w = p.workload;
  if (w.kind === INGRESS_CONTROLLER.kind && w.name === INGRESS_CONTROLLER.name) return '{ingress-controller}';
  return `${w.namespace}/${w.name}[${w.kind}]`;
}

/** The fake source netpol-analyzer uses for traffic entering through Ingress/Route objects. */
export const INGRESS_CONTROLLER: Workload = Object.freeze({
  namespace: 'ingress-controller-ns', name: 'ingress-controller', kind: '', labels: {}, ports: [], ips: [],
}) as Workload;

/** A policy rule's share of a verdict: what it allowed, denied or passed between two peers. */
export interface Contribution {
  policy: string;
  rule: string;
  effect: 'allow' | 'deny' | 'pass';
  conns: ConnSet;
}

interface Xgress {
  conns: ConnSet;
  contributions: Contribution[];
}

function nsLabels(m: NetpolModel, ns: string): Record<string, string> {
  return m.namespaces.get(ns) ?? { [NS_NAME_LABEL]: ns };
}

function inRange(r: Interval, outer: Interval): boolean {
  return r[0] >= outer[0] && r[1] <= outer[1];
}
function overlaps(r: Interval, o: Interval): boolean {
  return r[0] <= o[1] && o[0] <= r[1];
}

function ipsMatch(peer: Peer, cidr: Interval, except: readonly Interval[], opts: EngineOptions): boolean {
  if (peer.type === 'ip') return inRange(peer.range, cidr) && !except.some((e) => overlaps(peer.range, e));
  if (!opts.podIpsMatchIpBlocks) return false;
  return peer.workload.ips.some((ip) => inRange([ip, ip], cidr) && !except.some((e) => inRange([ip, ip], e)));
}

function npPeerMatches(m: NetpolModel, pol: NetworkPolicy, rp: NpPeer, peer: Peer, opts: EngineOptions): boolean {
  if (rp.ipBlock) return ipsMatch(peer, rp.ipBlock.cidr, rp.ipBlock.except, opts);
  if (peer.type === 'ip') return false;
  const w = peer.workload;
  if (rp.namespaceSelector) {
    if (!selects(rp.namespaceSelector, nsLabels(m, w.namespace))) return false;
  } else if (w.namespace !== pol.namespace) return false;
  return !rp.podSelector || selects(rp.podSelector, w.labels);
}

function namedPort(dst: Peer, name: string): { protocol: Protocol; port: number } | undefined {
  if (dst.type !== 'workload') return undefined;
  const p = dst.workload.ports.find((c) => c.name === name);
  return p ? { protocol: p.protocol, port: p.port } : undefined;
}

function npPortConns(ports: readonly NpPort[] | undefined, dst: Peer): ConnSet {
  if (!ports) return allConns();
  let out = emptyConns();
  for (const p of ports) {
    if (p.port === undefined) out = union(out, connsOf(p.protocol, [[1, 65535]]));
    else if (typeof p.port === 'number') out = union(out, connsOf(p.protocol, [[p.port, p.endPort ?? p.port]]));
    else {
      const np = namedPort(dst, p.port);
      if (np && np.protocol === p.protocol) out = union(out, connsOf(np.protocol, [[np.port, np.port]]));
    }
  }
  return out;
}

function anpPortConns(ports: readonly AnpPort[] | undefined, dst: Peer): ConnSet {
  if (!ports) return allConns();
  let out = emptyConns();
  for (const p of ports) {
    if (p.named !== undefined) {
      const np = namedPort(dst, p.named);
      if (np) out = union(out, connsOf(np.protocol, [[np.port, np.port]]));
    } else if (p.range && p.protocol) out = union(out, connsOf(p.protocol, [p.range]));
  }
  return out;
}

function podSelected(m: NetpolModel, nsSel: LabelSelector | undefined, podSel: LabelSelector | undefined, w: Workload): boolean {
  if (nsSel && !selects(nsSel, nsLabels(m, w.namespace))) return false;
  return !podSel || selects(podSel, w.labels);
}

function anpSubjectSelects(m: NetpolModel, p: AdminPolicy, w: Workload): boolean {
  const s = p.subject;
  if (s.namespaces) return podSelected(m, s.namespaces, undefined, w);
  if (s.pods) return podSelected(m, s.pods.namespaceSelector, s.pods.podSelector, w);
  return false;
}

function anpPeerMatches(m: NetpolModel, rp: AnpPeer, peer: Peer, opts: EngineOptions): boolean {
  if (rp.networks && rp.networks.some((n) => ipsMatch(peer, n, [], opts))) return true;
  if (peer.type === 'ip') return false;
  if (rp.namespaces) return podSelected(m, rp.namespaces, undefined, peer.workload);
  if (rp.pods) return podSelected(m, rp.pods.namespaceSelector, rp.pods.podSelector, peer.workload);
  return false;
}

interface AdminVerdict {
  allowed: ConnSet;
  denied: ConnSet;
  passed: ConnSet;
  decided: ConnSet;
  contributions: Contribution[];
}

/** First matching rule wins, per (protocol, port): policies in the given order, rules in their order. */
function adminVerdict(m: NetpolModel, pols: readonly AdminPolicy[], src: Peer, dst: Peer, ingress: boolean, opts: EngineOptions): AdminVerdict {
  const v: AdminVerdict = { allowed: emptyConns(), denied: emptyConns(), passed: emptyConns(), decided: emptyConns(), contributions: [] };
  const subject = ingress ? dst : src;
  const other = ingress ? src : dst;
  if (subject.type !== 'workload') return v;
  for (const p of pols) {
    if (!anpSubjectSelects(m, p, subject.workload)) continue;
    for (const r of ingress ? p.ingress : p.egress) {
      if (!r.peers.some((rp) => anpPeerMatches(m, rp, other, opts))) continue;
      const c = subtract(anpPortConns(r.ports, dst), v.decided);
      if (isEmpty(c)) continue;
      v.decided = union(v.decided, c);
      if (r.action === 'Allow') v.allowed = union(v.allowed, c);
      else if (r.action === 'Deny') v.denied = union(v.denied, c);
      else v.passed = union(v.passed, c);
      v.contributions.push({ policy: `${p.kind}/${p.name}`, rule: r.name, effect: r.action === 'Allow' ? 'allow' : r.action === 'Deny' ? 'deny' : 'pass', conns: c });
      if (isAll(v.decided)) return v;
    }
  }
  return v;
}

function netpolVerdict(m: NetpolModel, src: Peer, dst: Peer, ingress: boolean, opts: EngineOptions): { captured: boolean; allowed: ConnSet; contributions: Contribution[] } {
  const subject = ingress ? dst : src;
  const other = ingress ? src : dst;
  let allowed = emptyConns();
  const contributions: Contribution[] = [];
  let captured = false;
  if (subject.type !== 'workload') return { captured, allowed, contributions };
  const w = subject.workload;
  for (const pol of m.policies) {
    if (pol.namespace !== w.namespace || !(ingress ? pol.affectsIngress : pol.affectsEgress) || !selects(pol.podSelector, w.labels)) continue;
    captured = true;
    (ingress ? pol.ingress : pol.egress).forEach((r, i) => {
      if (r.peers && !r.peers.some((rp) => npPeerMatches(m, pol, rp, other, opts))) return;
      const c = npPortConns(r.ports, dst);
      if (isEmpty(c)) return;
      allowed = union(allowed, c);
      contributions.push({ policy: `NetworkPolicy/${pol.namespace}/${pol.name}`, rule: `${ingress ? 'ingress' : 'egress'}[${i}]`, effect: 'allow', conns: c });
    });
  }
  return { captured, allowed, contributions };
}

/** Allowed connections in one direction: ANPs by priority, then NetworkPolicies (for Pass and unmatched), then the BANP. */
function xgress(m: NetpolModel, src: Peer, dst: Peer, ingress: boolean, opts: EngineOptions): Xgress {
  const anp = adminVerdict(m, m.adminPolicies, src, dst, ingress, opts);
  if (isAll(anp.decided) && isEmpty(anp.passed)) return { conns: anp.allowed, contributions: anp.contributions };
  const delegated = union(anp.passed, subtract(allConns(), anp.decided));
  const np = netpolVerdict(m, src, dst, ingress, opts);
  if (np.captured) {
    return { conns: union(anp.allowed, intersect(delegated, np.allowed)), contributions: [...anp.contributions, ...np.contributions] };
  }
  const banp = m.baseline ? adminVerdict(m, [m.baseline], src, dst, ingress, opts) : undefined;
  const defaults = banp ? union(banp.allowed, subtract(allConns(), banp.decided)) : allConns();
  return { conns: union(anp.allowed, intersect(delegated, defaults)), contributions: [...anp.contributions, ...(banp?.contributions ?? [])] };
}

/** All connections allowed from src to dst (egress of src intersected with ingress of dst). */
export function allowedConns(m: NetpolModel, src: Peer, dst: Peer, opts: EngineOptions = {}): ConnSet {
  return evaluate(m, src, dst, opts).conns;
}

export function evaluate(m: NetpolModel, src: Peer, dst: Peer, opts: EngineOptions = {}): { conns: ConnSet; egress: Xgress; ingress: Xgress } {
  const egress = xgress(m, src, dst, false, opts);
  const ingress = isEmpty(egress.conns) ? { conns: emptyConns(), contributions: [] } : xgress(m, src, dst, true, opts);
  return { conns: intersect(egress.conns, ingress.conns), egress, ingress };
}

/** The policies (and rules) that decide one (protocol, port) between two peers. */
export function explain(m: NetpolModel, src: Peer, dst: Peer, protocol: Protocol, port: number, opts: EngineOptions = {}): { allowed: boolean; by: string[] } {
  const e = evaluate(m, src, dst, opts);
  const allowed = contains(e.conns, protocol, port);
  const by: string[] = [];
  for (const [dir, x] of [['egress', e.egress], ['ingress', e.ingress]] as const) {
    const hits = x.contributions.filter((c) => contains(c.conns, protocol, port));
    const denyOrPass = hits.filter((c) => c.effect !== 'allow');
    const relevant = allowed ? hits.filter((c) => c.effect !== 'deny') : denyOrPass;
    for (const c of relevant) by.push(`${dir}: ${c.policy} ${c.rule} (${c.effect})`);
    if (!allowed && relevant.length === 0 && !contains(x.conns, protocol, port)) by.push(`${dir}: default deny (no rule allows ${protocol} ${port})`);
  }
  return { allowed, by };
}

export { formatConns };
