import { buildPurl, parsePurl } from '@bulwark/core';
import type { Distro, Package } from '@bulwark/core';

function major(v: string): string {
  return v.split('.')[0];
}

function majorMinor(v: string): string {
  return v.split('.').slice(0, 2).join('.');
}

/** OSV ecosystem names of RPM distributions (https://ossf.github.io/osv-schema/#affectedpackage-field). */
function rpmEcosystem(d: Distro): string | undefined {
  const v = d.versionId;
  switch (d.id) {
    case 'rocky':
      return v ? `Rocky Linux:${major(v)}` : 'Rocky Linux';
    case 'almalinux':
      return v ? `AlmaLinux:${major(v)}` : 'AlmaLinux';
    case 'rhel':
      return 'Red Hat';
    case 'opensuse-leap':
      return v ? `openSUSE:Leap ${v}` : 'openSUSE';
    case 'opensuse-tumbleweed':
      return 'openSUSE:Tumbleweed';
    case 'sles':
    case 'sled':
      return v ? `SUSE:Linux Enterprise Server ${v}` : 'SUSE';
    case 'mageia':
      return v ? `Mageia:${v}` : 'Mageia';
    case 'photon':
      return v ? `Photon OS:${v}` : 'Photon OS';
    case 'azurelinux':
      return v ? `Azure Linux:${major(v)}` : 'Azure Linux';
    case 'openEuler':
    case 'openeuler':
      return v ? `openEuler:${v}` : 'openEuler';
    default:
      return undefined;
  }
}

function ecosystemFor(pkg: Package, d: Distro): string | undefined {
  const v = d.versionId;
  if (pkg.type === 'deb') {
    if (d.id === 'debian') return v ? `Debian:${major(v)}` : 'Debian';
    if (d.id === 'ubuntu') return v ? `Ubuntu:${v}` : 'Ubuntu';
    return undefined;
  }
  if (pkg.type === 'apk') {
    if (d.id === 'alpine') return v ? `Alpine:v${majorMinor(v)}` : 'Alpine';
    if (d.id === 'wolfi') return 'Wolfi';
    if (d.id === 'chainguard') return 'Chainguard';
    return undefined;
  }
  if (pkg.type === 'rpm') return rpmEcosystem(d);
  return undefined;
}

/**
 * Gives an OS package its distro release: the OSV ecosystem with release ("Debian:12", "Ubuntu:22.04",
 * "Alpine:v3.19", "Rocky Linux:9") and the purl qualifier `distro=<id>-<VERSION_ID>` as Trivy writes it;
 * Ubuntu debs get the purl namespace `ubuntu`. Other packages are returned unchanged.
 */
export function applyDistro(pkg: Package, distro: Distro): Package {
  if (pkg.type !== 'deb' && pkg.type !== 'apk' && pkg.type !== 'rpm') return pkg;
  const out: Package = { ...pkg };
  const eco = ecosystemFor(pkg, distro);
  if (eco) out.ecosystem = eco;
  const parts = parsePurl(pkg.purl);
  if (parts) {
    const qualifiers = { ...(parts.qualifiers ?? {}) };
    qualifiers.distro = distro.versionId ? `${distro.id}-${distro.versionId}` : distro.id;
    let namespace = parts.namespace;
    if (pkg.type === 'deb' && distro.id === 'ubuntu') namespace = 'ubuntu';
    else if (!namespace) namespace = distro.id;
    out.purl = buildPurl({ ...parts, namespace, qualifiers });
  }
  return out;
}
