import { ExternalError, InputError, withLimits } from '@bulwark/core';
import type { ImageFiles } from '../archive/image-files.js';
import { planSource } from '../image/image-source.js';
import { MEDIA, buildImageInfo, parseImageConfig, parseJsonDocument, sha256Digest } from '../image/manifest.js';
import type { Descriptor } from '../image/manifest.js';
import { resolveManifest } from '../image/plan.js';
import type { ImagePlan } from '../image/plan.js';
import type { ArtifactSource, OpenOptions } from '../types.js';
import { RegistryClient } from './client.js';
import type { RegistryClientOptions } from './client.js';
import { formatReference, parseImageReference } from './reference.js';

export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(', ');

const LAYER_TYPES = /^application\/vnd\.(oci\.image\.layer\.v1\.tar(\+gzip|\+zstd)?|docker\.image\.rootfs\.diff\.tar(\.gzip)?)$/;

export type RegistryOptions = OpenOptions & RegistryClientOptions;

/**
 * An image in a registry (OCI distribution API): manifest (index → platform), config, then layer blobs
 * streamed on demand and verified by digest. Cached layers are never downloaded. Throws InputError for a bad
 * reference or document, ExternalError naming the host for network and registry failures.
 */
export async function openRegistryImage(reference: string, opts: RegistryOptions = {}): Promise<ArtifactSource> {
  const parsed = parseImageReference(reference);
  if (!parsed.ok) throw parsed.error;
  const ref = parsed.value;
  const limits = withLimits(opts.limits);
  const client = new RegistryClient(ref, opts);
  const label = formatReference(ref);
  const fetchManifest = async (target: string): Promise<{ doc: unknown; digest: string }> => {
    const res = await client.get(`manifests/${target}`, MANIFEST_ACCEPT);
    const body = await client.readSmall(res, limits.maxDocumentBytes);
    const digest = sha256Digest(body);
    if (target.startsWith('sha256:') && digest !== target) {
      throw new ExternalError({ source: `registry ${ref.registry}`, message: `manifest digest mismatch: asked for ${target}, got ${digest}` });
    }
    const doc = parseJsonDocument(body, `${label} manifest`, limits);
    if (!doc.ok) throw doc.error;
    return { doc: doc.value, digest };
  };
  const top = await fetchManifest(ref.digest ?? ref.tag ?? 'latest');
  const { manifest, descriptor } = await resolveManifest(async (d: Descriptor) => (await fetchManifest(d.digest)).doc, top.doc, label, opts);
  for (const [i, l] of manifest.layers.entries()) {
    if (l.mediaType && !LAYER_TYPES.test(l.mediaType)) {
      throw new InputError({ file: label, field: `layers[${i}].mediaType`, message: `unsupported layer media type ${l.mediaType}` });
    }
  }
  const configBlob = Buffer.concat(await collect(client.blobStream(manifest.config.digest), limits.maxDocumentBytes, label));
  const cdoc = parseJsonDocument(configBlob, `${label} config`, limits);
  if (!cdoc.ok) throw cdoc.error;
  const config = parseImageConfig(cdoc.value, `${label} config`);
  if (!config.ok) throw config.error;
  if (config.value.diffIds.length !== manifest.layers.length) {
    throw new InputError({ file: `${label} config`, field: 'rootfs.diff_ids', message: `has ${config.value.diffIds.length} entries but the manifest lists ${manifest.layers.length} layers` });
  }
  const plan: ImagePlan = {
    image: buildImageInfo({
      config: config.value,
      configDigest: manifest.config.digest,
      layers: manifest.layers.map((l) => ({ digest: l.digest, size: l.size })),
      repoTags: ref.tag ? [`${ref.registry}/${ref.repository}:${ref.tag}`] : [],
      reference,
      manifestDigest: descriptor?.digest ?? top.digest,
    }),
    layers: manifest.layers.map((l, i) => ({
      descriptor: { id: l.digest, digest: l.digest, diffId: config.value.diffIds[i], size: l.size, mediaType: l.mediaType },
      blobName: l.digest,
    })),
    warnings: [],
  };
  const files: ImageFiles = {
    label,
    size: async () => undefined,
    read: async (digest, max) => Buffer.concat(await collect(client.blobStream(digest), max, label)),
    opener: (digest) => async () => client.blobStream(digest),
  };
  return planSource(reference, files, plan, limits);
}

async function collect(stream: AsyncIterable<Uint8Array>, max: number, label: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let total = 0;
  for await (const c of stream) {
    total += c.length;
    if (total > max) throw new InputError({ file: label, message: `document over ${max} bytes` });
    out.push(Buffer.from(c));
  }
  return out;
}
