import type { Interval, Protocol } from './conn-set.js';
import { parseCidr, parseIPv4 } from './ip.js';
import { labelSelectorMatches } from '../kubernetes/selector.js';

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

export interface ContainerPort {
  name: string | undefined;
  port: number;
  protocol: Protocol;
}

/** A workload as netpol-analyzer sees it: one representative pod per owner. */
export interface Workload {
  namespace: string;
  /** Owner name, or the pod name for a pod without a controller. */
  name: string;
  kind: string;
  labels: Record<string, string>;
  ports: ContainerPort[];
  /** Pod IPs (only set from Pod status or probe data); used by ipBlock rules when `podIpsMatchIpBlocks`. */
  ips: number[];
}

export interface IpBlock {
  cidr: Interval;
  except: Interval[];
}

export interface NpPeer {
  podSelector: LabelSelector | undefined;
  namespaceSelector: LabelSelector | undefined;
  ipBlock: IpBlock | undefined;
}

export interface NpPort {
  protocol: Protocol;
  port: number | string | undefined;
  endPort: number | undefined;
}

export interface NpRule {
  /** undefined = every peer (rule without from/to). */
  peers: NpPeer[] | undefined;
  /** undefined = every port. */
  ports: NpPort[] | undefined;
}

export interface NetworkPolicy {
  name: string;
  namespace: string;
  podSelector: LabelSelector;
  ingress: NpRule[];
  egress: NpRule[];
  affectsIngress: boolean;
  affectsEgress: boolean;
}

export interface AnpPeer {
  namespaces: LabelSelector | undefined;
  pods: { namespaceSelector: LabelSelector; podSelector: LabelSelector } | undefined;
  networks: Interval[] | undefined;
}

export interface AnpPort {
  protocol: Protocol | undefined;
  range: Interval | undefined;
  named: string | undefined;
}

export type AnpAction = 'Allow' | 'Deny' | 'Pass';

export interface AnpRule {
  name: string;
  action: AnpAction;
  peers: AnpPeer[];
  ports: AnpPort[] | undefined;
}

export interface AdminPolicy {
  kind: 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
  name: string;
  priority: number;
  subject: AnpPeer;
  ingress: AnpRule[];
  egress: AnpRule[];
}

export interface ServicePort {
  name: string | undefined;
  port: number;
  targetPort: number | string | undefined;
}

export interface Service {
  namespace: string;
  name: string;
  type: string;
  selector: Record<string, string> | undefined;
  ports: ServicePort[];
}

export interface IngressRoute {
  kind: 'Ingress' | 'Route';
  namespace: string;
  name: string;
  backends: { service: string; port: number | string | undefined }[];
}

export interface NetpolModel {
  namespaces: Map<string, Record<string, string>>;
  workloads: Workload[];
  policies: NetworkPolicy[];
  /** Sorted by priority, highest precedence (lowest number) first. */
  adminPolicies: AdminPolicy[];
  baseline: AdminPolicy | undefined;
  services: Service[];
  ingresses: IngressRoute[];
  warnings: string[];
}

export const NS_NAME_LABEL = 'kubernetes.io/metadata.name';
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);

type Obj = Record<string, unknown>;
function rec(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(rec(v) ?? {})) if (x !== null && x !== undefined) out[k] = String(x);
  return out;
}
function intOrString(v: unknown): number | string | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') return /^\d+$/.test(v) ? Number(v) : v;
  return undefined;
}
function protocolOf(v: unknown): Protocol | undefined {
  const p = typeof v === 'string' ? v.toUpperCase() : undefined;
  return p === 'TCP' || p === 'UDP' || p === 'SCTP' ? p : undefined;
}

export function selectorOf(v: unknown): LabelSelector | undefined {
  const r = rec(v);
  if (!r) return undefined;
  return {
    matchLabels: strMap(r.matchLabels),
    matchExpressions: arr(r.matchExpressions).flatMap((e) => {
      const x = rec(e);
      const key = str(x?.key);
      const operator = str(x?.operator);
      return key && operator ? [{ key, operator, values: arr(x?.values).map(String) }] : [];
    }),
  };
}

const EMPTY_SELECTOR: LabelSelector = { matchLabels: {}, matchExpressions: [] };

export function selects(sel: LabelSelector, labels: Record<string, string>): boolean {
  return labelSelectorMatches(sel, labels);
}

function containerPorts(podSpec: Obj | undefined): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const c of [...arr(podSpec?.containers), ...arr(podSpec?.initContainers)]) {
    for (const p of arr(rec(c)?.ports)) {
      const pr = rec(p);
      const port = num(pr?.containerPort);
      if (port === undefined) continue;
      out.push({ name: str(pr?.name), port, protocol: protocolOf(pr?.protocol) ?? 'TCP' });
    }
  }
  return out;
}

function ipBlockOf(v: unknown, warnings: string[], where: string): IpBlock | undefined {
  const r = rec(v);
  const cidrText = str(r?.cidr);
  if (!cidrText) return undefined;
  const cidr = parseCidr(cidrText);
  if (cidr === undefined || cidr === 'ipv6') {
    warnings.push(`${where}: ${cidr === 'ipv6' ? 'IPv6' : 'invalid'} ipBlock ${cidrText} ignored`);
    return undefined;
  }
  const except: Interval[] = [];
  for (const e of arr(r?.except)) {
    const x = typeof e === 'string' ? parseCidr(e) : undefined;
    if (x && x !== 'ipv6') except.push(x);
  }
  return { cidr, except };
}

function npRules(v: unknown, key: 'from' | 'to', warnings: string[], where: string): NpRule[] {
  return arr(v).map((r) => {
    const rule = rec(r) ?? {};
    const peerList = rule[key];
    const ports = rule.ports;
    return {
      peers: Array.isArray(peerList) && peerList.length > 0
        ? peerList.flatMap((p) => {
          const pr = rec(p);
          if (!pr) return [];
          const ipb = pr.ipBlock !== undefined ? ipBlockOf(pr.ipBlock, warnings, where) : undefined;
          // An IPv6-only or malformed ipBlock matches nothing rather than everything.
          if (pr.ipBlock !== undefined && !ipb) return [];
          return [{ podSelector: selectorOf(pr.podSelector), namespaceSelector: selectorOf(pr.namespaceSelector), ipBlock: ipb }];
        })
        : undefined,
      ports: Array.isArray(ports) && ports.length > 0
        ? ports.flatMap((p) => {
          const pr = rec(p);
          if (!pr) return [];
          return [{ protocol: protocolOf(pr.protocol) ?? 'TCP', port: intOrString(pr.port), endPort: num(pr.endPort) }];
        })
        : undefined,
    };
  });
}

function anpPeerOf(v: unknown, warnings: string[], where: string): AnpPeer | undefined {
  const r = rec(v);
  if (!r) return undefined;
  const pods = rec(r.pods);
  let networks: Interval[] | undefined;
  if (Array.isArray(r.networks)) {
    networks = [];
    for (const n of r.networks) {
      const c = typeof n === 'string' ? parseCidr(n) : undefined;
      if (c && c !== 'ipv6') networks.push(c);
      else warnings.push(`${where}: ${c === 'ipv6' ? 'IPv6' : 'invalid'} network ${String(n)} ignored`);
    }
  }
  const peer: AnpPeer = {
    namespaces: selectorOf(r.namespaces),
    pods: pods ? { namespaceSelector: selectorOf(pods.namespaceSelector) ?? EMPTY_SELECTOR, podSelector: selectorOf(pods.podSelector) ?? EMPTY_SELECTOR } : undefined,
    networks,
  };
  if (!peer.namespaces && !peer.pods && !peer.networks) {
    if (r.nodes !== undefined) warnings.push(`${where}: nodes peers are not supported and ignored`);
    return undefined;
  }
  return peer;
}

function anpRules(v: unknown, key: 'from' | 'to', warnings: string[], where: string): AnpRule[] {
  return arr(v).flatMap((r, i) => {
    const rule = rec(r);
    const action = str(rule?.action);
    if (!rule || (action !== 'Allow' && action !== 'Deny' && action !== 'Pass')) return [];
    const ports = Array.isArray(rule.ports)
      ? rule.ports.flatMap((p): AnpPort[] => {
        const pr = rec(p);
        const pn = rec(pr?.portNumber);
        const range = rec(pr?.portRange);
        if (pn) {
          const port = num(pn.port);
          return port === undefined ? [] : [{ protocol: protocolOf(pn.protocol) ?? 'TCP', range: [port, port], named: undefined }];
        }
        if (range) {
          const s = num(range.start);
          const e = num(range.end);
          return s === undefined || e === undefined ? [] : [{ protocol: protocolOf(range.protocol) ?? 'TCP', range: [s, e], named: undefined }];
        }
        const named = str(pr?.namedPort);
        return named ? [{ protocol: undefined, range: undefined, named }] : [];
      })
      : undefined;
    return [{
      name: str(rule.name) ?? `rule-${i}`,
      action,
      peers: arr(rule[key]).flatMap((p) => anpPeerOf(p, warnings, where) ?? []),
      ports,
    }];
  });
}

function defaultNs(meta: Obj | undefined): string {
  return str(meta?.namespace) || 'default';
}

/** Builds the engine's model from parsed Kubernetes objects; unknown kinds are ignored. */
export function buildModel(objects: readonly unknown[]): NetpolModel {
  const warnings: string[] = [];
  const namespaces = new Map<string, Record<string, string>>();
  const workloads = new Map<string, Workload>();
  const policies: NetworkPolicy[] = [];
  const admin: AdminPolicy[] = [];
  let baseline: AdminPolicy | undefined;
  const services: Service[] = [];
  const ingresses: IngressRoute[] = [];

  for (const o of objects) {
    const obj = rec(o);
    if (!obj) continue;
    const kind = str(obj.kind) ?? '';
    const meta = rec(obj.metadata);
    const name = str(meta?.name) ?? '';
    const spec = rec(obj.spec);
    if (kind === 'Namespace') {
      if (name) namespaces.set(name, { [NS_NAME_LABEL]: name, ...strMap(meta?.labels) });
    } else if (kind === 'Pod') {
      const ns = defaultNs(meta);
      const owner = arr(meta?.ownerReferences).map(rec).find((r) => r?.controller === true && str(r.kind) !== 'Node');
      const wName = str(owner?.name) ?? name;
      const wKind = owner ? str(owner.kind) || 'Pod' : 'Pod';
      const ips: number[] = [];
      const status = rec(obj.status);
      for (const ip of [str(status?.podIP), ...arr(status?.podIPs).map((x) => str(rec(x)?.ip))]) {
        const n = ip ? parseIPv4(ip) : undefined;
        if (n !== undefined && !ips.includes(n)) ips.push(n);
      }
      const key = `${ns}/${wName}[${wKind}]`;
      if (!workloads.has(key)) workloads.set(key, { namespace: ns, name: wName, kind: wKind, labels: strMap(meta?.labels), ports: containerPorts(spec), ips });
    } else if (WORKLOAD_KINDS.has(kind)) {
      const tmpl = kind === 'CronJob' ? rec(rec(rec(rec(spec?.jobTemplate)?.spec)?.template)) : rec(spec?.template);
      const ns = defaultNs(meta);
      const key = `${ns}/${name}[${kind}]`;
      if (!workloads.has(key)) {
        workloads.set(key, { namespace: ns, name, kind, labels: strMap(rec(tmpl?.metadata)?.labels), ports: containerPorts(rec(tmpl?.spec)), ips: [] });
      }
    } else if (kind === 'NetworkPolicy') {
      const ns = defaultNs(meta);
      const where = `NetworkPolicy ${ns}/${name}`;
      const types = arr(spec?.policyTypes).map(String);
      const egress = npRules(spec?.egress, 'to', warnings, where);
      policies.push({
        name,
        namespace: ns,
        podSelector: selectorOf(spec?.podSelector) ?? EMPTY_SELECTOR,
        ingress: npRules(spec?.ingress, 'from', warnings, where),
        egress,
        affectsIngress: types.length > 0 ? types.includes('Ingress') : true,
        affectsEgress: types.length > 0 ? types.includes('Egress') : egress.length > 0,
      });
    } else if (kind === 'AdminNetworkPolicy' || kind === 'BaselineAdminNetworkPolicy') {
      const where = `${kind} ${name}`;
      const p: AdminPolicy = {
        kind,
        name,
        priority: num(spec?.priority) ?? 0,
        subject: anpPeerOf(spec?.subject, warnings, where) ?? { namespaces: undefined, pods: undefined, networks: undefined },
        ingress: anpRules(spec?.ingress, 'from', warnings, where),
        egress: anpRules(spec?.egress, 'to', warnings, where),
      };
      if (kind === 'AdminNetworkPolicy') admin.push(p);
      else if (baseline) warnings.push(`${where}: only one BaselineAdminNetworkPolicy is allowed; ignored`);
      else baseline = p;
    } else if (kind === 'Service') {
      services.push({
        namespace: defaultNs(meta),
        name,
        type: str(spec?.type) ?? 'ClusterIP',
        selector: rec(spec?.selector) ? strMap(spec?.selector) : undefined,
        ports: arr(spec?.ports).flatMap((p) => {
          const pr = rec(p);
          const port = num(pr?.port);
          return port === undefined ? [] : [{ name: str(pr?.name), port, targetPort: intOrString(pr?.targetPort) }];
        }),
      });
    } else if (kind === 'Ingress') {
      const backends: IngressRoute['backends'] = [];
      const addBackend = (b: unknown): void => {
        const svc = rec(rec(b)?.service);
        const svcName = str(svc?.name);
        if (!svcName) return;
        const port = rec(svc?.port);
        backends.push({ service: svcName, port: str(port?.name) || num(port?.number) });
      };
      if (spec?.defaultBackend) addBackend(spec.defaultBackend);
      for (const r of arr(spec?.rules)) for (const p of arr(rec(rec(r)?.http)?.paths)) addBackend(rec(p)?.backend);
      ingresses.push({ kind: 'Ingress', namespace: defaultNs(meta), name, backends });
    } else if (kind === 'Route') {
      const port = intOrString(rec(spec?.port)?.targetPort);
      const backends: IngressRoute['backends'] = [];
      for (const t of [rec(spec?.to), ...arr(spec?.alternateBackends).map(rec)]) {
        const tk = str(t?.kind);
        const tn = str(t?.name);
        if (tn && (!tk || tk === 'Service')) backends.push({ service: tn, port });
      }
      ingresses.push({ kind: 'Route', namespace: defaultNs(meta), name, backends });
    }
  }
  for (const w of workloads.values()) if (!namespaces.has(w.namespace)) namespaces.set(w.namespace, { [NS_NAME_LABEL]: w.namespace });
  admin.sort((a, b) => a.priority - b.priority);
  return { namespaces, workloads: [...workloads.values()], policies, adminPolicies: admin, baseline, services, ingresses, warnings };
}
