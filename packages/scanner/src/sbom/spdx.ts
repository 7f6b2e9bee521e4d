import { LimitError, type Distro, type InputError, type PackageLocation, type Result } from '@bulwark/core';
import { SPDX_ATTR } from '../report/spdx.js';
import { locationsFromFacts, readSbomJson, type LocationFact } from './json.js';
import { packageFromPurl } from './purl-package.js';
import type { SbomLimits, SbomResult } from './types.js';

const VERSIONS = new Set(['SPDX-2.2', 'SPDX-2.3']);

/** Splits an expression at top-level AND (our writer joins a package's licenses that way) and drops outer parentheses. */
export function splitAnd(expr: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && expr.startsWith(' AND ', i)) {
      parts.push(expr.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  parts.push(expr.slice(start));
  return parts.map((p) => stripParens(p.trim())).filter((p) => p.length > 0);
}

function stripParens(s: string): string {
  if (!s.startsWith('(') || !s.endsWith(')')) return s;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0 && i < s.length - 1) return s;
  }
  return s.slice(1, -1).trim();
}

function attr(texts: string[], prefix: string): string | undefined {
  return texts.find((t) => t.startsWith(prefix))?.slice(prefix.length);
}

const LOCATION_ATTRS: [string, LocationFact][] = [
  [SPDX_ATTR.path, 'path'],
  [SPDX_ATTR.layerIndex, 'layerIndex'],
  [SPDX_ATTR.layerDigest, 'layerDigest'],
  [SPDX_ATTR.layerDiffId, 'layerDiffId'],
  [SPDX_ATTR.layerCreatedBy, 'layerCreatedBy'],
];

function locations(texts: string[], file: string): PackageLocation[] {
  const out = locationsFromFacts(
    texts.flatMap((t) => {
      const hit = LOCATION_ATTRS.find(([prefix]) => t.startsWith(prefix));
      return hit ? [[hit[1], t.slice(hit[0].length)] as const] : [];
    }),
  );
  if (out.length > 0) return out;
  // Trivy writes "LayerDiffID:" without a path or index: keep the document as the location.
  return [{ path: file }];
}

/** "built package from: glibc 2.36-9+deb12u14" (Syft, Trivy and our writer). */
function sourceInfo(s: string | undefined): { name: string; version?: string } | undefined {
  const m = s ? /^built package from:\s*(\S+)(?:\s+(\S+))?\s*$/.exec(s) : null;
  if (!m) return undefined;
  return m[2] ? { name: m[1], version: m[2] } : { name: m[1] };
}

/** Reads an SPDX 2.2/2.3 JSON document: packages with a purl external reference become packages. */
export function readSpdx(content: Buffer | string, file: string, limitOverrides?: Partial<SbomLimits>): Result<SbomResult, InputError> {
  return readSbomJson(content, file, limitOverrides, (doc, f, limits) => {
    const version = doc.spdxVersion;
    if (typeof version !== 'string' || !VERSIONS.has(version)) throw f.fail('spdxVersion', '"SPDX-2.2" or "SPDX-2.3"');
    const list = f.optArray(doc, 'packages', '$');
    if (list.length > limits.maxPackages) throw new LimitError({ file, limit: `maxPackages=${limits.maxPackages}`, field: 'packages' });
    const extracted = new Map<string, string>();
    f.optArray(doc, 'hasExtractedLicensingInfos', '$').forEach((x, i) => {
      const o = f.object(x, `hasExtractedLicensingInfos[${i}]`);
      const id = f.optString(o, 'licenseId', `hasExtractedLicensingInfos[${i}]`);
      const name = f.optString(o, 'name', `hasExtractedLicensingInfos[${i}]`);
      if (id && name) extracted.set(id, name);
    });
    const warnings: string[] = [];
    const items = list.map((p, i) => [f.object(p, `packages[${i}]`), `packages[${i}]`] as const);
    let os: Distro | undefined;
    for (const [p, at] of items) {
      if (p.primaryPackagePurpose === 'OPERATING-SYSTEM') {
        const id = f.optString(p, 'name', at);
        const v = f.optString(p, 'versionInfo', at);
        if (id) os = v ? { id, versionId: v } : { id };
      }
    }
    const packages = [];
    for (const [p, at] of items) {
      const name = f.optString(p, 'name', at);
      if (name === undefined) throw f.fail(`${at}.name`, 'a string');
      let purl: string | undefined;
      f.optArray(p, 'externalRefs', at).forEach((r, j) => {
        const o = f.object(r, `${at}.externalRefs[${j}]`);
        const type = f.optString(o, 'referenceType', `${at}.externalRefs[${j}]`);
        const loc = f.optString(o, 'referenceLocator', `${at}.externalRefs[${j}]`);
        if (type === 'purl' && loc && purl === undefined) purl = loc;
      });
      if (!purl) continue;
      const texts = f.optArray(p, 'attributionTexts', at).filter((t): t is string => typeof t === 'string');
      const declared = f.optString(p, 'licenseDeclared', at);
      const concluded = f.optString(p, 'licenseConcluded', at);
      const expr = [declared, concluded].find((l) => l && l !== 'NOASSERTION' && l !== 'NONE');
      const src = sourceInfo(f.optString(p, 'sourceInfo', at));
      const eco = attr(texts, SPDX_ATTR.ecosystem);
      const pkg = packageFromPurl({
        purl,
        version: f.optString(p, 'versionInfo', at),
        licenses: expr ? splitAnd(expr).map((l) => extracted.get(l) ?? l) : [],
        locations: locations(texts, file),
        foundBy: attr(texts, SPDX_ATTR.foundBy) ?? 'sbom/spdx',
        ...(src ? { source: src } : {}),
        ...(eco ? { ecosystem: eco } : {}),
        ...(os ? { os } : {}),
      });
      if (!pkg) {
        warnings.push(`${at}.externalRefs: not a valid purl: ${purl.slice(0, 200)}`);
        continue;
      }
      packages.push(pkg);
    }
    const result: SbomResult = { format: 'spdx', specVersion: version, packages, warnings };
    if (typeof doc.name === 'string') result.subject = doc.name;
    if (os) result.os = os;
    return result;
  });
}
