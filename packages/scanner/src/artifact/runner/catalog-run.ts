import { describeError, withLimits } from '@bulwark/core';
import type { Distro, FileError, ImageInfo, LayerRef, Limits, Package } from '@bulwark/core';
import type { CatalogContext, Cataloger } from '../../catalogers/types.js';
import { LayerCache, defaultLayerCacheDir, layerCacheKey } from '../cache/layer-cache.js';
import type { ArtifactSource, EntryHandler, LayerDescriptor, LayerEntry, LayerVisitor } from '../types.js';
import { applyDistro } from './distro.js';
import { emptyLayerCatalog } from './layer-catalog.js';
import type { LayerCatalog } from './layer-catalog.js';
import { mergeLayers } from './merge.js';

export interface CatalogProgress {
  phase: 'layers' | 'merge' | 'done';
  /** 1-based number of the layer being read (layers are counted as they start). */
  layer: number;
  /** Layer count, when the source knows it up front. */
  layers: number | undefined;
  /** Stored (possibly compressed) bytes read so far. */
  bytes: number;
  totalBytes: number | undefined;
}

export interface CatalogRunOptions {
  limits?: Partial<Limits>;
  /** Per-layer catalog cache for images (default on). */
  cache?: boolean;
  /** Default `cacheDir()/layers`. */
  cacheDir?: string;
  onProgress?: (p: CatalogProgress) => void;
}

export interface CatalogRunStats {
  /** Layers streamed and catalogued in this run. */
  layersRead: number;
  /** Layers whose catalog came from the cache (their bytes were not read). */
  layersCached: number;
  /** Stored bytes read. */
  bytes: number;
}

export interface CatalogRunResult {
  /** Final view: packages whose file survives to the top layer, OS release applied. */
  packages: Package[];
  os?: Distro;
  image?: ImageInfo;
  fileErrors: FileError[];
  warnings: string[];
  stats: CatalogRunStats;
}

/** ImageInfo layers carry a size; package locations take the plain LayerRef. */
function toRef(l: LayerRef & { size?: number }): LayerRef {
  const { size: _size, ...ref } = l;
  return ref;
}

function entryHandler(catalog: LayerCatalog, catalogers: readonly Cataloger[], limits: Limits, relative: boolean, ref: LayerRef | undefined): EntryHandler {
  const wanted = new Map<LayerEntry, Cataloger[]>();
  const resultPaths = new Set<string>();
  const ctx: CatalogContext = { maxFileBytes: limits.maxFileBytes };
  const show = (p: string): string => (relative ? p.slice(1) : p);
  return {
    onEntry(e) {
      switch (e.type) {
        case 'whiteout':
          catalog.whiteouts.push(e.path);
          return false;
        case 'opaque':
          catalog.opaque.push(e.path);
          return false;
        case 'dir':
          catalog.dirs.push(e.path);
          return false;
        case 'symlink':
          catalog.files.push(e.path);
          catalog.symlinks[e.path] = e.linkTarget ?? '';
          return false;
        default:
          break;
      }
      catalog.files.push(e.path);
      const shown = show(e.path);
      if (resultPaths.has(shown)) {
        // The same path twice in one layer: the later entry wins.
        catalog.results = catalog.results.filter((r) => r.path !== shown);
        resultPaths.delete(shown);
      }
      const info = { size: e.size, mode: e.mode };
      let want: Cataloger[] | undefined;
      for (const c of catalogers) {
        let hit: boolean;
        try {
          hit = c.matches(shown, info);
        } catch (err) {
          catalog.fileErrors.push({ path: shown, error: `${c.id}: matches failed: ${describeError(err)}` });
          continue;
        }
        if (!hit) continue;
        const max = Math.min(c.maxBytes, limits.maxFileBytes);
        if (e.size > max) {
          catalog.fileErrors.push({ path: shown, error: `${c.id}: ${e.size} bytes is over its ${max}-byte limit; not read` });
          continue;
        }
        (want ??= []).push(c);
      }
      if (!want) return false;
      wanted.set(e, want);
      return true;
    },
    onContent(e, content) {
      const list = wanted.get(e);
      if (!list) return;
      wanted.delete(e);
      const shown = show(e.path);
      for (const c of list) {
        let r;
        try {
          r = c.catalog({ path: shown, content, mode: e.mode, size: content.length, ...(ref ? { layer: ref } : {}) }, ctx);
        } catch (err) {
          catalog.fileErrors.push({ path: shown, error: `${c.id}: ${describeError(err)}` });
          continue;
        }
        if (!r.ok) {
          catalog.fileErrors.push({ path: shown, error: r.error.message });
          continue;
        }
        const v = r.value;
        if (v.packages.length === 0 && !v.os && !(v.licenseHints && v.licenseHints.length > 0)) continue;
        const result: LayerCatalog['results'][number] = { path: shown, cataloger: c.id, packages: v.packages };
        if (v.os) result.os = v.os;
        if (v.licenseHints && v.licenseHints.length > 0) result.licenseHints = v.licenseHints;
        catalog.results.push(result);
        resultPaths.add(shown);
      }
    },
    onFileError(path, error) {
      catalog.fileErrors.push({ path: show(path), error });
    },
  };
}

/**
 * Catalogs an artifact: streams each layer once (or takes its catalog from the per-layer cache), hands
 * the files catalogers want to them, then builds the final view (see mergeLayers) and applies the OS
 * release to OS packages. Throws InputError / LimitError / ExternalError when the artifact itself is bad.
 */
export async function catalogArtifact(source: ArtifactSource, catalogers: readonly Cataloger[], opts: CatalogRunOptions = {}): Promise<CatalogRunResult> {
  const limits = withLimits(opts.limits);
  const relative = source.pathStyle === 'relative';
  const cache = opts.cache === false || source.kind !== 'image' ? undefined : new LayerCache(opts.cacheDir ?? defaultLayerCacheDir());
  const byId = new Map<string, LayerCatalog>();
  const pending = new Map<string, { catalog: LayerCatalog; key: string | undefined }>();
  const stats: CatalogRunStats = { layersRead: 0, layersCached: 0, bytes: 0 };
  const known = source.layout;
  let layerNo = 0;
  let totalBytes: number | undefined;
  const progress = (phase: CatalogProgress['phase']): void =>
    opts.onProgress?.({ phase, layer: layerNo, layers: known?.layers.length, bytes: stats.bytes, totalBytes });
  const refFor = (d: LayerDescriptor): LayerRef | undefined => {
    if (source.kind !== 'image') return undefined;
    const idx = known ? known.layers.findIndex((l) => l.id === d.id) : -1;
    const fromImage = idx >= 0 ? known?.image?.layers[idx] : undefined;
    if (fromImage) return toRef(fromImage);
    const ref: LayerRef = { index: idx, digest: d.digest ?? d.id };
    if (d.diffId) ref.diffId = d.diffId;
    return ref;
  };
  const visitor: LayerVisitor = {
    onLayer(d) {
      layerNo++;
      const digest = d.diffId ?? d.digest;
      const key = cache && digest ? layerCacheKey(digest, catalogers, { maxFileBytes: limits.maxFileBytes, relative }) : undefined;
      if (key && cache) {
        const hit = cache.get(key);
        if (hit) {
          byId.set(d.id, hit);
          stats.layersCached++;
          progress('layers');
          return undefined;
        }
      }
      const catalog = emptyLayerCatalog();
      pending.set(d.id, { catalog, key });
      progress('layers');
      return entryHandler(catalog, catalogers, limits, relative, refFor(d));
    },
    onLayerEnd(d) {
      const p = pending.get(d.id);
      if (!p) return;
      pending.delete(d.id);
      byId.set(d.id, p.catalog);
      stats.layersRead++;
      if (p.key && cache) {
        writes.push(cache.put(p.key, p.catalog).catch((e: unknown) => void warnings.push(`layer cache: could not write ${cache.dir}: ${describeError(e)}`)));
      }
    },
    onBytes(done, total) {
      stats.bytes = done;
      totalBytes = total;
      progress('layers');
    },
  };
  const warnings: string[] = [];
  const writes: Promise<void>[] = [];
  const layout = await source.read(visitor);
  await Promise.all(writes);
  progress('merge');
  const catalogs = layout.layers.map((d) => {
    const c = byId.get(d.id);
    if (!c) throw new Error(`internal: layer ${d.id} was not read`);
    return c;
  });
  const refs = layout.layers.map((d, i) => {
    const fromImage = layout.image?.layers[i];
    if (fromImage) return toRef(fromImage);
    return source.kind === 'image' ? refFor(d) : undefined;
  });
  const merged = mergeLayers({ layers: catalogs, refs, relativePaths: relative, maxSymlinkHops: limits.maxSymlinkHops });
  const os = merged.os;
  const result: CatalogRunResult = {
    packages: os ? merged.packages.map((p) => applyDistro(p, os)) : merged.packages,
    fileErrors: merged.fileErrors,
    warnings: [...layout.warnings, ...merged.warnings, ...warnings],
    stats,
  };
  if (os) result.os = os;
  if (layout.image) result.image = layout.image;
  progress('done');
  return result;
}
