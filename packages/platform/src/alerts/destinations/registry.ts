import * as all from './index.js';
import type { DestinationKind } from './types.js';

/** Kinds by name; throws at load when two kinds share a name. */
function registryOf(kinds: readonly DestinationKind<never>[]): ReadonlyMap<string, DestinationKind> {
  const m = new Map<string, DestinationKind>();
  for (const k of kinds) {
    if (m.has(k.kind)) throw new Error(`destination kind ${k.kind} registered twice`);
    m.set(k.kind, k as unknown as DestinationKind);
  }
  return m;
}

export const DESTINATION_KINDS = registryOf(Object.values(all));

export function destinationKind(kind: string): DestinationKind | undefined {
  return DESTINATION_KINDS.get(kind);
}
