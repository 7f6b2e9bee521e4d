// An asset's SBOM from the inventory: the asset and the packages `installed-in` it become a core ScanReport, which
// the scanner's own CycloneDX and SPDX writers render — the same documents `bulwark scan --format` writes.
import { BULWARK_VERSION, parsePurl, type Distro, type ImageInfo, type Package, type PackageType, type PurlParts, type ScanReport, type TargetKind } from '@bulwark/core';
import { renderCycloneDx, renderSpdx } from '@bulwark/scanner';
import type { Asset, AssetKind } from '../storage/types.js';

export type SbomFormat = 'cyclonedx' | 'spdx';
export const SBOM_FORMATS: readonly SbomFormat[] = ['cyclonedx', 'spdx'];

/**
 * The kinds the scanners upload as the root of a package scan (cli upload/vulns.ts `rootAsset`): an image, a
 * repository (fs and sbom scans) and a node (rootfs scans). Packages are `installed-in` only these.
 */
export const SBOM_ROOT_KINDS: ReadonlySet<AssetKind> = new Set<AssetKind>(['image', 'repository', 'node']);

/** The target kind of the scan that uploads an asset of this kind as its root. */
const TARGET_KIND: Partial<Record<AssetKind, TargetKind>> = { image: 'image', repository: 'fs', node: 'rootfs' };

const PACKAGE_TYPES: ReadonlySet<string> = new Set<PackageType>(['deb', 'apk', 'rpm', 'npm', 'pypi', 'golang', 'maven', 'gem', 'cargo', 'composer', 'nuget', 'generic']);

/** What found the packages of a document built from the inventory (the CycloneDX/SPDX foundBy property). */
export const INVENTORY_FOUND_BY = 'platform/inventory';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The package name a purl gives, as the scanner's catalogers write it ("org.slf4j:slf4j-api", "@babel/core"). */
function nameOfPurl(p: PurlParts): string {
  if (!p.namespace) return p.name;
  if (p.type === 'maven') return `${p.namespace}:${p.name}`;
  return p.type === 'npm' || p.type === 'golang' || p.type === 'composer' ? `${p.namespace}/${p.name}` : p.name;
}

/** A package asset (attributes name, version, type, ecosystem, licenses; key = purl) as a core Package. */
export function packageOfAsset(a: Asset): Package {
  const at = a.attributes;
  const purl = parsePurl(a.key);
  const type = str(at.type) ?? purl?.type ?? 'generic';
  return {
    name: str(at.name) ?? (purl ? nameOfPurl(purl) : a.name),
    version: str(at.version) ?? purl?.version ?? '',
    type: (PACKAGE_TYPES.has(type) ? type : 'generic') as PackageType,
    ecosystem: str(at.ecosystem) ?? '',
    purl: a.key,
    licenses: Array.isArray(at.licenses) ? at.licenses.filter((l): l is string => typeof l === 'string' && l !== '') : [],
    locations: [],
    foundBy: INVENTORY_FOUND_BY,
  };
}

/** "debian 12" (the `distro` attribute uploads carry) → { id: debian, versionId: 12 }. */
function distroOf(v: unknown): Distro | undefined {
  const [id, versionId] = (str(v) ?? '').split(' ', 2);
  if (!id) return undefined;
  return versionId ? { id, versionId } : { id };
}

/** What an image asset's attributes say of the image (reference, tags, image id, manifest digest). */
function imageInfo(root: Asset): ImageInfo {
  const at = root.attributes;
  const reference = str(at.reference);
  const id = str(at.imageId);
  const manifestDigest = str(at.manifestDigest);
  return {
    ...(reference ? { reference } : {}),
    repoTags: Array.isArray(at.repoTags) ? at.repoTags.filter((t): t is string => typeof t === 'string' && t !== '') : [],
    ...(id ? { id } : {}),
    ...(manifestDigest ? { manifestDigest } : {}),
    layers: [],
  };
}

/**
 * The ScanReport of a root asset and its packages: target named after the asset (with the image id when the upload
 * gave one), the distro when known, no vulnerabilities. `createdAt` is the asset's last sighting, so the same
 * inventory always gives the same document.
 */
export function assetScanReport(root: Asset, packages: readonly Asset[]): ScanReport {
  const kind = TARGET_KIND[root.kind] ?? 'fs';
  const os = distroOf(root.attributes.distro);
  const lastSeen = new Date(root.lastSeen);
  return {
    schemaVersion: 1,
    tool: { name: 'bulwark', version: BULWARK_VERSION },
    createdAt: (Number.isNaN(lastSeen.getTime()) ? new Date() : lastSeen).toISOString(),
    target: {
      kind,
      name: root.name,
      ...(kind === 'image' ? { image: imageInfo(root) } : {}),
    },
    ...(os ? { os } : {}),
    packages: packages.map(packageOfAsset),
    vulnerabilities: [],
    status: { fileErrors: [], warnings: [] },
  };
}

/** A file name made of the asset's name: "registry.example_shop_web_1.4.2.cdx.json". */
export function sbomFilename(name: string, format: SbomFormat): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 150) || 'sbom';
  return `${safe}.${format === 'cyclonedx' ? 'cdx' : 'spdx'}.json`;
}

/** The document, its media type and download name. */
export function renderAssetSbom(report: ScanReport, format: SbomFormat): { body: string; contentType: string; filename: string } {
  return format === 'cyclonedx'
    ? { body: renderCycloneDx(report), contentType: 'application/vnd.cyclonedx+json', filename: sbomFilename(report.target.name, format) }
    : { body: renderSpdx(report), contentType: 'application/spdx+json', filename: sbomFilename(report.target.name, format) };
}
