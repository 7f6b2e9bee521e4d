// SBOMs built in the browser from an image's package assets (the API has no SBOM route yet): CycloneDX 1.6 and SPDX 2.3 JSON.

export interface SbomPackage {
  name: string;
  version: string;
  purl: string;
  type?: string;
}

export interface SbomImage {
  name: string;
  imageId?: string;
}

export function cyclonedx(img: SbomImage, pkgs: SbomPackage[], serial: string, now: string): Record<string, unknown> {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${serial}`,
    version: 1,
    metadata: {
      timestamp: now,
      tools: { components: [{ type: 'application', name: 'bulwark-console' }] },
      component: { type: 'container', name: img.name, 'bom-ref': 'image', ...(img.imageId ? { hashes: [{ alg: 'SHA-256', content: img.imageId.replace(/^sha256:/, '') }] } : {}) },
    },
    components: pkgs.map((p) => ({ type: 'library', 'bom-ref': p.purl, name: p.name, version: p.version, purl: p.purl })),
    dependencies: [{ ref: 'image', dependsOn: pkgs.map((p) => p.purl) }],
  };
}

function spdxId(s: string, i: number): string {
  return `SPDXRef-Package-${i}-${s.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 60)}`;
}

export function spdx(img: SbomImage, pkgs: SbomPackage[], serial: string, now: string): Record<string, unknown> {
  const root = 'SPDXRef-Image';
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: img.name,
    documentNamespace: `https://bulwark.local/spdx/${encodeURIComponent(img.name)}-${serial}`,
    creationInfo: { created: now, creators: ['Tool: bulwark-console'] },
    packages: [
      { SPDXID: root, name: img.name, downloadLocation: 'NOASSERTION', primaryPackagePurpose: 'CONTAINER', ...(img.imageId ? { checksums: [{ algorithm: 'SHA256', checksumValue: img.imageId.replace(/^sha256:/, '') }] } : {}) },
      ...pkgs.map((p, i) => ({
        SPDXID: spdxId(p.name, i),
        name: p.name,
        versionInfo: p.version,
        downloadLocation: 'NOASSERTION',
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
      })),
    ],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: root },
      ...pkgs.map((p, i) => ({ spdxElementId: root, relationshipType: 'CONTAINS', relatedSpdxElement: spdxId(p.name, i) })),
    ],
  };
}
