import { PackageURL } from 'packageurl-js';

// packageurl-js: the purl spec's encoding rules (namespace/name escaping, qualifier ordering) are fiddly;
// the reference implementation keeps us byte-compatible with Trivy/Syft purls.

export interface PurlParts {
  type: string;
  namespace?: string | undefined;
  name: string;
  version?: string | undefined;
  qualifiers?: Record<string, string> | undefined;
  subpath?: string | undefined;
}

export function buildPurl(p: PurlParts): string {
  const q = p.qualifiers && Object.keys(p.qualifiers).length > 0 ? p.qualifiers : undefined;
  return new PackageURL(p.type, p.namespace ?? undefined, p.name, p.version ?? undefined, q, p.subpath ?? undefined).toString();
}

export function parsePurl(purl: string): PurlParts | undefined {
  try {
    const p = PackageURL.fromString(purl);
    return {
      type: p.type,
      namespace: p.namespace ?? undefined,
      name: p.name,
      version: p.version ?? undefined,
      qualifiers: (p.qualifiers as Record<string, string> | undefined) ?? undefined,
      subpath: p.subpath ?? undefined,
    };
  } catch {
    return undefined;
  }
}
