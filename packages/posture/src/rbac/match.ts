import type { PolicyRule } from './model.js';

/** Kubernetes RBAC matching (pkg/apis/rbac/v1/evaluation_helpers.go): a star matches all; "pods/star" and "star/exec" match subresources. */
export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === '*' || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.some((g) => g === '*' || g === group);
}

export function resourceMatches(rule: PolicyRule, resource: string): boolean {
  const slash = resource.indexOf('/');
  const sub = slash < 0 ? undefined : resource.slice(slash + 1);
  const main = slash < 0 ? resource : resource.slice(0, slash);
  return rule.resources.some((r) => {
    if (r === '*' || r === resource) return true;
    if (sub !== undefined && r === `${main}/*`) return true;
    if (sub !== undefined && r === `*/${sub}`) return true;
    return false;
  });
}

export function resourceNameMatches(rule: PolicyRule, name: string | undefined): boolean {
  if (rule.resourceNames.length === 0) return true;
  return name !== undefined && rule.resourceNames.includes(name);
}

/** True when the rule allows verb on group/resource (and, when given, the named object). */
export function ruleAllows(rule: PolicyRule, verb: string, group: string, resource: string, name?: string): boolean {
  return verbMatches(rule, verb) && apiGroupMatches(rule, group) && resourceMatches(rule, resource) && resourceNameMatches(rule, name);
}

/** True when some rule allows any of the verbs on any of the resources, with no resourceNames restriction. */
export function anyAllows(rules: readonly PolicyRule[], verbs: readonly string[], group: string, resources: readonly string[]): boolean {
  return rules.some((r) => r.resourceNames.length === 0 && verbs.some((v) => resources.some((res) => ruleAllows(r, v, group, res))));
}

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

/** metav1.LabelSelector semantics (matchLabels AND matchExpressions); an empty selector matches everything. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (typeof selector !== 'object' || selector === null) return false;
  const sel = selector as { matchLabels?: unknown; matchExpressions?: unknown };
  if (typeof sel.matchLabels === 'object' && sel.matchLabels !== null) {
    for (const [k, v] of Object.entries(sel.matchLabels as Record<string, unknown>)) if (labels[k] !== String(v)) return false;
  }
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions as Requirement[]) {
      if (typeof e !== 'object' || e === null || typeof e.key !== 'string') return false;
      const has = Object.prototype.hasOwnProperty.call(labels, e.key);
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      if (e.operator === 'In' && !(has && values.includes(labels[e.key]!))) return false;
      if (e.operator === 'NotIn' && has && values.includes(labels[e.key]!)) return false;
      if (e.operator === 'Exists' && !has) return false;
      if (e.operator === 'DoesNotExist' && has) return false;
      if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) return false;
    }
  }
  return true;
}
