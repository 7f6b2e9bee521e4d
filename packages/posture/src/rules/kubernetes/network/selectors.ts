import { derived } from '../../../kubernetes/derived.js';
import { LabelIndex, mapSelectorAnchors, positions, selectorsIn } from '../../../kubernetes/indexes.js';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { getIn, isRecord, podLabels, podOf } from '../../../kubernetes/workload.js';
import { labelSelectorMatches } from '../../../kubernetes/selector.js';

/** metav1.LabelSelector semantics: matchLabels AND every matchExpression; an empty selector matches everything. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  return !isRecord(selector) || labelSelectorMatches(selector, labels);
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

/** Every pod template in the set (the pods each workload would create), with its effective namespace (once per set). */
export function podTargets(all: readonly K8sResource[]): PodTarget[] {
  return derived(all, 'network/pod-targets', (xs) => xs.flatMap((r) => {
    const pod = podOf(r);
    return pod ? [{ resource: r, namespace: r.namespace ?? 'default', labels: podLabels(pod) }] : [];
  }));
}

/** The pod templates of a namespace by label, to find those a selector may match (in set order; test each candidate). */
export function podTargetsIn(all: readonly K8sResource[], namespace: string): LabelIndex<PodTarget> {
  const byNs = derived(all, 'network/pod-targets-by-namespace', (xs) => {
    const groups = new Map<string, PodTarget[]>();
    for (const t of podTargets(xs)) {
      const list = groups.get(t.namespace);
      if (list) list.push(t);
      else groups.set(t.namespace, [t]);
    }
    return { groups, indexes: new Map<string, LabelIndex<PodTarget>>() };
  });
  let index = byNs.indexes.get(namespace);
  if (!index) {
    index = new LabelIndex((byNs.groups.get(namespace) ?? []).map((t) => [t, t.labels] as const));
    byNs.indexes.set(namespace, index);
  }
  return index;
}

/** Services of a namespace whose plain-map selector (`mapSelectorMatches` on spec.selector) picks `labels`, in set order. */
export function servicesMatching(all: readonly K8sResource[], namespace: string, labels: Record<string, string>): K8sResource[] {
  return selectorsIn(all, 'network/service-map-selectors', 'Service', namespace, (s) => mapSelectorAnchors(getIn(s.object, ['spec', 'selector'])))
    .candidates(labels).filter((s) => mapSelectorMatches(getIn(s.object, ['spec', 'selector']), labels));
}

/** Objects of two look-ups of the same set, in set order. */
export function inSetOrder(all: readonly K8sResource[], a: readonly K8sResource[], b: readonly K8sResource[]): K8sResource[] {
  if (a.length === 0) return [...b];
  if (b.length === 0) return [...a];
  const at = positions(all);
  return [...a, ...b].sort((x, y) => at.get(x)! - at.get(y)!);
}

export function nsOf(r: K8sResource): string {
  return r.namespace ?? 'default';
}

export function specOf(r: K8sResource): Record<string, unknown> {
  const s = getIn(r.object, ['spec']);
  return isRecord(s) ? s : {};
}
