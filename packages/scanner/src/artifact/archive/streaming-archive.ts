import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InputError, LimitError, isBulwarkError, withLimits } from '@bulwark/core';
import type { Limits } from '@bulwark/core';
import { TarParser } from '../tar/tar-parser.js';
import type { ByteSink } from '../tar/tar-parser.js';
import { decompressingSink, pumpBlob } from '../layers/decompress.js';
import { hardLinkSink, layerSink, normaliseEntryPath, readLayerBlob } from '../layers/layer-reader.js';
import type { LayerReadOptions } from '../layers/layer-reader.js';
import { hexName, planDockerArchive, planOciLayout } from '../image/plan.js';
import type { ImagePlan } from '../image/plan.js';
import type { ArtifactLayout, ArtifactSource, EntryHandler, LayerDescriptor, LayerEntry, LayerVisitor } from '../types.js';
import type { ImageFiles } from './image-files.js';

/** Entries up to this size are kept in memory (manifests, configs, tiny layers); bigger ones are layers. */
const SMALL = 1024 * 1024;

export type ArchiveFormat = 'docker-archive' | 'oci-layout' | 'auto';

/**
 * A compressed image archive (`docker save | gzip`, the lab's lab-app.tar.gz) read in one pass: the
 * manifest usually comes last, so every big entry is streamed straight into the layer reader as a
 * candidate layer (identified by the digest in its name, which is what the cache keys on), small entries
 * are kept, and the plan is made at the end from the kept manifest and config.
 */
export function streamingArchiveSource(path: string, format: ArchiveFormat, opts: { limits?: Partial<Limits>; platform?: string; tag?: string } = {}): ArtifactSource {
  const limits = withLimits(opts.limits);
  return {
    kind: 'image',
    name: path,
    pathStyle: 'absolute',
    async read(visitor: LayerVisitor): Promise<ArtifactLayout> {
      const small = new Map<string, Buffer>();
      const links = new Map<string, string>();
      const big = new Map<string, number>();
      const finished = new Set<string>();
      const skipped = new Set<string>();
      const failed = new Map<string, Error>();
      const relink = new Map<string, { links: LayerEntry[]; handler: EntryHandler; desc: LayerDescriptor }>();
      const budget = { used: 0, max: limits.maxTotalBytes };
      const readOpts = (name: string): LayerReadOptions => ({ file: `${path}:${name}`, maxEntries: limits.maxEntries, maxLayerBytes: limits.maxLayerBytes, budget });
      const outer = new TarParser({
        file: path,
        maxEntries: limits.maxEntries,
        onHeader(h) {
          const name = normaliseEntryPath(h.name).slice(1);
          if (h.type === 'symlink') {
            const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
            links.set(name, normaliseEntryPath(h.linkName.startsWith('/') ? h.linkName : `${dir}/${h.linkName}`).slice(1));
            return undefined;
          }
          if (h.type === 'hardlink') {
            links.set(name, normaliseEntryPath(h.linkName).slice(1));
            return undefined;
          }
          if (h.type !== 'file') return undefined;
          if (h.size <= SMALL) return { buffer: (d) => void small.set(name, d) };
          big.set(name, h.size);
          const desc: LayerDescriptor = { id: name, size: h.size };
          const digest = hexName(name);
          if (digest) desc.digest = digest;
          const handler = visitor.onLayer(desc);
          if (!handler) {
            skipped.add(name);
            return undefined;
          }
          const ls = layerSink(handler, readOpts(name));
          const inner = decompressingSink(ls, `${path}:${name}`);
          let broken = false;
          const fail = (e: unknown): void => {
            if (e instanceof LimitError || !isBulwarkError(e)) throw e;
            broken = true;
            failed.set(name, e);
          };
          const sink: ByteSink = {
            write(c) {
              if (broken) return;
              try {
                inner.write(c);
              } catch (e) {
                fail(e);
              }
            },
            end() {
              if (broken) return;
              try {
                inner.end();
              } catch (e) {
                fail(e);
                return;
              }
              if (ls.pendingLinks.length > 0) relink.set(name, { links: ls.pendingLinks, handler, desc });
              else {
                finished.add(name);
                visitor.onLayerEnd?.(desc);
              }
            },
          };
          return { sink };
        },
      });
      const total = (await stat(path)).size;
      let done = 0;
      await pumpBlob(createReadStream(path, { highWaterMark: 1024 * 1024 }), outer, {
        file: path,
        onRawBytes: (n) => {
          done += n;
          visitor.onBytes?.(done, total);
        },
      });
      if (relink.size > 0) {
        // Hard links whose targets were not kept: one more pass over the archive for just those layers.
        const second = new TarParser({
          file: path,
          maxEntries: limits.maxEntries,
          onHeader(h) {
            const r = relink.get(normaliseEntryPath(h.name).slice(1));
            if (!r || h.type !== 'file') return undefined;
            return { sink: decompressingSink(hardLinkSink(r.links, r.handler, readOpts(r.desc.id)), `${path}:${r.desc.id}`) };
          },
        });
        await pumpBlob(createReadStream(path, { highWaterMark: 1024 * 1024 }), second, { file: path });
        for (const [name, r] of relink) {
          finished.add(name);
          visitor.onLayerEnd?.(r.desc);
        }
      }
      const resolve = (name: string): string => {
        let cur = normaliseEntryPath(name).slice(1);
        for (let hop = 0; hop < limits.maxSymlinkHops && links.has(cur); hop++) cur = links.get(cur)!;
        return cur;
      };
      const files: ImageFiles = {
        label: path,
        size: async (name) => {
          const r = resolve(name);
          return small.get(r)?.length ?? big.get(r);
        },
        async read(name, max) {
          const f = small.get(resolve(name));
          if (!f) throw new InputError({ file: path, field: name, message: `${name}: not found in the archive` });
          if (f.length > max) throw new LimitError({ file: path, field: name, limit: `maxDocumentBytes=${max}` });
          return f;
        },
        opener(name) {
          return async () => {
            const f = small.get(resolve(name));
            if (!f) throw new InputError({ file: path, field: name, message: `${name}: not found in the archive` });
            return (async function* () {
              yield f;
            })();
          };
        },
      };
      let plan: ImagePlan;
      const kind = format !== 'auto' ? format : small.has('manifest.json') ? 'docker-archive' : small.has('index.json') ? 'oci-layout' : undefined;
      if (kind === 'docker-archive') plan = await planDockerArchive(files, limits, opts.tag);
      else if (kind === 'oci-layout') plan = await planOciLayout(files, limits, opts);
      else throw new InputError({ file: path, field: 'manifest.json', message: 'neither manifest.json (docker-archive) nor index.json (OCI layout) found in the archive' });
      const layers: LayerDescriptor[] = [];
      for (const l of plan.layers) {
        const real = resolve(l.blobName);
        const desc: LayerDescriptor = { ...l.descriptor, id: real };
        layers.push(desc);
        if (finished.has(real) || skipped.has(real)) continue;
        const failure = failed.get(real);
        if (failure) throw failure;
        if (!small.has(real)) throw new InputError({ file: path, field: l.blobName, message: `layer ${l.blobName} could not be read` });
        const handler = visitor.onLayer(desc);
        if (handler) {
          await readLayerBlob(files.opener(real), handler, readOpts(real));
          visitor.onLayerEnd?.(desc);
        }
        finished.add(real);
      }
      return { layers, image: plan.image, warnings: plan.warnings };
    },
    async close() {},
  };
}
