import * as all from './all.js';
import type { Source } from './types.js';

/** Every feed, keyed by id; throws on a duplicate id (a programming error). */
export function registryOf(list: readonly Source[]): ReadonlyMap<string, Source> {
  const byId = new Map<string, Source>();
  for (const s of list) {
    if (byId.has(s.id)) throw new Error(`source id registered twice: ${s.id}`);
    byId.set(s.id, s);
  }
  return byId;
}

export const sources = registryOf(Object.values(all));

export function sourceFor(id: string): Source | undefined {
  return sources.get(id);
}
