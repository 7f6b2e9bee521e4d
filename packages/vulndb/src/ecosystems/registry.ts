import { baseEcosystem, err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import * as all from './all.js';
import type { VersionError, VersionScheme } from './types.js';
import type { Sign } from './shared.js';

export interface SchemeRegistry {
  /** Every scheme, once. */
  readonly list: readonly VersionScheme[];
  /** Exact OSV names (ids and aliases) to schemes. */
  readonly byName: ReadonlyMap<string, VersionScheme>;
}

/** Builds the name index; throws when two schemes claim the same id or alias (a programming error). */
export function registryOf(list: readonly VersionScheme[]): SchemeRegistry {
  const byName = new Map<string, VersionScheme>();
  const lower = new Set<string>();
  for (const scheme of list) {
    for (const name of [scheme.id, ...(scheme.aliases ?? [])]) {
      const key = name.toLowerCase();
      if (byName.has(name) || lower.has(key)) throw new Error(`version scheme name registered twice: ${name}`);
      byName.set(name, scheme);
      lower.add(key);
    }
  }
  return { list: [...list], byName };
}

export const schemes = registryOf(Object.values(all) as VersionScheme[]);

const byLowerName = new Map([...schemes.byName].map(([name, scheme]) => [name.toLowerCase(), scheme]));

/**
 * The scheme ordering versions of an OSV ecosystem: "Debian:12", "Ubuntu:22.04:LTS", "Alpine:v3.18" and aliases
 * ("Rocky Linux:9", "crates.io") resolve by their base name; an unknown ecosystem gives undefined.
 */
export function schemeFor(ecosystem: string): VersionScheme | undefined {
  const name = ecosystem.trim();
  const exact = schemes.byName.get(name) ?? schemes.byName.get(baseEcosystem(name));
  if (exact) return exact;
  return byLowerName.get(name.toLowerCase()) ?? byLowerName.get(baseEcosystem(name).toLowerCase());
}

/** Orders two versions of an ecosystem; an unknown ecosystem or an unparsable version is an error value. */
export function compareVersions(ecosystem: string, a: string, b: string): Result<Sign, VersionError> {
  const scheme = schemeFor(ecosystem);
  if (!scheme) return err({ ecosystem, version: a, message: `no version scheme for ecosystem ${JSON.stringify(ecosystem)}` });
  const x = scheme.parse(a);
  if (!x.ok) return x;
  const y = scheme.parse(b);
  if (!y.ok) return y;
  return ok(scheme.compare(x.value, y.value));
}
