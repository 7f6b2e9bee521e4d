import { baseEcosystem } from '@bulwark/core';

/**
 * The lookup key of a package name, used on import and on lookup alike: PyPI per PEP 503 ("Foo_Bar.baz" →
 * "foo-bar-baz"), Packagist and NuGet lower-case, Maven "group:artifact" (a purl-style "group/artifact" is
 * rewritten), every other ecosystem as given.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  const n = name.trim();
  switch (baseEcosystem(ecosystem)) {
    case 'PyPI':
      return n.toLowerCase().replace(/[-_.]+/g, '-');
    case 'Packagist':
    case 'NuGet':
      return n.toLowerCase();
    case 'Maven':
      return n.includes(':') ? n : n.replace('/', ':');
    default:
      return n;
  }
}

/**
 * The lookup key of an ecosystem: Canonical's OSV writes "Ubuntu:22.04:LTS" and "Ubuntu:Pro:14.04:LTS",
 * while images give "Ubuntu:22.04"; the ":LTS" suffix is dropped on both sides. Others as given.
 */
export function normalizeEcosystem(ecosystem: string): string {
  const e = ecosystem.trim();
  if (e.startsWith('Ubuntu:') && e.endsWith(':LTS')) return e.slice(0, -':LTS'.length);
  return e;
}
