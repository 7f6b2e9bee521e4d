import { createHash } from 'node:crypto';
import { InputError, LimitError, err, ok } from '@bulwark/core';
import type { ImageInfo, Result } from '@bulwark/core';
import { isRecord } from '../../catalogers/types.js';
import { jsonDepth } from '../../catalogers/util.js';

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  kind: 'index';
  mediaType: string;
  manifests: Descriptor[];
}

export interface DockerArchiveEntry {
  config: string;
  repoTags: string[];
  layers: string[];
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  diffIds: string[];
  history: { createdBy?: string; emptyLayer: boolean }[];
  raw: Record<string, unknown>;
}

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(s: unknown): s is string {
  return typeof s === 'string' && DIGEST.test(s);
}

export function sha256Digest(data: Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

/** JSON with size and depth limits; errors name the file. */
export function parseJsonDocument(data: Buffer, file: string, limits: { maxDocumentBytes: number; maxDepth: number }): Result<unknown, InputError> {
  if (data.length > limits.maxDocumentBytes) {
    return err(new LimitError({ file, limit: `maxDocumentBytes=${limits.maxDocumentBytes}`, message: `${data.length} bytes, limit ${limits.maxDocumentBytes}` }));
  }
  const text = data.toString('utf8');
  const depth = jsonDepth(text);
  if (depth > limits.maxDepth) return err(new LimitError({ file, limit: `maxDepth=${limits.maxDepth}`, message: `JSON nested ${depth} deep` }));
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(new InputError({ file, expected: 'valid JSON', message: `not valid JSON: ${(e as Error).message}` }));
  }
}

function bad(file: string, field: string, expected: string): { ok: false; error: InputError } {
  return err(new InputError({ file, field, expected }));
}

function parseDescriptor(v: unknown, file: string, field: string): Result<Descriptor, InputError> {
  if (!isRecord(v)) return bad(file, field, 'an object');
  if (!isDigest(v.digest)) return bad(file, `${field}.digest`, 'a sha256:<hex> digest');
  if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0) return bad(file, `${field}.size`, 'a non-negative integer');
  if (v.mediaType !== undefined && typeof v.mediaType !== 'string') return bad(file, `${field}.mediaType`, 'a string');
  const d: Descriptor = { mediaType: (v.mediaType as string | undefined) ?? '', digest: v.digest, size: v.size };
  if (isRecord(v.platform)) {
    const p = v.platform;
    d.platform = {};
    if (typeof p.os === 'string') d.platform.os = p.os;
    if (typeof p.architecture === 'string') d.platform.architecture = p.architecture;
    if (typeof p.variant === 'string') d.platform.variant = p.variant;
  }
  if (isRecord(v.annotations)) {
    d.annotations = {};
    for (const [k, a] of Object.entries(v.annotations)) if (typeof a === 'string') d.annotations[k] = a;
  }
  return ok(d);
}

/** An OCI/Docker image manifest or image index / manifest list. */
export function parseManifestOrIndex(doc: unknown, file: string): Result<ImageManifest | ImageIndex, InputError> {
  if (!isRecord(doc)) return bad(file, '(root)', 'a JSON object');
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : '';
  if (doc.schemaVersion !== 2) return bad(file, 'schemaVersion', '2');
  if (Array.isArray(doc.manifests) || mediaType === MEDIA.ociIndex || mediaType === MEDIA.dockerList) {
    if (!Array.isArray(doc.manifests)) return bad(file, 'manifests', 'an array');
    const manifests: Descriptor[] = [];
    for (let i = 0; i < doc.manifests.length; i++) {
      const d = parseDescriptor(doc.manifests[i], file, `manifests[${i}]`);
      if (!d.ok) return d;
      manifests.push(d.value);
    }
    return ok({ kind: 'index', mediaType, manifests });
  }
  const config = parseDescriptor(doc.config, file, 'config');
  if (!config.ok) return config;
  if (!Array.isArray(doc.layers)) return bad(file, 'layers', 'an array');
  const layers: Descriptor[] = [];
  for (let i = 0; i < doc.layers.length; i++) {
    const d = parseDescriptor(doc.layers[i], file, `layers[${i}]`);
    if (!d.ok) return d;
    layers.push(d.value);
  }
  return ok({ kind: 'manifest', mediaType, config: config.value, layers });
}

/** docker-archive manifest.json: `[{Config, RepoTags, Layers}]`. */
export function parseDockerArchiveManifest(doc: unknown, file: string): Result<DockerArchiveEntry[], InputError> {
  if (!Array.isArray(doc) || doc.length === 0) return bad(file, '(root)', 'a non-empty array of images');
  const out: DockerArchiveEntry[] = [];
  for (let i = 0; i < doc.length; i++) {
    const e = doc[i] as unknown;
    if (!isRecord(e)) return bad(file, `[${i}]`, 'an object');
    if (typeof e.Config !== 'string' || e.Config.length === 0) return bad(file, `[${i}].Config`, 'a file name');
    if (!Array.isArray(e.Layers) || !e.Layers.every((l) => typeof l === 'string' && l.length > 0)) return bad(file, `[${i}].Layers`, 'an array of file names');
    if (e.RepoTags !== undefined && e.RepoTags !== null && (!Array.isArray(e.RepoTags) || !e.RepoTags.every((t) => typeof t === 'string'))) {
      return bad(file, `[${i}].RepoTags`, 'an array of strings');
    }
    out.push({ config: e.Config, repoTags: (e.RepoTags as string[] | null | undefined) ?? [], layers: e.Layers as string[] });
  }
  return ok(out);
}

/** Image config JSON (OCI image config / Docker container config). */
export function parseImageConfig(doc: unknown, file: string): Result<ImageConfig, InputError> {
  if (!isRecord(doc)) return bad(file, '(root)', 'a JSON object');
  if (!isRecord(doc.rootfs)) return bad(file, 'rootfs', 'an object');
  const ids = doc.rootfs.diff_ids;
  if (!Array.isArray(ids) || !ids.every(isDigest)) return bad(file, 'rootfs.diff_ids', 'an array of sha256:<hex> digests');
  const history: ImageConfig['history'] = [];
  if (doc.history !== undefined && doc.history !== null) {
    if (!Array.isArray(doc.history)) return bad(file, 'history', 'an array');
    for (let i = 0; i < doc.history.length; i++) {
      const h = doc.history[i] as unknown;
      if (!isRecord(h)) return bad(file, `history[${i}]`, 'an object');
      history.push({ createdBy: typeof h.created_by === 'string' ? h.created_by : undefined, emptyLayer: h.empty_layer === true });
    }
  }
  const str = (k: string): string | undefined => (typeof doc[k] === 'string' ? (doc[k] as string) : undefined);
  return ok({ architecture: str('architecture'), os: str('os'), variant: str('variant'), created: str('created'), diffIds: ids as string[], history, raw: doc });
}

/** "linux/arm64/v8" → parts; undefined when malformed. */
export function parsePlatform(p: string): { os: string; architecture: string; variant?: string } | undefined {
  const parts = p.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((x) => x.length === 0)) return undefined;
  return parts.length === 3 ? { os: parts[0], architecture: parts[1], variant: parts[2] } : { os: parts[0], architecture: parts[1] };
}

const NODE_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/**
 * Picks one manifest from an index: the requested platform, else the host's linux platform, else the only
 * image entry. Attestation manifests (platform unknown/unknown) are never picked.
 */
export function selectManifest(index: ImageIndex, file: string, platform?: string, tag?: string): Result<Descriptor, InputError> {
  let candidates = index.manifests.filter((m) => !(m.platform?.os === 'unknown' && m.platform.architecture === 'unknown'));
  if (tag) {
    const named = candidates.filter((m) => {
      const ref = m.annotations?.['org.opencontainers.image.ref.name'] ?? m.annotations?.['io.containerd.image.name'];
      return ref !== undefined && (ref === tag || ref.endsWith(':' + tag));
    });
    if (named.length > 0) candidates = named;
  }
  if (candidates.length === 0) return bad(file, 'manifests', 'at least one image manifest');
  const want = platform ? parsePlatform(platform) : undefined;
  if (platform && !want) return bad(file, 'platform', `os/arch[/variant], got ${JSON.stringify(platform)}`);
  const matches = (m: Descriptor, w: { os: string; architecture: string; variant?: string }): boolean =>
    m.platform?.os === w.os && m.platform.architecture === w.architecture && (w.variant === undefined || m.platform.variant === w.variant);
  if (want) {
    // A nested index without a platform of its own (buildkit's layout) is descended into.
    const hit = candidates.find((m) => matches(m, want)) ?? candidates.find((m) => !m.platform && (m.mediaType === MEDIA.ociIndex || m.mediaType === MEDIA.dockerList));
    if (!hit) {
      const have = candidates.map((m) => [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join('/')).join(', ');
      return err(new InputError({ file, field: 'manifests', message: `no manifest for platform ${platform} (have: ${have || 'none with a platform'})` }));
    }
    return ok(hit);
  }
  if (candidates.length === 1) return ok(candidates[0]);
  const host = { os: 'linux', architecture: NODE_ARCH[process.arch] ?? process.arch };
  return ok(candidates.find((m) => matches(m, host)) ?? candidates.find((m) => !m.platform) ?? candidates[0]);
}

/** Builds ImageInfo: layers paired with diff ids and with the non-empty history entries, in order. */
export function buildImageInfo(opts: {
  config: ImageConfig;
  configDigest: string;
  layers: { digest: string; size?: number }[];
  repoTags: string[];
  reference?: string;
  manifestDigest?: string;
}): ImageInfo {
  const history = opts.config.history.filter((h) => !h.emptyLayer);
  const pairHistory = history.length === opts.layers.length;
  const info: ImageInfo = {
    repoTags: opts.repoTags,
    id: opts.configDigest,
    layers: opts.layers.map((l, index) => {
      const ref: ImageInfo['layers'][number] = { index, digest: l.digest, diffId: opts.config.diffIds[index] };
      if (l.size !== undefined) ref.size = l.size;
      const createdBy = pairHistory ? history[index].createdBy : undefined;
      if (createdBy !== undefined) ref.createdBy = createdBy;
      return ref;
    }),
    config: opts.config.raw,
  };
  const reference = opts.reference ?? opts.repoTags[0];
  if (reference) info.reference = reference;
  if (opts.manifestDigest) info.manifestDigest = opts.manifestDigest;
  if (opts.config.architecture) info.architecture = opts.config.architecture;
  if (opts.config.os) info.os = opts.config.os;
  if (opts.config.created) info.created = opts.config.created;
  return info;
}
