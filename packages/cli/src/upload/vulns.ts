// `bulwark scan image|rootfs|fs|sbom` results → one platform upload: the scanned thing as the root asset, every
// package as a `package` asset `installed-in` it, and one vulnerability finding per (advisory, package location).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import type { CvssScore, LayerRef, ScanReport, VulnerabilityFinding } from '@bulwark/core';
import type { AssetInput, AssetRef, FindingInput, RelationInput } from '@bulwark/platform';
import { clip, normalizeImageRef, repositoryOf, uniqueLocators, type RepositoryInfo } from './keys.js';
import type { ScanTiming, UploadBody } from './types.js';

/** What an SBOM describes, read from its metadata (`sbomSubject`). */
export interface SbomSubject {
  kind: 'image' | 'repository';
  key: string;
  name: string;
}

export interface VulnUploadOptions extends ScanTiming {
  /** sbom scans: the SBOM's subject; default a repository named after the file. */
  sbomSubject?: SbomSubject;
  /** fs scans: the repository; default found from the path (git remote, else the directory). */
  repository?: RepositoryInfo;
}

/** Most bytes of one finding's payload before the long texts are dropped (the store allows 64 KiB). */
const PAYLOAD_BUDGET = 48 * 1024;

function rootAsset(report: ScanReport, opts: VulnUploadOptions): { asset: AssetInput; target: string } {
  const t = report.target;
  const distro = report.os ? [report.os.id, report.os.versionId].filter(Boolean).join(' ') : undefined;
  const common = { ...(distro ? { distro } : {}) };
  switch (t.kind) {
    case 'image': {
      const img = t.image;
      const ref = img?.reference ?? img?.repoTags[0];
      const key = ref ? normalizeImageRef(ref) : img?.id ?? `file:${basename(t.name)}`;
      const attributes = {
        ...common,
        ...(ref ? { reference: ref } : {}),
        ...(img?.repoTags.length ? { repoTags: img.repoTags } : {}),
        ...(img?.id ? { imageId: img.id } : {}),
        ...(img?.manifestDigest ? { manifestDigest: img.manifestDigest } : {}),
        ...(img?.os ? { os: img.os } : {}),
        ...(img?.architecture ? { architecture: img.architecture } : {}),
        ...(img?.created ? { created: img.created } : {}),
        ...(img ? { layerCount: img.layers.length, layers: layerAttributes(img.layers, report.packages) } : {}),
      };
      return { asset: { kind: 'image', key, name: ref ?? t.name, attributes }, target: `image:${key}` };
    }
    case 'rootfs': {
      const abs = resolve(t.name);
      const key = `host/${hostname()}${abs === '/' ? '' : `:${abs}`}`;
      return { asset: { kind: 'node', key, name: abs === '/' ? hostname() : `${hostname()}:${abs}`, attributes: { ...common, path: abs } }, target: `rootfs:${key}` };
    }
    case 'fs': {
      const repo = opts.repository ?? repositoryOf(t.name);
      const target = `fs:${repo.key}${repo.subpath ? `//${repo.subpath}` : ''}`;
      return { asset: { kind: 'repository', key: repo.key, name: repo.name, attributes: { ...repo.attributes, ...common } }, target };
    }
    case 'sbom': {
      const s = opts.sbomSubject ?? { kind: 'repository' as const, key: `sbom:${basename(t.name)}`, name: basename(t.name) };
      return { asset: { kind: s.kind, key: s.key, name: s.name, attributes: { ...common, sbom: basename(t.name) } }, target: `sbom:${s.kind}:${s.key}` };
    }
  }
}

/** Bytes of package ids kept per image in its layer list (asset attributes are capped at 64 KiB). */
const LAYER_PACKAGES_BUDGET = 40 * 1024;

/**
 * The image's layers for the console: position, digest, the command that made it, size, and the packages it
 * installed (package URLs; dropped beyond a budget, with the count kept).
 */
function layerAttributes(layers: readonly (LayerRef & { size?: number })[], packages: ScanReport['packages']): Record<string, unknown>[] {
  const byLayer = new Map<number, Set<string>>();
  for (const p of packages) {
    for (const loc of p.locations) {
      if (loc.layer === undefined || !p.purl) continue;
      const set = byLayer.get(loc.layer.index) ?? new Set<string>();
      set.add(p.purl);
      byLayer.set(loc.layer.index, set);
    }
  }
  let budget = LAYER_PACKAGES_BUDGET;
  return layers.map((l) => {
    const purls = [...(byLayer.get(l.index) ?? [])].sort();
    const size = purls.reduce((n, x) => n + x.length + 3, 0);
    const keep = size <= budget;
    if (keep) budget -= size;
    return {
      index: l.index,
      digest: l.digest,
      ...(l.createdBy ? { createdBy: l.createdBy.slice(0, 2000) } : {}),
      ...(l.size !== undefined ? { size: l.size } : {}),
      packageCount: purls.length,
      ...(keep ? { packages: purls } : {}),
    };
  });
}

/** The CVSS the severity came from ("cvss:3.1:nvd"), else the newest v3, then v4, then v2. */
export function preferredCvss(v: VulnerabilityFinding): CvssScore | undefined {
  const m = /^cvss:([0-9.]+):(.+)$/.exec(v.severitySource);
  if (m) {
    const hit = v.cvss.find((c) => c.version === m[1] && c.source === m[2]);
    if (hit) return hit;
  }
  for (const version of ['3.1', '3.0', '4.0', '2.0'] as const) {
    const same = v.cvss.filter((c) => c.version === version);
    if (same.length > 0) return same.reduce((a, b) => (b.baseScore > a.baseScore ? b : a));
  }
  return undefined;
}

function payloadOf(v: VulnerabilityFinding): Record<string, unknown> {
  const p: Record<string, unknown> = {
    id: v.id,
    aliases: v.aliases,
    package: {
      name: v.package.name,
      version: v.package.version,
      type: v.package.type,
      ecosystem: v.package.ecosystem,
      purl: v.package.purl,
      ...(v.package.source ? { source: v.package.source } : {}),
      locations: v.package.locations.slice(0, 20).map((l) => l.path),
    },
    matchStatus: v.matchStatus,
    fixState: v.fixState,
    fixedVersions: v.fixedVersions.slice(0, 20),
    severitySource: v.severitySource,
    cvss: v.cvss.map((c) => ({ version: c.version, vector: c.vector, baseScore: c.baseScore, source: c.source })),
    ...(v.kev ? { kev: v.kev } : {}),
    ...(v.epss ? { epss: v.epss } : {}),
    ...(v.published ? { published: v.published } : {}),
    ...(v.modified ? { modified: v.modified } : {}),
    description: clip(v.description, 4000),
    references: v.references.slice(0, 20).map((r) => clip(r, 1000)),
    dataSources: v.dataSources.slice(0, 20),
  };
  if (Buffer.byteLength(JSON.stringify(p)) > PAYLOAD_BUDGET) {
    delete p.description;
    p.references = [];
  }
  return p;
}

/**
 * The upload of an image, rootfs, fs or sbom scan. Suppressed findings (ignore file, VEX) are left out — the
 * platform would show them open; the report's display filters (`--severity`, `--ignore-unfixed`) are not applied by
 * the caller, so the platform gets the whole picture. Locator = purl and the package's first path, so the same
 * advisory in two copies of a package stays two findings.
 */
export function vulnerabilityUpload(report: ScanReport, vulnerabilities: readonly VulnerabilityFinding[], opts: VulnUploadOptions): UploadBody {
  const { asset: root, target } = rootAsset(report, opts);
  const rootRef: AssetRef = { kind: root.kind, key: root.key };
  const assets: AssetInput[] = [root];
  const relations: RelationInput[] = [];
  const seen = new Set<string>();
  for (const p of report.packages) {
    if (!p.purl || seen.has(p.purl)) continue;
    seen.add(p.purl);
    assets.push({
      kind: 'package',
      key: p.purl,
      name: `${p.name}@${p.version}`,
      attributes: { name: p.name, version: p.version, type: p.type, ecosystem: p.ecosystem, ...(p.licenses.length ? { licenses: p.licenses.slice(0, 20) } : {}) },
    });
    relations.push({ from: { kind: 'package', key: p.purl }, to: rootRef, kind: 'installed-in' });
  }
  const open = vulnerabilities.filter((v) => !v.suppressed);
  const findings = open.map((v) => {
    const cvss = preferredCvss(v);
    const path = v.package.locations[0]?.path;
    return {
      type: 'vulnerability' as const,
      ruleId: v.id,
      title: clip(v.title ?? `${v.id} in ${v.package.name} ${v.package.version}`, 1000),
      severity: v.severity,
      cvss: cvss?.baseScore ?? null,
      epss: v.epss?.score ?? null,
      kev: v.kev !== undefined,
      fixAvailable: v.fixState === 'fixed' && v.fixedVersions.length > 0,
      asset: rootRef,
      locator: path ? `${v.package.purl} ${path}` : v.package.purl,
      payload: payloadOf(v),
    } satisfies FindingInput;
  });
  return {
    scan: {
      id: opts.scanId ?? randomUUID(),
      target,
      kind: report.target.kind,
      startedAt: opts.startedAt.toISOString(),
      finishedAt: opts.finishedAt.toISOString(),
      assets,
      relations,
    },
    findings: uniqueLocators(findings, (i) => `${open[i].package.name}@${open[i].package.version}`),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * What an SBOM describes, from CycloneDX `metadata.component` (type container → image) or the SPDX package the
 * document describes (purpose CONTAINER or an oci/docker purl → image); undefined when neither says.
 */
export function sbomSubject(doc: unknown): SbomSubject | undefined {
  if (!isObject(doc)) return undefined;
  const meta = isObject(doc.metadata) ? doc.metadata : undefined;
  const comp = meta && isObject(meta.component) ? meta.component : undefined;
  if (comp && typeof comp.name === 'string' && comp.name) {
    const version = typeof comp.version === 'string' && comp.version ? comp.version : undefined;
    if (comp.type === 'container') {
      const ref = version ? (version.startsWith('sha256:') ? `${comp.name}@${version}` : `${comp.name}:${version}`) : comp.name;
      return { kind: 'image', key: normalizeImageRef(ref), name: ref };
    }
    const name = version ? `${comp.name}@${version}` : comp.name;
    return { kind: 'repository', key: typeof comp.purl === 'string' && comp.purl ? comp.purl : name, name };
  }
  if (typeof doc.spdxVersion === 'string' && Array.isArray(doc.packages)) {
    const described = Array.isArray(doc.documentDescribes) ? doc.documentDescribes[0] : undefined;
    const pkg = doc.packages.find((p): p is Record<string, unknown> => isObject(p) && (described === undefined || p.SPDXID === described));
    if (!pkg || typeof pkg.name !== 'string' || !pkg.name) return undefined;
    const purl = Array.isArray(pkg.externalRefs)
      ? pkg.externalRefs.map((r) => (isObject(r) && r.referenceType === 'purl' ? String(r.referenceLocator) : '')).find(Boolean)
      : undefined;
    const container = pkg.primaryPackagePurpose === 'CONTAINER' || (purl !== undefined && /^pkg:(oci|docker)\//.test(purl));
    if (container) return { kind: 'image', key: normalizeImageRef(pkg.name), name: pkg.name };
    return { kind: 'repository', key: purl ?? pkg.name, name: pkg.name };
  }
  return undefined;
}
