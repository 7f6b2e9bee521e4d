import { open } from 'node:fs/promises';
import { InputError, withLimits } from '@bulwark/core';
import { tarFiles } from '../archive/image-files.js';
import { streamingArchiveSource } from '../archive/streaming-archive.js';
import { planSource } from '../image/image-source.js';
import { planDockerArchive } from '../image/plan.js';
import { detectCompression } from '../layers/decompress.js';
import type { ArtifactSource, OpenOptions } from '../types.js';

export async function isCompressedFile(path: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new InputError({ file: path, message: `cannot open: ${(e as Error).message}`, cause: e });
  }
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return detectCompression(head.subarray(0, bytesRead)) !== 'none';
  } finally {
    await fh.close();
  }
}

/**
 * `docker save` / `podman save` output. An uncompressed tar is indexed by its headers and read by byte
 * range; a gzip'd or zstd'd one is streamed once. Throws InputError / LimitError.
 */
export async function openDockerArchive(path: string, opts: OpenOptions = {}): Promise<ArtifactSource> {
  if (await isCompressedFile(path)) return streamingArchiveSource(path, 'docker-archive', opts);
  const limits = withLimits(opts.limits);
  const files = await tarFiles(path, limits);
  const plan = await planDockerArchive(files, limits, opts.tag);
  return planSource(path, files, plan, limits);
}
