import { countWork, derived } from './derived.js';
import type { K8sResource } from './parse.js';

// Indexes over one scanned object set, built once (through `derived`) and answering in the order of the set, so a rule
// that used `all.filter(...)` / `all.find(...)` gets the same objects in the same order from a look-up. Indexes only
// narrow the candidates: rules still test each candidate with their own predicate, which keeps their semantics.

/** Effective namespace (objects without one are in "default"). */
const nsOf = (r: K8sResource): string => r.namespace ?? 'default';

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

const NONE: readonly K8sResource[] = [];

/** Position of every object in the set (the order `all` is iterated in). */
export function positions(all: readonly K8sResource[]): ReadonlyMap<K8sResource, number> {
  return derived(all, 'positions', (xs) => new Map(xs.map((r, i) => [r, i] as const)));
}

interface KindIndex {
  list: K8sResource[];
  byNs?: Map<string, K8sResource[]>;
  byName?: Map<string, K8sResource[]>;
  byNsName?: Map<string, Map<string, K8sResource[]>>;
}

function kindIndex(all: readonly K8sResource[], kind: string): KindIndex | undefined {
  return derived(all, 'kinds', (xs) => {
    const m = new Map<string, KindIndex>();
    for (const r of xs) {
      const k = m.get(r.kind);
      if (k) k.list.push(r);
      else m.set(r.kind, { list: [r] });
    }
    return m;
  }).get(kind);
}

/** Objects of a kind, in set order. */
export function ofKind(all: readonly K8sResource[], kind: string): readonly K8sResource[] {
  return kindIndex(all, kind)?.list ?? NONE;
}

/** Objects of a kind in a namespace (`namespace ?? "default"`), in set order. */
export function ofKindIn(all: readonly K8sResource[], kind: string, namespace: string): readonly K8sResource[] {
  const k = kindIndex(all, kind);
  if (!k) return NONE;
  if (!k.byNs) {
    k.byNs = new Map();
    for (const r of k.list) push(k.byNs, nsOf(r), r);
  }
  return k.byNs.get(namespace) ?? NONE;
}

/** Objects of a kind with a name, in any namespace, in set order. */
export function ofKindNamed(all: readonly K8sResource[], kind: string, name: unknown): readonly K8sResource[] {
  if (typeof name !== 'string') return NONE;
  const k = kindIndex(all, kind);
  if (!k) return NONE;
  if (!k.byName) {
    k.byName = new Map();
    for (const r of k.list) push(k.byName, r.name, r);
  }
  return k.byName.get(name) ?? NONE;
}

/** Objects of a kind with a name in a namespace (`namespace ?? "default"`), in set order. */
export function ofKindNamedIn(all: readonly K8sResource[], kind: string, namespace: unknown, name: unknown): readonly K8sResource[] {
  if (typeof name !== 'string' || typeof namespace !== 'string') return NONE;
  const k = kindIndex(all, kind);
  if (!k) return NONE;
  if (!k.byNsName) {
    k.byNsName = new Map();
    for (const r of k.list) {
      const ns = nsOf(r);
      let names = k.byNsName.get(ns);
      if (!names) k.byNsName.set(ns, (names = new Map()));
      push(names, r.name, r);
    }
  }
  return k.byNsName.get(namespace)?.get(name) ?? NONE;
}

/** Label pairs an object must carry (each key with exactly that value) to possibly satisfy a selector. */
export type Pairs = readonly (readonly [string, string])[];

/**
 * What a selector needs from a label set, for `SelectorIndex`: 'never' (matches nothing), 'always' (any label set may
 * match), or alternatives each needing one label pair (the selector can only match a label set holding one of them).
 */
export type Anchors = 'never' | 'always' | Pairs;

/**
 * Selectors (Services, PodDisruptionBudgets, NetworkPolicies...) filed under one label pair they need, to find those that
 * may select a label set without testing them all: a label set only meets selectors filed under its own pairs (and those
 * filed as 'always'). Answers positions in set order.
 */
export class SelectorIndex<T> {
  private readonly anchored = new Map<string, Map<string, number[]>>();
  private readonly always: number[] = [];
  private readonly items: T[] = [];
  private readonly multi: boolean;

  constructor(entries: Iterable<readonly [T, Anchors]>) {
    let multi = false;
    for (const [item, anchors] of entries) {
      const i = this.items.push(item) - 1;
      if (anchors === 'never') continue;
      if (anchors === 'always') {
        this.always.push(i);
        continue;
      }
      if (anchors.length > 1) multi = true;
      for (const [k, v] of anchors) {
        let byValue = this.anchored.get(k);
        if (!byValue) this.anchored.set(k, (byValue = new Map()));
        const list = byValue.get(v);
        if (list) list.push(i);
        else byValue.set(v, [i]);
      }
    }
    this.multi = multi;
  }

  /** Items that may select `labels` (own pairs, values as strings), in the order they were given. */
  candidates(labels: Readonly<Record<string, unknown>>): T[] {
    const hits: number[] = [...this.always];
    let lists = this.always.length > 0 ? 1 : 0;
    for (const [k, v] of Object.entries(labels)) {
      const list = this.anchored.get(k)?.get(String(v));
      if (!list) continue;
      for (const i of list) hits.push(i);
      lists++;
    }
    if (lists > 1) hits.sort((a, b) => a - b);
    const out: T[] = [];
    for (let j = 0; j < hits.length; j++) if (!(this.multi && j > 0 && hits[j] === hits[j - 1])) out.push(this.items[hits[j]!]!);
    countWork(out.length);
    return out;
  }
}

/**
 * Label sets (pod templates, Services) by their pairs and keys, to find those a selector may match without testing them
 * all: candidates hold every required pair and every required key. Answers items in the order they were given.
 */
export class LabelIndex<T> {
  private readonly byPair = new Map<string, Map<string, T[]>>();
  private readonly byKey = new Map<string, T[]>();
  private readonly items: T[] = [];

  constructor(entries: Iterable<readonly [T, Readonly<Record<string, unknown>>]>) {
    for (const [item, labels] of entries) {
      this.items.push(item);
      for (const [k, v] of Object.entries(labels)) {
        let byValue = this.byPair.get(k);
        if (!byValue) this.byPair.set(k, (byValue = new Map()));
        push(byValue, String(v), item);
        push(this.byKey, k, item);
      }
    }
  }

  /** Items whose labels hold all of `pairs` (values as strings) and all of `keys`: the smallest posting list that applies. */
  candidates(pairs: Pairs, keys: readonly string[] = []): readonly T[] {
    let best: readonly T[] = this.items;
    for (const [k, v] of pairs) {
      const list = this.byPair.get(k)?.get(v);
      if (!list) return [];
      if (list.length < best.length) best = list;
    }
    for (const k of keys) {
      const list = this.byKey.get(k);
      if (!list) return [];
      if (list.length < best.length) best = list;
    }
    countWork(best.length);
    return best;
  }
}

/**
 * Pairs a metav1.LabelSelector needs (its matchLabels, values as strings) and keys it needs (In and Exists
 * expressions), as `selectorMatches` reads them; an absent or non-object selector needs nothing.
 */
export function selectorNeeds(selector: unknown): { pairs: Pairs; keys: string[] } {
  if (!isObject(selector)) return { pairs: [], keys: [] };
  const ml = isObject(selector.matchLabels) ? selector.matchLabels : {};
  const pairs = Object.entries(ml).map(([k, v]) => [k, String(v)] as const);
  const keys: string[] = [];
  if (Array.isArray(selector.matchExpressions)) {
    for (const e of selector.matchExpressions) if (isObject(e) && (e.operator === 'In' || e.operator === 'Exists')) keys.push(String(e.key));
  }
  return { pairs, keys };
}

/** `SelectorIndex` anchors of a metav1.LabelSelector (one of its matchLabels pairs, else 'always'). */
export function selectorAnchors(selector: unknown): Anchors {
  const { pairs } = selectorNeeds(selector);
  return pairs.length > 0 ? [pairs[0]!] : 'always';
}

/** A Service-style selector (plain map, `mapSelectorMatches`) needs its first pair; an empty or absent one selects nothing. */
export function mapSelectorAnchors(selector: unknown): Anchors {
  const first = isObject(selector) ? Object.entries(selector)[0] : undefined;
  return first ? [[first[0], String(first[1])]] : 'never';
}

const EMPTY = new SelectorIndex<K8sResource>([]);

/**
 * The objects of a kind in a namespace (`namespace ?? "default"`) filed by what their selector needs, to find those that
 * may select a label set. `key` names the index in the set's cache: one key per `anchors` function.
 */
export function selectorsIn(all: readonly K8sResource[], key: string, kind: string, namespace: string, anchors: (r: K8sResource) => Anchors): SelectorIndex<K8sResource> {
  const byNs = derived(all, key, (xs) => {
    const groups = new Map<string, [K8sResource, Anchors][]>();
    for (const r of ofKind(xs, kind)) push(groups, nsOf(r), [r, anchors(r)] as [K8sResource, Anchors]);
    return new Map([...groups].map(([ns, entries]) => [ns, new SelectorIndex(entries)] as const));
  });
  return byNs.get(namespace) ?? EMPTY;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
