import type { PolicyRule } from './model.js';
import { labelSelectorMatches } from '../kubernetes/selector.js';

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

/** metav1.LabelSelector semantics (see kubernetes/selector.ts); a missing selector matches nothing here. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  return typeof selector === 'object' && selector !== null && labelSelectorMatches(selector, labels);
}
