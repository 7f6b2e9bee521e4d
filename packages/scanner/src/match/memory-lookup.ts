import type { Advisory, AdvisoryLookup, CveEnrichment, EpssInfo, KevInfo } from '@bulwark/core';
import { normalizePackageName } from './vulndb.js';

export interface MemoryLookupData {
  advisories: Advisory[];
  kev?: Map<string, KevInfo>;
  epss?: Map<string, EpssInfo>;
  enrichment?: Map<string, CveEnrichment>;
}

/**
 * An AdvisoryLookup over records held in memory, indexed like the store: exact ecosystem string, name normalized
 * by the ecosystem's scheme. For tests and for matching against an SBOM-sized set of advisories without a DB.
 */
export function memoryLookup(data: MemoryLookupData): AdvisoryLookup {
  const key = (eco: string, name: string): string => `${eco}\0${normalizePackageName(eco, name)}`;
  const index = new Map<string, Advisory[]>();
  for (const adv of data.advisories) {
    const seen = new Set<string>();
    for (const a of adv.record.affected ?? []) {
      if (!a.package) continue;
      // Canonical's "Ubuntu:22.04:LTS" is also found as "Ubuntu:22.04", the spelling image assembly uses.
      const ecos = [a.package.ecosystem, a.package.ecosystem.replace(/:LTS$/, '')];
      for (const eco of ecos) {
        const k = key(eco, a.package.name);
        if (seen.has(k)) continue;
        seen.add(k);
        index.set(k, [...(index.get(k) ?? []), adv]);
      }
    }
  }
  return {
    advisoriesFor: (ecosystem, name) => index.get(key(ecosystem, name)) ?? [],
    kev: (cve) => data.kev?.get(cve),
    epss: (cve) => data.epss?.get(cve),
    enrichment: (cve) => data.enrichment?.get(cve),
  };
}
