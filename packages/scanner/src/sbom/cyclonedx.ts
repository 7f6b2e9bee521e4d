import { LimitError, type Distro, type InputError, type PackageLocation, type Result } from '@bulwark/core';
import { CDX_PROPS } from '../report/cyclonedx.js';
import { locationsFromFacts, readSbomJson, type Fields, type LocationFact } from './json.js';
import { packageFromPurl } from './purl-package.js';
import type { SbomLimits, SbomResult } from './types.js';

const SPEC_VERSIONS = new Set(['1.2', '1.3', '1.4', '1.5', '1.6']);

type Props = { name: string; value: string }[];

function properties(f: Fields, c: Record<string, unknown>, at: string): Props {
  return f.optArray(c, 'properties', at).flatMap((p, i) => {
    const o = f.object(p, `${at}.properties[${i}]`);
    const name = f.optString(o, 'name', `${at}.properties[${i}]`);
    const value = f.optString(o, 'value', `${at}.properties[${i}]`);
    return name !== undefined && value !== undefined ? [{ name, value }] : [];
  });
}

function prop(props: Props, name: string): string | undefined {
  return props.find((p) => p.name === name)?.value;
}

function licenses(f: Fields, c: Record<string, unknown>, at: string): string[] {
  return f.optArray(c, 'licenses', at).flatMap((l, i) => {
    const o = f.object(l, `${at}.licenses[${i}]`);
    const expr = f.optString(o, 'expression', `${at}.licenses[${i}]`);
    if (expr) return [expr];
    if (o.license === undefined) return [];
    const lic = f.object(o.license, `${at}.licenses[${i}].license`);
    const v = f.optString(lic, 'id', `${at}.licenses[${i}].license`) ?? f.optString(lic, 'name', `${at}.licenses[${i}].license`);
    return v ? [v] : [];
  });
}

const LOCATION_PROPS: Record<string, LocationFact> = {
  [CDX_PROPS.filePath]: 'path',
  [CDX_PROPS.layerIndex]: 'layerIndex',
  [CDX_PROPS.layerDigest]: 'layerDigest',
  [CDX_PROPS.layerDiffId]: 'layerDiffId',
  [CDX_PROPS.layerCreatedBy]: 'layerCreatedBy',
};

/** Our properties first (several locations, each followed by its layer); Trivy's FilePath/LayerDiffID otherwise. */
function locations(props: Props, file: string, diffIds: string[], appPath: string | undefined): PackageLocation[] {
  const out = locationsFromFacts(props.flatMap((p) => (Object.hasOwn(LOCATION_PROPS, p.name) ? [[LOCATION_PROPS[p.name], p.value] as const] : [])));
  if (out.length > 0) return out;
  const path = prop(props, 'aquasecurity:trivy:FilePath') ?? appPath ?? file;
  const diffId = prop(props, 'aquasecurity:trivy:LayerDiffID');
  // A docker-archive layer's digest is its diff id; the index comes from the image's DiffID list.
  const index = diffId ? diffIds.indexOf(diffId) : -1;
  return [diffId && index >= 0 ? { path, layer: { index, digest: diffId, diffId } } : { path }];
}

function trivySource(props: Props): { name: string; version?: string } | undefined {
  const name = prop(props, 'aquasecurity:trivy:SrcName');
  if (!name) return undefined;
  const v = prop(props, 'aquasecurity:trivy:SrcVersion');
  const rel = prop(props, 'aquasecurity:trivy:SrcRelease');
  const epoch = prop(props, 'aquasecurity:trivy:SrcEpoch');
  if (!v) return { name };
  return { name, version: `${epoch && epoch !== '0' ? `${epoch}:` : ''}${v}${rel ? `-${rel}` : ''}` };
}

/** Reads a CycloneDX 1.2–1.6 JSON BOM (nested components included) into packages; purl-less components are skipped. */
export function readCycloneDx(content: Buffer | string, file: string, limitOverrides?: Partial<SbomLimits>): Result<SbomResult, InputError> {
  return readSbomJson(content, file, limitOverrides, (doc, f, limits) => {
    if (doc.bomFormat !== 'CycloneDX') throw f.fail('bomFormat', '"CycloneDX"');
    const spec = doc.specVersion;
    if (typeof spec !== 'string' || !SPEC_VERSIONS.has(spec)) throw f.fail('specVersion', 'one of 1.2–1.6');
    const warnings: string[] = [];
    const meta = doc.metadata === undefined ? {} : f.object(doc.metadata, 'metadata');
    const root = meta.component === undefined ? undefined : f.object(meta.component, 'metadata.component');
    const rootProps = root ? properties(f, root, 'metadata.component') : [];
    const diffIds = [
      ...rootProps.filter((p) => p.name === 'aquasecurity:trivy:DiffID').flatMap((p) => p.value.split(',')),
      ...rootProps.filter((p) => p.name === 'bulwark:image:diffId').map((p) => p.value),
    ];
    // Collect components depth-first (nested `components`), with their field paths for errors.
    const all: [Record<string, unknown>, string][] = [];
    const walk = (list: unknown[], at: string): void => {
      list.forEach((c, i) => {
        const here = `${at}[${i}]`;
        const o = f.object(c, here);
        all.push([o, here]);
        if (all.length > limits.maxPackages) throw new LimitError({ file, limit: `maxPackages=${limits.maxPackages}`, field: here });
        walk(f.optArray(o, 'components', here), `${here}.components`);
      });
    };
    if (root) walk(f.optArray(root, 'components', 'metadata.component'), 'metadata.component.components');
    walk(f.optArray(doc, 'components', '$'), 'components');
    let os: Distro | undefined;
    for (const [c, at] of all) {
      if (c.type === 'operating-system') {
        const id = f.optString(c, 'name', at);
        const version = f.optString(c, 'version', at);
        if (id) os = version ? { id, versionId: version } : { id };
      }
    }
    // Trivy hangs lockfile packages under an application component named by the lockfile path.
    const apps = new Map(all.filter(([c]) => c.type === 'application' && typeof c['bom-ref'] === 'string' && typeof c.name === 'string').map(([c]) => [c['bom-ref'] as string, c.name as string]));
    const appPath = new Map<string, string>();
    f.optArray(doc, 'dependencies', '$').forEach((d, i) => {
      const o = f.object(d, `dependencies[${i}]`);
      const app = typeof o.ref === 'string' ? apps.get(o.ref) : undefined;
      if (!app) return;
      for (const child of f.optArray(o, 'dependsOn', `dependencies[${i}]`)) if (typeof child === 'string' && !appPath.has(child)) appPath.set(child, app);
    });
    const packages = [];
    for (const [c, at] of all) {
      const name = f.optString(c, 'name', at);
      if (name === undefined) throw f.fail(`${at}.name`, 'a string');
      const purl = f.optString(c, 'purl', at);
      const type = f.optString(c, 'type', at);
      if (!purl) {
        if (type === 'library' || type === 'framework') warnings.push(`${at} (${name}): no purl, skipped`);
        continue;
      }
      const props = properties(f, c, at);
      const srcName = prop(props, CDX_PROPS.sourceName);
      const srcVersion = prop(props, CDX_PROPS.sourceVersion);
      const source = srcName ? (srcVersion ? { name: srcName, version: srcVersion } : { name: srcName }) : trivySource(props);
      const pkg = packageFromPurl({
        purl,
        version: f.optString(c, 'version', at),
        licenses: licenses(f, c, at),
        locations: locations(props, file, diffIds, typeof c['bom-ref'] === 'string' ? appPath.get(c['bom-ref']) : undefined),
        foundBy: prop(props, CDX_PROPS.foundBy) ?? 'sbom/cyclonedx',
        ...(source ? { source } : {}),
        ...(prop(props, CDX_PROPS.ecosystem) ? { ecosystem: prop(props, CDX_PROPS.ecosystem) } : {}),
        ...(os ? { os } : {}),
      });
      if (!pkg) {
        warnings.push(`${at}.purl: not a valid purl: ${purl.slice(0, 200)}`);
        continue;
      }
      packages.push(pkg);
    }
    const result: SbomResult = { format: 'cyclonedx', specVersion: spec, packages, warnings };
    const subject = root && typeof root.name === 'string' ? root.name : undefined;
    if (subject) result.subject = subject;
    if (os) result.os = os;
    return result;
  });
}
