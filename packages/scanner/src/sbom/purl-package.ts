import { parsePurl, type Distro, type Package, type PackageLocation, type PackageType, type PurlParts } from '@bulwark/core';

const TYPES: Record<string, PackageType> = {
  deb: 'deb', apk: 'apk', rpm: 'rpm', npm: 'npm', pypi: 'pypi', golang: 'golang', maven: 'maven', gem: 'gem',
  cargo: 'cargo', composer: 'composer', nuget: 'nuget',
};

const LANGUAGE_ECOSYSTEM: Record<string, string> = {
  npm: 'npm', pypi: 'PyPI', golang: 'Go', maven: 'Maven', gem: 'RubyGems', cargo: 'crates.io', composer: 'Packagist', nuget: 'NuGet',
};

/** Distro id + version ("debian", "12.15") → OSV ecosystem with release ("Debian:12"), the way image assembly names it. */
export function distroEcosystem(id: string, version: string | undefined): string | undefined {
  const v = version?.trim();
  const major = v?.split('.')[0];
  switch (id.toLowerCase()) {
    case 'debian':
      return major && /^\d+$/.test(major) ? `Debian:${major}` : 'Debian';
    case 'ubuntu': {
      const m = v ? /^(\d+\.\d+)/.exec(v) : null;
      return m ? `Ubuntu:${m[1]}` : 'Ubuntu';
    }
    case 'alpine': {
      const m = v ? /^v?(\d+\.\d+)/.exec(v) : null;
      return m ? `Alpine:v${m[1]}` : 'Alpine';
    }
    case 'rocky':
      return major ? `Rocky Linux:${major}` : 'Rocky Linux';
    case 'almalinux':
      return major ? `AlmaLinux:${major}` : 'AlmaLinux';
    case 'redhat':
    case 'rhel':
      return 'Red Hat';
    default:
      return undefined;
  }
}

const DISTRO_BASE: Record<string, string> = { deb: 'Debian', apk: 'Alpine', rpm: 'RPM' };

/** "debian-12.15", "alpine-3.19.1", "ubuntu-22.04", "12" → [id, version]. */
function splitDistro(distro: string, fallbackId: string | undefined): [string | undefined, string | undefined] {
  const m = /^([a-z][a-z-]*?)-(\d[\w.]*)$/i.exec(distro);
  if (m) return [m[1], m[2]];
  if (/^v?\d/.test(distro)) return [fallbackId, distro];
  return [distro, undefined];
}

function ecosystemOf(p: PurlParts, type: PackageType, os: Distro | undefined): string {
  const lang = LANGUAGE_ECOSYSTEM[p.type];
  if (lang) return lang;
  if (type === 'generic') return p.type;
  const distro = p.qualifiers?.distro;
  if (distro) {
    const [id, version] = splitDistro(distro, p.namespace);
    const eco = id ? distroEcosystem(id, version) : undefined;
    if (eco) return eco;
  }
  const fromNs = p.namespace ? distroEcosystem(p.namespace, os && os.id === p.namespace ? os.versionId : undefined) : undefined;
  if (fromNs) return fromNs;
  if (os) return distroEcosystem(os.id, os.versionId) ?? DISTRO_BASE[type];
  return DISTRO_BASE[type];
}

function nameOf(p: PurlParts): string {
  if (!p.namespace) return p.name;
  switch (p.type) {
    case 'maven':
      return `${p.namespace}:${p.name}`;
    case 'npm':
    case 'golang':
    case 'composer':
      return `${p.namespace}/${p.name}`;
    default:
      return p.name;
  }
}

export interface PurlPackageInit {
  purl: string;
  /** Version when the purl has none (SPDX versionInfo, CycloneDX version). */
  version?: string;
  licenses: string[];
  locations: PackageLocation[];
  foundBy: string;
  source?: { name: string; version?: string };
  ecosystem?: string;
  os?: Distro;
}

/** Builds a Package from a purl plus what the document says beside it; undefined for an unparsable purl. */
export function packageFromPurl(init: PurlPackageInit): Package | undefined {
  const p = parsePurl(init.purl);
  if (!p || !p.name) return undefined;
  const type = TYPES[p.type] ?? 'generic';
  let version = p.version ?? init.version ?? '';
  // Trivy and Syft put a deb/rpm epoch in a qualifier, not in the version.
  const epoch = p.qualifiers?.epoch;
  if (epoch && (type === 'deb' || type === 'rpm') && !version.includes(':')) version = `${epoch}:${version}`;
  const pkg: Package = {
    name: nameOf(p),
    version,
    type,
    ecosystem: init.ecosystem ?? ecosystemOf(p, type, init.os),
    purl: init.purl,
    licenses: init.licenses,
    locations: init.locations,
    foundBy: init.foundBy,
  };
  const upstream = p.qualifiers?.upstream;
  if (init.source) pkg.source = init.source;
  else if (upstream && (type === 'deb' || type === 'rpm' || type === 'apk')) {
    // Syft: upstream=glibc or upstream=glibc@2.36-9
    const at = upstream.indexOf('@');
    pkg.source = at > 0 ? { name: upstream.slice(0, at), version: upstream.slice(at + 1) } : { name: upstream };
  }
  return pkg;
}
