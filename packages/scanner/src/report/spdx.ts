import type { Package, ScanReport } from '@bulwark/core';
import { comparePackages, reportUuid, shortHash, toSpdxLicense, type ReportOptions } from './common.js';
import type { ReportWriter } from './types.js';

/**
 * attributionTexts prefixes that carry facts SPDX 2.3 has no field for (Trivy does the same with "PkgID:",
 * "LayerDiffID:"); sbom/spdx.ts reads them back. A location starts at its Path line.
 */
export const SPDX_ATTR = {
  ecosystem: 'Ecosystem: ',
  foundBy: 'FoundBy: ',
  path: 'Path: ',
  layerIndex: 'LayerIndex: ',
  layerDigest: 'LayerDigest: ',
  layerDiffId: 'LayerDiffID: ',
  layerCreatedBy: 'LayerCreatedBy: ',
} as const;

const NAMESPACE_BASE = 'https://bulwark.dev/spdxdocs';

type Json = Record<string, unknown>;

function attributions(p: Package): string[] {
  const out = [`${SPDX_ATTR.ecosystem}${p.ecosystem}`, `${SPDX_ATTR.foundBy}${p.foundBy}`];
  for (const loc of p.locations) {
    out.push(`${SPDX_ATTR.path}${loc.path}`);
    if (loc.layer) {
      out.push(`${SPDX_ATTR.layerIndex}${loc.layer.index}`, `${SPDX_ATTR.layerDigest}${loc.layer.digest}`);
      if (loc.layer.diffId) out.push(`${SPDX_ATTR.layerDiffId}${loc.layer.diffId}`);
      if (loc.layer.createdBy) out.push(`${SPDX_ATTR.layerCreatedBy}${loc.layer.createdBy}`);
    }
  }
  return out;
}

/** `(a) AND (b)`: each license of the package must hold; compound ones are parenthesised. */
function declared(p: Package, extracted: Map<string, string>): string {
  if (p.licenses.length === 0) return 'NOASSERTION';
  const parts = p.licenses.map((l) => {
    const s = toSpdxLicense(l);
    if (!s.extracted) return p.licenses.length > 1 && /\s(AND|OR|WITH)\s/i.test(s.expression) ? `(${s.expression})` : s.expression;
    let id = s.extracted.id;
    // Two raw names can sanitise to one id ("GPL 2", "GPL-2"): keep them apart.
    if (extracted.has(id) && extracted.get(id) !== s.extracted.name) id = `${id}-${shortHash(s.extracted.name, 8)}`;
    extracted.set(id, s.extracted.name);
    return id;
  });
  return parts.join(' AND ');
}

function spdxId(kind: string, key: string, used: Set<string>): string {
  let id = `SPDXRef-${kind}-${shortHash(key)}`;
  for (let n = 2; used.has(id); n++) id = `SPDXRef-${kind}-${shortHash(`${key}#${n}`)}`;
  used.add(id);
  return id;
}

/**
 * SPDX 2.3 JSON: the target as the described root package, every package CONTAINS-related to it (OS packages
 * under an operating-system package), purls as PACKAGE-MANAGER external refs.
 */
export function renderSpdx(report: ScanReport, _opts: ReportOptions = {}): string {
  const used = new Set<string>();
  const extracted = new Map<string, string>();
  const rootId = spdxId(report.target.kind === 'image' ? 'ContainerImage' : 'Target', report.target.name, used);
  const root: Json = {
    name: report.target.name,
    SPDXID: rootId,
    downloadLocation: 'NONE',
    filesAnalyzed: false,
    primaryPackagePurpose: report.target.kind === 'image' ? 'CONTAINER' : report.target.kind === 'sbom' ? 'FILE' : 'SOURCE',
  };
  if (report.target.image?.id) root.versionInfo = report.target.image.id;
  const packages: Json[] = [root];
  const relationships: Json[] = [{ spdxElementId: 'SPDXRef-DOCUMENT', relatedSpdxElement: rootId, relationshipType: 'DESCRIBES' }];
  let osId: string | undefined;
  if (report.os) {
    osId = spdxId('OperatingSystem', `${report.os.id}-${report.os.versionId ?? ''}`, used);
    const os: Json = { name: report.os.id, SPDXID: osId, downloadLocation: 'NONE', filesAnalyzed: false, primaryPackagePurpose: 'OPERATING-SYSTEM' };
    if (report.os.versionId) os.versionInfo = report.os.versionId;
    packages.push(os);
    relationships.push({ spdxElementId: rootId, relatedSpdxElement: osId, relationshipType: 'CONTAINS' });
  }
  for (const p of [...report.packages].sort(comparePackages)) {
    const id = spdxId('Package', `${p.purl}\0${p.locations.map((l) => l.path).join('\0')}`, used);
    const lic = declared(p, extracted);
    const sp: Json = {
      name: p.name,
      SPDXID: id,
      versionInfo: p.version,
      downloadLocation: 'NONE',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: lic,
      copyrightText: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
      attributionTexts: attributions(p),
      primaryPackagePurpose: 'LIBRARY',
    };
    // Same wording as Syft and Trivy, so readers of either find the source package.
    if (p.source) sp.sourceInfo = `built package from: ${p.source.name}${p.source.version ? ` ${p.source.version}` : ''}`;
    packages.push(sp);
    const parent = osId && (p.type === 'deb' || p.type === 'apk' || p.type === 'rpm') ? osId : rootId;
    relationships.push({ spdxElementId: parent, relatedSpdxElement: id, relationshipType: 'CONTAINS' });
  }
  const doc: Json = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: report.target.name,
    documentNamespace: `${NAMESPACE_BASE}/${encodeURIComponent(report.target.name)}-${reportUuid(report, 'spdx')}`,
    creationInfo: { creators: ['Organization: Bulwark', `Tool: ${report.tool.name}-${report.tool.version}`], created: report.createdAt.replace(/\.\d+Z$/, 'Z') },
    packages,
    relationships,
  };
  if (extracted.size > 0) {
    doc.hasExtractedLicensingInfos = [...extracted.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([licenseId, name]) => ({ licenseId, name, extractedText: name }));
  }
  return JSON.stringify(doc, null, 2) + '\n';
}

export const spdxJson: ReportWriter = {
  id: 'spdx-json',
  mediaType: 'application/spdx+json',
  extension: 'spdx.json',
  write: renderSpdx,
};
