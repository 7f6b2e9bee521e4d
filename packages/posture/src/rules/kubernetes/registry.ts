import type { K8sRule } from '../../kubernetes/rule.js';
import * as all from './all.js';

function registryOf(families: readonly (readonly K8sRule[])[]): readonly K8sRule[] {
  const seen = new Set<string>();
  const out: K8sRule[] = [];
  for (const family of families) {
    for (const r of family) {
      if (seen.has(r.id)) throw new Error(`duplicate Kubernetes rule id ${r.id}`);
      seen.add(r.id);
      out.push(r);
    }
  }
  return out;
}

export const kubernetesRules: readonly K8sRule[] = registryOf(Object.values(all));
