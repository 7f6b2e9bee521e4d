import type { K8sResource } from '../../../kubernetes/parse.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { createRbacEngine } from '../../../rbac/engine.js';
import type { RbacEngine } from '../../../rbac/engine.js';
import type { RiskyGrant } from '../../../rbac/model.js';
import type { RbacRisk } from '../../../rbac/risk.js';

interface Analysis {
  engine: RbacEngine;
  indexOf: Map<K8sResource, number>;
  /** Rule id → object index → what the rule found on it. */
  byRule: Map<string, Map<number, RiskyGrant[]>>;
}

/** One analysis per scanned object set: every RBAC rule of a scan shares it (the set is the same array for all). */
const analyses = new WeakMap<readonly K8sResource[], Analysis>();

function analysisOf(resources: readonly K8sResource[]): Analysis {
  let a = analyses.get(resources);
  if (!a) {
    a = { engine: createRbacEngine(resources.map((r) => r.object)), indexOf: new Map(resources.map((r, i) => [r, i] as const)), byRule: new Map() };
    analyses.set(resources, a);
  }
  return a;
}

function grantsFor(a: Analysis, risk: RbacRisk): Map<number, RiskyGrant[]> {
  let m = a.byRule.get(risk.id);
  if (!m) {
    m = new Map();
    for (const g of a.engine.evaluate(risk)) m.set(g.index, [...(m.get(g.index) ?? []), g]);
    a.byRule.set(risk.id, m);
  }
  return m;
}

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/**
 * A Kubernetes rule backed by the RBAC engine: the engine analyzes the whole object set once (aggregation, bindings,
 * service accounts), and the rule reports what its check found on the object at hand.
 */
export function ruleOfRisk(risk: RbacRisk): K8sRule {
  return {
    id: risk.id,
    title: risk.title,
    severity: risk.severity,
    description: risk.description,
    remediation: risk.remediation,
    references: risk.references,
    aliases: risk.aliases,
    frameworks: risk.frameworks,
    target: 'kubernetes',
    tags: ['rbac'],
    check: ({ resource, resources }) => {
      if (risk.on !== 'workload' && !RBAC_KINDS.has(resource.kind)) return [];
      const a = analysisOf(resources);
      const i = a.indexOf.get(resource);
      if (i === undefined) return [];
      return (grantsFor(a, risk).get(i) ?? []).map((g) => ({ message: g.message, path: g.path }));
    },
  };
}
