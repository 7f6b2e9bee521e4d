import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '@bulwark/core';
import type { Cataloger } from '../../catalogers/types.js';
import { isLayerCatalog } from '../runner/layer-catalog.js';
import type { LayerCatalog } from '../runner/layer-catalog.js';

/** Bump when the LayerCatalog shape or how it is produced changes. */
const SCHEMA = 1;

export function defaultLayerCacheDir(): string {
  return join(cacheDir(), 'layers');
}

/**
 * Cache key of one layer's catalog: the layer's content digest (diffId, else blob digest), every
 * cataloger's id and version, and the settings that change what is recorded.
 */
export function layerCacheKey(layerDigest: string, catalogers: readonly Cataloger[], settings: { maxFileBytes: number; relative: boolean }): string {
  const ids = catalogers.map((c) => `${c.id}@${c.version}:${c.maxBytes}`).sort();
  return createHash('sha256')
    .update(JSON.stringify({ schema: SCHEMA, layer: layerDigest, catalogers: ids, ...settings }))
    .digest('hex');
}

/** Per-layer catalogs as JSON files named by key. A missing, unreadable or corrupt entry reads as a miss. */
export class LayerCache {
  constructor(readonly dir: string) {}

  /** Synchronous: sources ask whether to skip a layer from inside a synchronous stream callback. */
  get(key: string): LayerCatalog | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.dir, `${key}.json`), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const doc = JSON.parse(text) as { key?: unknown; catalog?: unknown };
      if (doc.key !== key || !isLayerCatalog(doc.catalog)) return undefined;
      return doc.catalog;
    } catch {
      return undefined;
    }
  }

  /** Atomic write (temp file + rename) so a concurrent reader never sees half a file. */
  async put(key: string, catalog: LayerCatalog): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.${key}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(tmp, JSON.stringify({ key, catalog }));
    await rename(tmp, join(this.dir, `${key}.json`));
  }
}
