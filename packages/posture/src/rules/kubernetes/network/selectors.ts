import type { K8sResource } from '../../../kubernetes/parse.js';
import { getIn, isRecord, podLabels, podOf } from '../../../kubernetes/workload.js';

/** metav1.LabelSelector semantics: matchLabels AND every matchExpression; an empty selector matches everything. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector)) return true;
  const ml = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== String(v)) return false;
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const e of exprs) {
    if (!isRecord(e)) return false;
    const key = String(e.key);
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[key]!)) return false; break;
      case 'NotIn': if (has && values.includes(labels[key]!)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Service-style selector (plain map): every pair must match; empty/absent selects nothing. */
export function mapSelectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector) || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === String(v));
}

export interface PodTarget {
  resource: K8sResource;
  namespace: string;
  labels: Record<string, string>;
}

/** Every pod template in the set (the pods each workload would create), with its effective namespace. */
export function podTargets(all: readonly K8sResource[]): PodTarget[] {
  return all.flatMap((r) => {
    const pod = podOf(r);
    return pod ? [{ resource: r, namespace: r.namespace ?? 'default', labels: podLabels(pod) }] : [];
  });
}

export function nsOf(r: K8sResource): string {
  return r.namespace ?? 'default';
}

export function specOf(r: K8sResource): Record<string, unknown> {
  const s = getIn(r.object, ['spec']);
  return isRecord(s) ? s : {};
}
