import { baseEcosystem } from '@bulwark/core';

/**
 * Base ecosystems an advisory may name: the OSV list (https://ossf.github.io/osv-schema/#defined-ecosystems)
 * plus two Bulwark extensions for runtimes that are not packages: 'Node.js' (node binary, NSWG core) and
 * 'Ruby' (interpreters, rubysec rubies/). Anything else is imported with a warning.
 */
const KNOWN = new Set([
  'AlmaLinux', 'Alpaquita', 'Alpine', 'Android', 'Azure Linux', 'BellSoft Hardened Containers', 'Bioconductor',
  'Bitnami', 'Chainguard', 'CleanStart', 'ConanCenter', 'CRAN', 'crates.io', 'Debian', 'Echo', 'GHC',
  'GitHub Actions', 'Go', 'Hackage', 'Hex', 'Julia', 'Kubernetes', 'Linux', 'Mageia', 'Maven', 'MinimOS', 'npm',
  'NuGet', 'opam', 'openEuler', 'openSUSE', 'OSS-Fuzz', 'Packagist', 'Photon OS', 'Pub', 'PyPI', 'Red Hat',
  'Rocky Linux', 'RubyGems', 'SUSE', 'SUSE:Linux Enterprise', 'SwiftURL', 'Ubuntu', 'VSCode', 'Wolfi',
  'Node.js', 'Ruby',
]);

export function isKnownEcosystem(ecosystem: string): boolean {
  return KNOWN.has(baseEcosystem(ecosystem));
}
