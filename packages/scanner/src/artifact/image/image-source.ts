import { withLimits } from '@bulwark/core';
import type { Limits } from '@bulwark/core';
import type { ImageFiles } from '../archive/image-files.js';
import { readLayerBlob } from '../layers/layer-reader.js';
import type { ArtifactLayout, ArtifactSource, LayerVisitor } from '../types.js';
import type { ImagePlan } from './plan.js';

/** An image whose blobs can be opened at will (uncompressed archive, OCI layout directory): cached layers are never read. */
export function planSource(name: string, files: ImageFiles, plan: ImagePlan, limits: Limits = withLimits()): ArtifactSource {
  const layout: ArtifactLayout = { layers: plan.layers.map((l) => l.descriptor), image: plan.image, warnings: plan.warnings };
  return {
    kind: 'image',
    name,
    pathStyle: 'absolute',
    layout,
    async read(visitor: LayerVisitor): Promise<ArtifactLayout> {
      const total = plan.layers.reduce((s, l) => s + (l.descriptor.size ?? 0), 0);
      const budget = { used: 0, max: limits.maxTotalBytes };
      let done = 0;
      visitor.onBytes?.(0, total);
      const seen = new Set<string>();
      for (const { descriptor, blobName } of plan.layers) {
        if (seen.has(descriptor.id)) continue;
        seen.add(descriptor.id);
        const handler = visitor.onLayer(descriptor);
        if (!handler) {
          done += descriptor.size ?? 0;
          visitor.onBytes?.(done, total);
          continue;
        }
        await readLayerBlob(files.opener(blobName), handler, {
          file: `${files.label}:${blobName}`,
          maxEntries: limits.maxEntries,
          maxLayerBytes: limits.maxLayerBytes,
          budget,
          onRawBytes: (n) => {
            done += n;
            visitor.onBytes?.(done, total);
          },
        });
        visitor.onLayerEnd?.(descriptor);
      }
      return layout;
    },
    async close() {},
  };
}
