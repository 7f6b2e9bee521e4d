import { InputError } from '@bulwark/core';
import type { ImageInfo, Limits } from '@bulwark/core';
import type { ImageFiles } from '../archive/image-files.js';
import type { LayerDescriptor } from '../types.js';
import {
  buildImageInfo,
  isDigest,
  parseDockerArchiveManifest,
  parseImageConfig,
  parseJsonDocument,
  parseManifestOrIndex,
  selectManifest,
  sha256Digest,
} from './manifest.js';
import type { Descriptor, ImageManifest } from './manifest.js';

/** An image resolved from its archive: metadata plus, bottom to top, where each layer blob is stored. */
export interface ImagePlan {
  image: ImageInfo;
  layers: { descriptor: LayerDescriptor; blobName: string }[];
  warnings: string[];
}

export type PlanLimits = Pick<Limits, 'maxDocumentBytes' | 'maxDepth'>;

const MAX_INDEX_NESTING = 4;

function unwrapOr<T>(r: { ok: true; value: T } | { ok: false; error: InputError }): T {
  if (!r.ok) throw r.error;
  return r.value;
}

async function readJson(files: ImageFiles, name: string, limits: PlanLimits): Promise<{ doc: unknown; raw: Buffer }> {
  const raw = await files.read(name, limits.maxDocumentBytes);
  return { doc: unwrapOr(parseJsonDocument(raw, `${files.label}:${name}`, limits)), raw };
}

export function hexName(name: string): string | undefined {
  const m = /([a-f0-9]{64})(?:\.tar)?$/.exec(name);
  return m ? `sha256:${m[1]}` : undefined;
}

/** docker-archive (`docker save` / `podman save`): manifest.json → config → layer files. Throws InputError. */
export async function planDockerArchive(files: ImageFiles, limits: PlanLimits, tag?: string): Promise<ImagePlan> {
  const warnings: string[] = [];
  const { doc } = await readJson(files, 'manifest.json', limits);
  const entries = unwrapOr(parseDockerArchiveManifest(doc, `${files.label}:manifest.json`));
  let entry = entries[0];
  if (tag) {
    const hit = entries.find((e) => e.repoTags.some((t) => t === tag || t.endsWith(`:${tag}`) || t.endsWith(`/${tag}`)));
    if (!hit) throw new InputError({ file: files.label, field: 'manifest.json RepoTags', message: `no image tagged ${tag}` });
    entry = hit;
  } else if (entries.length > 1) {
    warnings.push(`${files.label} holds ${entries.length} images; scanning the first (${entry.repoTags[0] ?? entry.config}); pick another with a tag`);
  }
  const { doc: cdoc, raw: craw } = await readJson(files, entry.config, limits);
  const config = unwrapOr(parseImageConfig(cdoc, `${files.label}:${entry.config}`));
  if (config.diffIds.length !== entry.layers.length) {
    throw new InputError({
      file: `${files.label}:${entry.config}`,
      field: 'rootfs.diff_ids',
      message: `rootfs.diff_ids has ${config.diffIds.length} entries but manifest.json lists ${entry.layers.length} layers`,
    });
  }
  const layers: ImagePlan['layers'] = [];
  for (let i = 0; i < entry.layers.length; i++) {
    const name = entry.layers[i];
    const size = await files.size(name);
    if (size === undefined) {
      throw new InputError({ file: files.label, field: `manifest.json Layers[${i}]`, message: `manifest names layer ${name}, which is missing from the archive` });
    }
    const descriptor: LayerDescriptor = { id: name, digest: hexName(name) ?? config.diffIds[i], diffId: config.diffIds[i], size };
    layers.push({ descriptor, blobName: name });
  }
  const image = buildImageInfo({
    config,
    configDigest: sha256Digest(craw),
    layers: layers.map((l) => ({ digest: l.descriptor.digest!, size: l.descriptor.size })),
    repoTags: entry.repoTags,
  });
  return { image, layers, warnings };
}

export function blobPath(digest: string): string {
  const i = digest.indexOf(':');
  return `blobs/${digest.slice(0, i)}/${digest.slice(i + 1)}`;
}

/** Follows an index (possibly nested) down to one image manifest. */
export async function resolveManifest(
  fetchDoc: (d: Descriptor) => Promise<unknown>,
  start: unknown,
  label: string,
  opts: { platform?: string; tag?: string },
): Promise<{ manifest: ImageManifest; descriptor?: Descriptor }> {
  let parsed = unwrapOr(parseManifestOrIndex(start, label));
  let descriptor: Descriptor | undefined;
  for (let depth = 0; parsed.kind === 'index'; depth++) {
    if (depth >= MAX_INDEX_NESTING) throw new InputError({ file: label, field: 'manifests', message: `image indexes nested deeper than ${MAX_INDEX_NESTING}` });
    descriptor = unwrapOr(selectManifest(parsed, label, opts.platform, depth === 0 ? opts.tag : undefined));
    parsed = unwrapOr(parseManifestOrIndex(await fetchDoc(descriptor), `${label}:${blobPath(descriptor.digest)}`));
  }
  return { manifest: parsed, descriptor };
}

/** OCI image layout (directory or tar): index.json → [index…] → manifest → config → layer blobs. Throws InputError. */
export async function planOciLayout(files: ImageFiles, limits: PlanLimits, opts: { platform?: string; tag?: string } = {}): Promise<ImagePlan> {
  const warnings: string[] = [];
  const layoutSize = await files.size('oci-layout');
  if (layoutSize === undefined) warnings.push(`${files.label}: no oci-layout file; reading index.json anyway`);
  const { doc: indexDoc } = await readJson(files, 'index.json', limits);
  const fetchDoc = async (d: Descriptor): Promise<unknown> => {
    if (!isDigest(d.digest)) throw new InputError({ file: files.label, field: 'digest', expected: 'a digest' });
    return (await readJson(files, blobPath(d.digest), limits)).doc;
  };
  const { manifest, descriptor } = await resolveManifest(fetchDoc, indexDoc, `${files.label}:index.json`, opts);
  const configName = blobPath(manifest.config.digest);
  const { doc: cdoc } = await readJson(files, configName, limits);
  const config = unwrapOr(parseImageConfig(cdoc, `${files.label}:${configName}`));
  if (config.diffIds.length !== manifest.layers.length) {
    throw new InputError({
      file: `${files.label}:${configName}`,
      field: 'rootfs.diff_ids',
      message: `rootfs.diff_ids has ${config.diffIds.length} entries but the manifest lists ${manifest.layers.length} layers`,
    });
  }
  const layers: ImagePlan['layers'] = [];
  for (let i = 0; i < manifest.layers.length; i++) {
    const l = manifest.layers[i];
    const name = blobPath(l.digest);
    if ((await files.size(name)) === undefined) {
      throw new InputError({ file: files.label, field: `layers[${i}]`, message: `manifest names blob ${l.digest}, which is missing from the layout` });
    }
    layers.push({ descriptor: { id: name, digest: l.digest, diffId: config.diffIds[i], size: l.size, mediaType: l.mediaType }, blobName: name });
  }
  const refName = descriptor?.annotations?.['org.opencontainers.image.ref.name'] ?? descriptor?.annotations?.['io.containerd.image.name'];
  const image = buildImageInfo({
    config,
    configDigest: manifest.config.digest,
    layers: manifest.layers.map((l) => ({ digest: l.digest, size: l.size })),
    repoTags: refName ? [refName] : [],
    manifestDigest: descriptor?.digest,
  });
  return { image, layers, warnings };
}
