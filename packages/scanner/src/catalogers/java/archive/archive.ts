import { unzipSync } from 'fflate';
import { InputError, LimitError, err, ok } from '@bulwark/core';
import type { LayerRef, Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger } from '../../types.js';
import { baseName, makePackage } from '../../util.js';

const ID = 'java/archive';
const MiB = 1024 * 1024;
const ARCHIVE_EXT = /\.(jar|war|ear|jpi|hpi|par|sar|kar|rar)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;

export interface JavaArchiveLimits {
  /** Deepest nesting of archives (jar in war in ear...): deeper is refused as a LimitError. */
  maxDepth: number;
  /** Total bytes inflated for one top-level file, nested archives included. */
  maxInflatedBytes: number;
  /** Largest MANIFEST.MF or pom.properties read. */
  maxMetadataBytes: number;
  /** Most central-directory entries in one archive. */
  maxEntries: number;
}

export const DEFAULT_JAVA_LIMITS: Readonly<JavaArchiveLimits> = Object.freeze({
  maxDepth: 4,
  maxInflatedBytes: 1024 * MiB,
  maxMetadataBytes: 1 * MiB,
  maxEntries: 500_000,
});

interface Ctx {
  file: string;
  layer: LayerRef | undefined;
  limits: JavaArchiveLimits;
  inflated: number;
  packages: Package[];
}

/** Reads a jar/war/ear and every archive nested in it; LimitError on bombs (depth, inflated size, entry count). */
export function catalogJavaArchive(content: Buffer, file: string, layer?: LayerRef, limits: Partial<JavaArchiveLimits> = {}): Result<CatalogResult, InputError> {
  const ctx: Ctx = { file, layer, limits: { ...DEFAULT_JAVA_LIMITS, ...limits }, inflated: 0, packages: [] };
  try {
    scan(ctx, content, file, baseName(file), 0);
  } catch (e) {
    if (e instanceof InputError) return err(e);
    return err(new InputError({ file, expected: 'a zip archive', message: `unreadable archive: ${(e as Error).message}`, cause: e }));
  }
  return ok({ packages: ctx.packages });
}

function scan(ctx: Ctx, data: Uint8Array, virtualPath: string, fileName: string, depth: number): void {
  const { limits } = ctx;
  // A central directory entry takes at least 46 bytes: a larger count is a lie that would make fflate loop.
  const maxEntries = Math.min(limits.maxEntries, Math.floor(data.length / 46) + 1);
  let entries = 0;
  const files = unzipSync(data, {
    filter(f) {
      if (++entries > maxEntries) {
        if (entries > limits.maxEntries) throw new LimitError({ file: ctx.file, field: virtualPath, limit: `maxEntries=${limits.maxEntries}` });
        throw new InputError({ file: ctx.file, field: virtualPath, expected: 'a central directory whose entry count fits the archive' });
      }
      const name = f.name;
      const meta = name.toUpperCase() === 'META-INF/MANIFEST.MF' || POM_PROPERTIES.test(name);
      const nested = !meta && ARCHIVE_EXT.test(name) && !name.endsWith('/');
      if (!meta && !nested) return false;
      if (meta && f.originalSize > limits.maxMetadataBytes) {
        throw new LimitError({ file: ctx.file, field: `${virtualPath}!/${name}`, limit: `maxMetadataBytes=${limits.maxMetadataBytes}` });
      }
      if (nested && depth + 1 > limits.maxDepth) {
        throw new LimitError({ file: ctx.file, field: `${virtualPath}!/${name}`, limit: `maxArchiveDepth=${limits.maxDepth}` });
      }
      ctx.inflated += f.originalSize;
      if (ctx.inflated > limits.maxInflatedBytes) {
        throw new LimitError({ file: ctx.file, field: `${virtualPath}!/${name}`, limit: `maxInflatedBytes=${limits.maxInflatedBytes}` });
      }
      return true;
    },
  });

  const names = Object.keys(files).sort();
  const manifestName = names.find((n) => n.toUpperCase() === 'META-INF/MANIFEST.MF');
  const poms = names.filter((n) => POM_PROPERTIES.test(n));
  const seen = new Set<string>();
  for (const n of poms) {
    const props = parseProperties(Buffer.from(files[n]).toString('utf8'));
    const g = props.get('groupId');
    const a = props.get('artifactId');
    const v = props.get('version');
    if (!g || !a || !v || seen.has(`${g}:${a}:${v}`)) continue;
    seen.add(`${g}:${a}:${v}`);
    ctx.packages.push(mavenPackage(ctx, g, a, v, { virtualPath, source: 'pom.properties', pomProperties: n }));
  }
  if (poms.length === 0) {
    const manifest = manifestName ? parseManifest(Buffer.from(files[manifestName]).toString('utf8')) : new Map<string, string>();
    const id = identityFromManifest(manifest, fileName);
    if (id) ctx.packages.push(mavenPackage(ctx, id.group, id.artifact, id.version, { virtualPath, source: id.source }));
  }
  for (const n of names) {
    if (n === manifestName || POM_PROPERTIES.test(n)) continue;
    scan(ctx, files[n], `${virtualPath}!/${n}`, baseName(n), depth + 1);
  }
}

function mavenPackage(ctx: Ctx, group: string | undefined, artifact: string, version: string, meta: Record<string, unknown>): Package {
  const metadata: Record<string, unknown> = { ...meta, artifactId: artifact };
  if (group) metadata.groupId = group;
  return makePackage({
    name: group ? `${group}:${artifact}` : artifact,
    version,
    type: 'maven',
    ecosystem: 'Maven',
    foundBy: ID,
    path: ctx.file,
    layer: ctx.layer,
    // The maven purl type requires a namespace; without a known group the coordinates are not Maven's.
    purl: group ? { namespace: group, name: artifact } : { type: 'generic', name: artifact },
    metadata,
  });
}

/** "commons-lang3-3.12.0.jar" → commons-lang3 + 3.12.0; versions start with a digit after the last name part. */
export function parseArchiveFileName(fileName: string): { artifact: string; version?: string } {
  const stem = fileName.replace(ARCHIVE_EXT, '');
  const m = /^(.+?)-(\d[\w.+-]*)$/.exec(stem);
  return m ? { artifact: m[1], version: m[2] } : { artifact: stem };
}

function identityFromManifest(
  mf: Map<string, string>,
  fileName: string,
): { group?: string; artifact: string; version: string; source: string } | undefined {
  const fromName = parseArchiveFileName(fileName);
  const bsn = mf.get('Bundle-SymbolicName')?.split(';')[0].trim();
  const artifact = fromName.artifact || mf.get('Implementation-Title') || bsn;
  const version = mf.get('Implementation-Version') ?? fromName.version ?? mf.get('Bundle-Version') ?? mf.get('Specification-Version');
  if (!artifact || !version) return undefined;
  let group = mf.get('Implementation-Vendor-Id');
  // "com.fasterxml.jackson.core.jackson-databind": only when the last segment is the artifact is the rest a group.
  if (!group && bsn && bsn.endsWith(`.${artifact}`)) group = bsn.slice(0, -artifact.length - 1);
  const source = mf.has('Implementation-Version') || mf.has('Bundle-Version') ? 'manifest' : 'filename';
  return { group, artifact, version, source };
}

/** MANIFEST.MF main section: "Name: value" lines, continuation lines start with one space. */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let key: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (out.size > 0) break; // end of the main section
      continue;
    }
    if (line.startsWith(' ') && key) {
      out.set(key, out.get(key)! + line.slice(1));
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    key = line.slice(0, i).trim();
    out.set(key, line.slice(i + 1).trim());
  }
  for (const [k, v] of out) out.set(k, v.trim());
  return out;
}

/** java.util.Properties subset pom.properties uses: `key=value` or `key: value`, `#`/`!` comments. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out.set(m[1], m[2].trim());
  }
  return out;
}

export const javaArchive: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: 512 * MiB,
  matches(path) {
    return /\.(jar|war|ear|jpi|hpi)$/i.test(path);
  },
  catalog(file) {
    return catalogJavaArchive(file.content, file.path, file.layer);
  },
};
