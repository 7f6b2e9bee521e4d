import type { Distro, FileError, Package } from '@bulwark/core';
import type { LicenseHint } from '../../catalogers/types.js';

/** What one cataloger found in one file of one layer. */
export interface FileResult {
  /** Path as catalogers saw it (absolute for images and rootfs, relative for `scan fs`). */
  path: string;
  cataloger: string;
  packages: Package[];
  os?: Distro;
  licenseHints?: LicenseHint[];
}

/**
 * Everything the merge needs from one layer, independent of the image it sits in (so it can be cached by
 * the layer's digest): catalog results plus the layer's own changes to the tree. Paths are absolute here.
 */
export interface LayerCatalog {
  /** Non-directory entries: files, hard links, symlinks. */
  files: string[];
  dirs: string[];
  /** Symlink path → target as stored. */
  symlinks: Record<string, string>;
  /** Paths deleted from lower layers (`.wh.<name>`). */
  whiteouts: string[];
  /** Directories whose lower-layer content is hidden (`.wh..wh..opq`). */
  opaque: string[];
  results: FileResult[];
  fileErrors: FileError[];
}

export function emptyLayerCatalog(): LayerCatalog {
  return { files: [], dirs: [], symlinks: {}, whiteouts: [], opaque: [], results: [], fileErrors: [] };
}

/** Minimal shape check for catalogs read back from the cache (a corrupt entry is ignored, not trusted). */
export function isLayerCatalog(v: unknown): v is LayerCatalog {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  const strings = (x: unknown): boolean => Array.isArray(x) && x.every((s) => typeof s === 'string');
  return (
    strings(c.files) &&
    strings(c.dirs) &&
    strings(c.whiteouts) &&
    strings(c.opaque) &&
    typeof c.symlinks === 'object' &&
    c.symlinks !== null &&
    Array.isArray(c.results) &&
    c.results.every((r) => typeof r === 'object' && r !== null && typeof (r as FileResult).path === 'string' && Array.isArray((r as FileResult).packages)) &&
    Array.isArray(c.fileErrors)
  );
}
