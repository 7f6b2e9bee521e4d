import type { K8sResource } from './parse.js';

// Cross-object rules look things up in the whole scanned set for every object they check. Recomputing such a lookup
// per object makes a scan quadratic (13k objects: minutes), so whatever spans the set is computed once per set here
// and shared by every rule of the scan. The engine passes the same array to every rule call of one scan
// (`scanKubernetesResources`), which keys the cache; a set is read-only while it is scanned.

interface SetCache {
  /** Length of the set when the cache was made: a changed array gets a fresh cache instead of stale answers. */
  length: number;
  values: Map<string, unknown>;
}

const caches = new WeakMap<readonly K8sResource[], SetCache>();

let work = 0;

/**
 * A value computed once per scanned object set: the first call with `all` runs `compute(all)`, later calls with the same
 * array and key return that result. Keys are namespaced by the family that owns them ("network/policies").
 */
export function derived<T>(all: readonly K8sResource[], key: string, compute: (all: readonly K8sResource[]) => T): T {
  let cache = caches.get(all);
  if (!cache || cache.length !== all.length) {
    cache = { length: all.length, values: new Map() };
    caches.set(all, cache);
  }
  if (cache.values.has(key)) return cache.values.get(key) as T;
  work += all.length;
  const value = compute(all);
  cache.values.set(key, value);
  return value;
}

/** Objects visited by set-wide computations and index look-ups since the process started (for scaling tests). */
export function lookupWork(): number {
  return work;
}

/** Counts candidates an index hands out (each is then tested by the rule's own predicate). */
export function countWork(n: number): void {
  work += n;
}
