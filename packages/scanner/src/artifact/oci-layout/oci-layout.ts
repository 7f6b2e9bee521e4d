import { stat } from 'node:fs/promises';
import { InputError, withLimits } from '@bulwark/core';
import { directoryFiles, tarFiles } from '../archive/image-files.js';
import { streamingArchiveSource } from '../archive/streaming-archive.js';
import { isCompressedFile } from '../docker-archive/docker-archive.js';
import { planSource } from '../image/image-source.js';
import { planOciLayout } from '../image/plan.js';
import type { ArtifactSource, OpenOptions } from '../types.js';

/** An OCI image layout: a directory, a tar of one, or a compressed tar of one. Throws InputError / LimitError. */
export async function openOciLayout(path: string, opts: OpenOptions = {}): Promise<ArtifactSource> {
  const limits = withLimits(opts.limits);
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (e) {
    throw new InputError({ file: path, message: `cannot open: ${(e as Error).message}`, cause: e });
  }
  if (!isDir && (await isCompressedFile(path))) return streamingArchiveSource(path, 'oci-layout', opts);
  const files = isDir ? directoryFiles(path) : await tarFiles(path, limits);
  const plan = await planOciLayout(files, limits, opts);
  return planSource(path, files, plan, limits);
}
