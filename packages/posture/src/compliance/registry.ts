// Frameworks: one export line per folder.
import { cisDocker } from './cis-docker/index.js';
import { cisKubernetes } from './cis-kubernetes/index.js';
import { mlps20 } from './mlps-2.0/index.js';
import { nsaCisa } from './nsa-cisa/index.js';
import { pciDss } from './pci-dss/index.js';
import type { FrameworkSpec } from './types.js';

function registryOf(list: readonly FrameworkSpec[]): readonly FrameworkSpec[] {
  const seen = new Set<string>();
  for (const f of list) {
    if (seen.has(f.id)) throw new Error(`duplicate framework ${f.id}`);
    seen.add(f.id);
    const controls = new Set<string>();
    for (const c of f.controls) {
      if (controls.has(c.id)) throw new Error(`${f.id}: duplicate control ${c.id}`);
      controls.add(c.id);
    }
  }
  return list;
}

export const frameworks: readonly FrameworkSpec[] = registryOf([cisKubernetes, nsaCisa, pciDss, mlps20, cisDocker]);

/** The framework with this id; also accepts "mlps", "等保2.0", "cis-k8s", "nsa", "pci". */
export function findFramework(name: string): FrameworkSpec | undefined {
  const q = name.trim().toLowerCase();
  const alias: Record<string, string> = { mlps: 'mlps-2.0', 'mlps2.0': 'mlps-2.0', '等保2.0': 'mlps-2.0', '等保': 'mlps-2.0', 'cis-k8s': 'cis-kubernetes', nsa: 'nsa-cisa', pci: 'pci-dss', 'cis-docker-1.6': 'cis-docker' };
  const id = alias[q] ?? q;
  return frameworks.find((f) => f.id === id || f.metadataIds.includes(id));
}
