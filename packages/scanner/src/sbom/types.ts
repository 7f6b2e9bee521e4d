import type { Distro, Package } from '@bulwark/core';

export interface SbomResult {
  format: 'cyclonedx' | 'spdx';
  /** "1.6", "SPDX-2.3". */
  specVersion: string;
  /** Name of the described thing (CycloneDX metadata.component, SPDX document name). */
  subject?: string;
  os?: Distro;
  packages: Package[];
  /** Entries skipped (no purl, unparsable purl): the scan goes on. */
  warnings: string[];
}

export interface SbomLimits {
  /** Largest document read (bytes). */
  maxBytes: number;
  /** Deepest JSON nesting (CycloneDX nests components). */
  maxDepth: number;
  /** Most packages/components. */
  maxPackages: number;
}
