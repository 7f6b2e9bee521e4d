/** Protocols NetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy can name. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['SCTP', 'TCP', 'UDP'];
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** Closed interval [lo, hi]. */
export type Interval = readonly [number, number];

/** Canonical interval set: sorted, disjoint, non-adjacent intervals. */
export function normalize(list: readonly Interval[]): Interval[] {
  const sorted = [...list].filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function unionIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  return normalize([...a, ...b]);
}

export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]![0], b[j]![0]);
    const hi = Math.min(a[i]![1], b[j]![1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

export function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [lo0, hi] of a) {
    let lo = lo0;
    for (const [blo, bhi] of b) {
      if (bhi < lo || blo > hi) continue;
      if (blo > lo) out.push([lo, blo - 1]);
      lo = bhi + 1;
      if (lo > hi) break;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

/** A set of (protocol, port) pairs. Immutable: operations return new sets. */
export interface ConnSet {
  readonly ports: Readonly<Record<Protocol, readonly Interval[]>>;
}

export function emptyConns(): ConnSet {
  return { ports: { TCP: [], UDP: [], SCTP: [] } };
}

export function allConns(): ConnSet {
  const full: Interval[] = [[MIN_PORT, MAX_PORT]];
  return { ports: { TCP: full, UDP: full, SCTP: full } };
}

export function connsOf(protocol: Protocol, ranges: readonly Interval[]): ConnSet {
  const c = emptyConns();
  return { ports: { ...c.ports, [protocol]: normalize(ranges.map(([a, b]) => [Math.max(a, MIN_PORT), Math.min(b, MAX_PORT)] as const)) } };
}

function combine(a: ConnSet, b: ConnSet, op: (x: readonly Interval[], y: readonly Interval[]) => Interval[]): ConnSet {
  return { ports: { TCP: op(a.ports.TCP, b.ports.TCP), UDP: op(a.ports.UDP, b.ports.UDP), SCTP: op(a.ports.SCTP, b.ports.SCTP) } };
}

export function union(a: ConnSet, b: ConnSet): ConnSet {
  return combine(a, b, unionIntervals);
}
export function intersect(a: ConnSet, b: ConnSet): ConnSet {
  return combine(a, b, intersectIntervals);
}
export function subtract(a: ConnSet, b: ConnSet): ConnSet {
  return combine(a, b, subtractIntervals);
}
export function isEmpty(c: ConnSet): boolean {
  return PROTOCOLS.every((p) => c.ports[p].length === 0);
}
export function isAll(c: ConnSet): boolean {
  return PROTOCOLS.every((p) => c.ports[p].length === 1 && c.ports[p][0]![0] === MIN_PORT && c.ports[p][0]![1] === MAX_PORT);
}
export function contains(c: ConnSet, protocol: Protocol, port: number): boolean {
  return c.ports[protocol].some(([a, b]) => port >= a && port <= b);
}

/** netpol-analyzer spelling: "All Connections", "No Connections" or "SCTP 1-65535,TCP 8080,UDP 53". */
export function formatConns(c: ConnSet): string {
  if (isAll(c)) return 'All Connections';
  if (isEmpty(c)) return 'No Connections';
  const parts: string[] = [];
  for (const p of PROTOCOLS) {
    const r = c.ports[p];
    if (r.length === 0) continue;
    parts.push(`${p} ${r.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`);
  }
  return parts.join(',');
}
