import { streamingArchiveSource } from './archive/streaming-archive.js';
import { detectImageInput } from './detect.js';
import { openDockerArchive } from './docker-archive/docker-archive.js';
import { openOciLayout } from './oci-layout/oci-layout.js';
import type { ArtifactSource, OpenOptions } from './types.js';

/** Opens an image file or directory of any supported kind (what `scan image --input PATH` takes). */
export async function openImageInput(path: string, opts: OpenOptions = {}): Promise<ArtifactSource> {
  const kind = await detectImageInput(path);
  if (kind === 'docker-archive') return openDockerArchive(path, opts);
  if (kind === 'compressed-archive') return streamingArchiveSource(path, 'auto', opts);
  return openOciLayout(path, opts);
}
