import { parsePurl } from '@bulwark/core';

export interface PackageKey {
  type: string;
  name: string;
  version: string;
}

/** (purl type, name, version) of every component of a CycloneDX JSON document, nested components included. */
export function cyclonedxKeys(doc: unknown): PackageKey[] {
  const out: PackageKey[] = [];
  const visit = (components: unknown): void => {
    if (!Array.isArray(components)) return;
    for (const c of components as { purl?: string; components?: unknown }[]) {
      if (typeof c.purl === 'string') {
        const p = parsePurl(c.purl);
        if (p && p.version !== undefined) {
          const name = p.namespace && p.type !== 'deb' && p.type !== 'apk' && p.type !== 'rpm' ? `${p.namespace}/${p.name}` : p.name;
          out.push({ type: p.type, name: p.type === 'pypi' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name, version: p.version });
        }
      }
      visit(c.components);
    }
  };
  visit((doc as { components?: unknown }).components);
  return out;
}

export function keyOf(k: PackageKey): string {
  return `${k.type}\t${k.name}\t${k.version}`;
}

export interface Comparison {
  peerTotal: number;
  oursTotal: number;
  common: number;
  /** Fraction of the peer's packages we also report. */
  coverage: number;
  missing: PackageKey[];
  extra: PackageKey[];
  byType: Record<string, { peer: number; ours: number; common: number }>;
}

export function compareKeys(ours: PackageKey[], peer: PackageKey[]): Comparison {
  const o = new Map(ours.map((k) => [keyOf(k), k]));
  const p = new Map(peer.map((k) => [keyOf(k), k]));
  const byType: Comparison['byType'] = {};
  const bump = (t: string, f: 'peer' | 'ours' | 'common'): void => {
    byType[t] ??= { peer: 0, ours: 0, common: 0 };
    byType[t][f]++;
  };
  for (const k of p.values()) bump(k.type, 'peer');
  for (const k of o.values()) bump(k.type, 'ours');
  const missing: PackageKey[] = [];
  let common = 0;
  for (const [id, k] of p) {
    if (o.has(id)) {
      common++;
      bump(k.type, 'common');
    } else missing.push(k);
  }
  const extra = [...o].filter(([id]) => !p.has(id)).map(([, k]) => k);
  return { peerTotal: p.size, oursTotal: o.size, common, coverage: p.size === 0 ? 1 : common / p.size, missing, extra, byType };
}
