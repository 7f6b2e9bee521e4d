/**
 * Ecosystems in OSV spelling (https://ossf.github.io/osv-schema/#affectedpackage-field).
 * Distro ecosystems carry a release suffix in advisories ("Debian:12", "Alpine:v3.18", "Ubuntu:22.04:LTS");
 * `baseEcosystem` strips it.
 */
export type Ecosystem =
  | 'Debian'
  | 'Ubuntu'
  | 'Alpine'
  | 'Red Hat'
  | 'RPM'
  | 'npm'
  | 'PyPI'
  | 'Go'
  | 'Maven'
  | 'RubyGems'
  | 'NuGet'
  | 'crates.io'
  | 'Packagist'
  | 'Pub'
  | 'Hex'
  | 'CRAN'
  | 'Hackage'
  | 'SemVer';

export function baseEcosystem(ecosystem: string): string {
  const i = ecosystem.indexOf(':');
  return i < 0 ? ecosystem : ecosystem.slice(0, i);
}

/** The release part of a distro ecosystem ("Debian:12" → "12"), or undefined. */
export function ecosystemRelease(ecosystem: string): string | undefined {
  const i = ecosystem.indexOf(':');
  return i < 0 ? undefined : ecosystem.slice(i + 1);
}
