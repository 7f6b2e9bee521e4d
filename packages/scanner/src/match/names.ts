import { baseEcosystem } from '@bulwark/core';
import { schemeFor } from './vulndb.js';

/**
 * Canonical name for comparing a package with an advisory: the version scheme's normalizeName when it has one,
 * else the registry rules (PyPI PEP 503, Packagist case-insensitive); identity elsewhere.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  const scheme = schemeFor(ecosystem);
  if (scheme?.normalizeName) return scheme.normalizeName(name);
  switch (baseEcosystem(ecosystem)) {
    case 'PyPI':
      return name.toLowerCase().replace(/[-_.]+/g, '-');
    case 'Packagist':
      return name.toLowerCase();
    default:
      return name;
  }
}
