import type { Interval } from './conn-set.js';

export const IPV4_ALL: Interval = [0, 0xffffffff];

/** Parses a dotted IPv4 address to an unsigned 32-bit number; undefined when it is not one. */
export function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    n = n * 256 + o;
  }
  return n;
}

/**
 * IPv4 CIDR to its address interval. Host bits are ignored as Kubernetes does.
 * Returns 'ipv6' for IPv6 CIDRs (unsupported, like netpol-analyzer) and undefined when malformed.
 */
export function parseCidr(text: string): Interval | 'ipv6' | undefined {
  const t = text.trim();
  if (t.includes(':')) return 'ipv6';
  const [addr, bits, ...rest] = t.split('/');
  if (rest.length > 0 || addr === undefined) return undefined;
  const base = parseIPv4(addr);
  if (base === undefined) return undefined;
  const len = bits === undefined ? 32 : /^\d{1,2}$/.test(bits) ? Number(bits) : NaN;
  if (!(len >= 0 && len <= 32)) return undefined;
  const size = 2 ** (32 - len);
  const start = Math.floor(base / size) * size;
  return [start, start + size - 1];
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function formatRange([a, b]: Interval): string {
  return `${formatIPv4(a)}-${formatIPv4(b)}`;
}

/**
 * Splits the whole IPv4 space into the coarsest intervals on which every given set is constant
 * (netpol-analyzer's disjoint IP blocks, one peer per contiguous range).
 */
export function disjointRanges(sets: readonly (readonly Interval[])[]): Interval[] {
  const cuts = new Set<number>([IPV4_ALL[0], IPV4_ALL[1] + 1]);
  for (const s of sets) for (const [a, b] of s) {
    cuts.add(a);
    cuts.add(b + 1);
  }
  const points = [...cuts].sort((x, y) => x - y);
  const pieces: { range: [number, number]; sig: string }[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const lo = points[i]!;
    const hi = points[i + 1]! - 1;
    const sig = sets.map((s) => (s.some(([a, b]) => lo >= a && lo <= b) ? '1' : '0')).join('');
    const last = pieces[pieces.length - 1];
    if (last && last.sig === sig) last.range[1] = hi;
    else pieces.push({ range: [lo, hi], sig });
  }
  return pieces.map((p): Interval => p.range);
}
