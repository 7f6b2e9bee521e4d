import { buildPurl, parsePurl, type CvssScore, type Package, type ScanReport, type Severity, type VulnerabilityFinding } from '@bulwark/core';
import { cmp, comparePackages, isSpdxExpression, isSpdxId, OS_TYPES, reportUuid, type ReportOptions } from './common.js';
import type { ReportWriter } from './types.js';

/** Property names (CycloneDX property taxonomy, our own namespace); sbom/cyclonedx.ts reads them back. */
export const CDX_PROPS = {
  ecosystem: 'bulwark:package:ecosystem',
  type: 'bulwark:package:type',
  foundBy: 'bulwark:package:foundBy',
  sourceName: 'bulwark:package:sourceName',
  sourceVersion: 'bulwark:package:sourceVersion',
  filePath: 'bulwark:location:path',
  layerIndex: 'bulwark:location:layerIndex',
  layerDigest: 'bulwark:location:layerDigest',
  layerDiffId: 'bulwark:location:layerDiffId',
  layerCreatedBy: 'bulwark:location:layerCreatedBy',
} as const;

type Json = Record<string, unknown>;
type Property = { name: string; value: string };

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function method(c: CvssScore): string {
  switch (c.version) {
    case '2.0':
      return 'CVSSv2';
    case '3.0':
      return 'CVSSv3';
    case '3.1':
      return 'CVSSv31';
    case '4.0':
      return 'CVSSv4';
  }
}

function cdxSeverity(s: Severity, score?: number): string {
  if (s === 'negligible') return score === 0 ? 'none' : 'info';
  return s;
}

function licenses(p: Package): Json[] | undefined {
  if (p.licenses.length === 0) return undefined;
  if (p.licenses.length === 1 && isSpdxExpression(p.licenses[0]) && !isSpdxId(p.licenses[0]) && !p.licenses[0].startsWith('LicenseRef-')) {
    return [{ expression: p.licenses[0] }];
  }
  return p.licenses.map((l) => ({ license: isSpdxId(l) ? { id: l } : { name: l } }));
}

function packageProperties(p: Package): Property[] {
  const props: Property[] = [
    { name: CDX_PROPS.ecosystem, value: p.ecosystem },
    { name: CDX_PROPS.type, value: p.type },
    { name: CDX_PROPS.foundBy, value: p.foundBy },
  ];
  if (p.source) {
    props.push({ name: CDX_PROPS.sourceName, value: p.source.name });
    if (p.source.version) props.push({ name: CDX_PROPS.sourceVersion, value: p.source.version });
  }
  // A location starts at its path property; its layer properties follow it (several locations stay paired).
  for (const loc of p.locations) {
    props.push({ name: CDX_PROPS.filePath, value: loc.path });
    if (loc.layer) {
      props.push({ name: CDX_PROPS.layerIndex, value: String(loc.layer.index) });
      props.push({ name: CDX_PROPS.layerDigest, value: loc.layer.digest });
      if (loc.layer.diffId) props.push({ name: CDX_PROPS.layerDiffId, value: loc.layer.diffId });
      if (loc.layer.createdBy) props.push({ name: CDX_PROPS.layerCreatedBy, value: loc.layer.createdBy });
    }
  }
  return props;
}

/** bom-refs are the purl; a purl seen again (same package at another path) gets a file_path qualifier, as Trivy does. */
function assignRefs(packages: Package[]): Map<Package, string> {
  const refs = new Map<Package, string>();
  const used = new Set<string>();
  for (const p of packages) {
    let ref = p.purl;
    if (used.has(ref)) {
      const parts = parsePurl(p.purl);
      const path = p.locations[0]?.path ?? '';
      ref = parts ? buildPurl({ ...parts, qualifiers: { ...(parts.qualifiers ?? {}), file_path: path } }) : `${p.purl}#${path}`;
      for (let n = 2; used.has(ref); n++) ref = `${p.purl}#${n}`;
    }
    used.add(ref);
    refs.set(p, ref);
  }
  return refs;
}

function component(p: Package, ref: string): Json {
  const parts = parsePurl(p.purl);
  const c: Json = { 'bom-ref': ref, type: 'library' };
  if (parts?.namespace && (p.type === 'maven' || p.type === 'npm' || p.type === 'composer' || p.type === 'golang')) c.group = parts.namespace;
  c.name = p.name;
  c.version = p.version;
  const l = licenses(p);
  if (l) c.licenses = l;
  c.purl = p.purl;
  c.properties = packageProperties(p);
  return c;
}

function targetComponent(report: ScanReport): Json {
  const t = report.target;
  const c: Json = { 'bom-ref': `bulwark:target:${t.name}`, type: t.kind === 'image' ? 'container' : t.kind === 'sbom' ? 'file' : 'application', name: t.name };
  const props: Property[] = [{ name: 'bulwark:target:kind', value: t.kind }];
  if (t.image) {
    if (t.image.id) props.push({ name: 'bulwark:image:id', value: t.image.id });
    if (t.image.manifestDigest) props.push({ name: 'bulwark:image:manifestDigest', value: t.image.manifestDigest });
    for (const tag of t.image.repoTags) props.push({ name: 'bulwark:image:repoTag', value: tag });
    for (const l of t.image.layers) if (l.diffId) props.push({ name: 'bulwark:image:diffId', value: l.diffId });
  }
  c.properties = props;
  return c;
}

function analysis(f: VulnerabilityFinding): Json | undefined {
  const s = f.suppressed;
  if (!s) return undefined;
  if (s.by === 'ignore-file') return { detail: `ignored by ${s.source ?? 'ignore file'}${s.reason ? `: ${s.reason}` : ''}` };
  const a: Json = {};
  const state = VEX_STATE[s.status ?? ''];
  if (state) a.state = state;
  const just = VEX_JUSTIFICATION[s.justification ?? ''];
  if (just) a.justification = just;
  const detail = [s.source ? `VEX ${s.source}` : 'VEX', s.reason].filter(Boolean).join(': ');
  a.detail = detail;
  return a;
}

// OpenVEX status/justification → CycloneDX analysis (CISA "VEX Status Justifications" crosswalk).
const VEX_STATE: Record<string, string> = { not_affected: 'not_affected', fixed: 'resolved', under_investigation: 'in_triage', affected: 'exploitable' };
const VEX_JUSTIFICATION: Record<string, string> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'requires_environment',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};

function sourceOf(id: string, f: VulnerabilityFinding): string {
  const ds = f.dataSources.find((d) => d.id === id);
  if (ds) return ds.source;
  if (id.startsWith('CVE-')) return 'nvd';
  if (id.startsWith('GHSA-')) return 'ghsa';
  return id.split('-')[0].toLowerCase();
}

function ratings(f: VulnerabilityFinding): Json[] {
  const out: Json[] = f.cvss.map((c) => ({ source: { name: c.source }, score: c.baseScore, severity: cdxSeverity(c.severity, c.baseScore), method: method(c), vector: c.vector }));
  if (!f.severitySource.startsWith('cvss:')) out.push({ source: { name: f.severitySource }, severity: cdxSeverity(f.severity), method: 'other' });
  return out;
}

function vulnerability(f: VulnerabilityFinding, affects: { ref: string; f: VulnerabilityFinding }[], bomRef: string): Json {
  const v: Json = { 'bom-ref': bomRef, id: f.id };
  const src = f.dataSources[0];
  v.source = src ? { name: src.source } : { name: sourceOf(f.id, f) };
  if (f.aliases.length > 0) v.references = f.aliases.map((a) => ({ id: a, source: { name: sourceOf(a, f) } }));
  v.ratings = ratings(f);
  if (f.title) v.description = f.title;
  if (f.description) v.detail = f.description;
  const fixes = [...new Set(affects.flatMap((a) => a.f.fixedVersions.length > 0 ? [`Upgrade ${a.f.package.name} to ${a.f.fixedVersions[0]}`] : []))];
  if (fixes.length > 0) v.recommendation = fixes.join('; ');
  if (f.references.length > 0) v.advisories = f.references.map((url) => ({ url }));
  if (f.published && DATE_TIME.test(f.published)) v.published = f.published;
  if (f.modified && DATE_TIME.test(f.modified)) v.updated = f.modified;
  const a = analysis(f);
  if (a) v.analysis = a;
  v.affects = affects.map((x) => ({ ref: x.ref, versions: [{ version: x.f.package.version, status: x.f.matchStatus === 'affected' ? 'affected' : 'unknown' }] }));
  const props: Property[] = [];
  if (f.kev) props.push({ name: 'bulwark:kev:dateAdded', value: f.kev.dateAdded });
  if (f.epss) props.push({ name: 'bulwark:epss:score', value: String(f.epss.score) }, { name: 'bulwark:epss:percentile', value: String(f.epss.percentile) });
  if (props.length > 0) v.properties = props;
  return v;
}

function suppressionKey(f: VulnerabilityFinding): string {
  const s = f.suppressed;
  return s ? JSON.stringify([s.by, s.status, s.justification, s.reason, s.source]) : '';
}

/**
 * CycloneDX 1.6 JSON: the target as metadata.component, packages as components (bom-ref = purl), one vulnerability
 * per id (and suppression state) with ratings, affects and, for suppressed ones, an analysis.
 */
export function renderCycloneDx(report: ScanReport, _opts: ReportOptions = {}): string {
  const packages = [...report.packages].sort(comparePackages);
  const refs = assignRefs(packages);
  const byPurl = new Map<string, string>();
  for (const [p, r] of refs) if (!byPurl.has(p.purl)) byPurl.set(p.purl, r);
  const root = targetComponent(report);
  const rootRef = root['bom-ref'] as string;
  const components: Json[] = [];
  const dependencies: Json[] = [];
  let osRef: string | undefined;
  if (report.os) {
    osRef = `bulwark:os:${report.os.id}${report.os.versionId ? `-${report.os.versionId}` : ''}`;
    const os: Json = { 'bom-ref': osRef, type: 'operating-system', name: report.os.id };
    if (report.os.versionId) os.version = report.os.versionId;
    components.push(os);
  }
  for (const p of packages) components.push(component(p, refs.get(p) as string));
  const osDeps = osRef ? packages.filter((p) => OS_TYPES.has(p.type)).map((p) => refs.get(p) as string) : [];
  const rootDeps = [...(osRef ? [osRef] : []), ...packages.filter((p) => !osRef || !OS_TYPES.has(p.type)).map((p) => refs.get(p) as string)];
  dependencies.push({ ref: rootRef, dependsOn: rootDeps });
  if (osRef) dependencies.push({ ref: osRef, dependsOn: osDeps });
  for (const p of packages) {
    const deps = p.metadata?.dependsOn;
    if (!Array.isArray(deps)) continue;
    const on = [...new Set(deps.filter((d): d is string => typeof d === 'string').map((d) => byPurl.get(d)).filter((d): d is string => d !== undefined))].sort();
    dependencies.push({ ref: refs.get(p), dependsOn: on });
  }
  const refOfFinding = (f: VulnerabilityFinding): string => byPurl.get(f.package.purl) ?? f.package.purl;
  const groups = new Map<string, { f: VulnerabilityFinding; ref: string }[]>();
  for (const f of report.vulnerabilities) {
    const key = `${f.id}\0${suppressionKey(f)}`;
    const g = groups.get(key) ?? [];
    g.push({ f, ref: refOfFinding(f) });
    groups.set(key, g);
  }
  const vulnerabilities: Json[] = [];
  const usedRefs = new Set<string>();
  for (const key of [...groups.keys()].sort(cmp)) {
    const g = (groups.get(key) ?? []).sort((a, b) => cmp(a.ref, b.ref));
    let bomRef = g[0].f.id;
    for (let n = 2; usedRefs.has(bomRef); n++) bomRef = `${g[0].f.id}#${n}`;
    usedRefs.add(bomRef);
    vulnerabilities.push(vulnerability(g[0].f, g, bomRef));
  }
  const bom: Json = {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${reportUuid(report, 'cyclonedx')}`,
    version: 1,
    metadata: {
      timestamp: report.createdAt,
      tools: { components: [{ type: 'application', name: report.tool.name, version: report.tool.version }] },
      component: root,
    },
    components,
    dependencies,
    vulnerabilities,
  };
  return JSON.stringify(bom, null, 2) + '\n';
}

export const cyclonedx: ReportWriter = {
  id: 'cyclonedx',
  mediaType: 'application/vnd.cyclonedx+json',
  extension: 'cdx.json',
  write: renderCycloneDx,
};

