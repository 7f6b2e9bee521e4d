import { INVENTORY_KINDS, WORKLOAD_KINDS } from './kinds.js';
import type { Asset, Inventory, InventorySummary, NamespaceSummary, NodeSummary, Relation, RelationType } from './types.js';

/** Counts behind `Inventory.summary`. */
export function summarize(assets: readonly Asset[], relations: readonly Relation[], unresolved: readonly Relation[], other: ReadonlyMap<string, number>, duplicates: number): InventorySummary {
  const count = new Map<string, number>();
  for (const a of assets) count.set(a.kind, (count.get(a.kind) ?? 0) + 1);
  const kinds = INVENTORY_KINDS.filter((k) => count.has(k.kind)).map((k) => ({ kind: k.kind, count: count.get(k.kind)! }));

  const ns = new Map<string, NamespaceSummary>();
  const row = (n: string): NamespaceSummary => {
    let r = ns.get(n);
    if (!r) ns.set(n, (r = { namespace: n, pods: 0, workloads: 0, services: 0, secrets: 0 }));
    return r;
  };
  for (const a of assets) {
    if (a.kind === 'Namespace') row(a.name);
    if (a.namespace === undefined) continue;
    const r = row(a.namespace);
    if (a.kind === 'Pod') r.pods++;
    else if (WORKLOAD_KINDS.has(a.kind)) r.workloads++;
    else if (a.kind === 'Service') r.services++;
    else if (a.kind === 'Secret') r.secrets++;
  }

  const podsOn = new Map<string, number>();
  for (const r of relations) if (r.type === 'scheduled-on') podsOn.set(r.to, (podsOn.get(r.to) ?? 0) + 1);
  const nodes: NodeSummary[] = assets.filter((a) => a.kind === 'Node').map((a) => ({
    name: a.name,
    ready: typeof a.attributes.ready === 'boolean' ? a.attributes.ready : undefined,
    roles: Array.isArray(a.attributes.roles) ? a.attributes.roles : [],
    kubeletVersion: typeof a.attributes.kubeletVersion === 'string' ? a.attributes.kubeletVersion : '',
    pods: podsOn.get(a.id) ?? 0,
  }));

  const byType = new Map<RelationType, number>();
  for (const r of relations) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  return {
    kinds,
    namespaces: [...ns.values()].sort((a, b) => (a.namespace < b.namespace ? -1 : 1)),
    nodes,
    relations: [...byType].map(([type, n]) => ({ type, count: n })).sort((a, b) => (a.type < b.type ? -1 : 1)),
    unresolved: unresolved.length,
    otherKinds: [...other].map(([kind, n]) => ({ kind, count: n })).sort((a, b) => (a.kind < b.kind ? -1 : 1)),
    duplicates,
  };
}

/** Left-aligned text table; numbers right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (r: readonly (string | number)[]): string =>
    r.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** The summary as plain-text tables (kinds, namespaces, nodes, relations), for terminals and reports. */
export function formatInventory(inv: Inventory): string {
  const s = inv.summary;
  const out: string[] = [`Cluster inventory: ${inv.assets.length} assets, ${inv.relations.length} relations, ${s.unresolved} unresolved references`, ''];
  out.push(...table(['KIND', 'COUNT'], s.kinds.map((k) => [k.kind, k.count])), '');
  out.push(...table(['NAMESPACE', 'WORKLOADS', 'PODS', 'SERVICES', 'SECRETS'], s.namespaces.map((n) => [n.namespace, n.workloads, n.pods, n.services, n.secrets])), '');
  if (s.nodes.length > 0) {
    out.push(...table(['NODE', 'READY', 'ROLES', 'KUBELET', 'PODS'], s.nodes.map((n) => [n.name, n.ready === undefined ? '?' : n.ready ? 'yes' : 'no', n.roles.join(',') || '-', n.kubeletVersion || '?', n.pods])), '');
  }
  out.push(...table(['RELATION', 'COUNT'], s.relations.map((r) => [r.type, r.count])));
  if (s.otherKinds.length > 0) out.push('', `Not modelled: ${s.otherKinds.map((k) => `${k.kind} (${k.count})`).join(', ')}`);
  if (s.duplicates > 0) out.push('', `Duplicates ignored: ${s.duplicates}`);
  if (inv.unresolved.length > 0) {
    out.push('', 'Unresolved references:');
    for (const r of inv.unresolved) out.push(`  ${r.from} --${r.type}--> ${r.to}`);
  }
  return out.join('\n') + '\n';
}
