import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

/** One entry of a test layer; tar-stream writes the headers exactly as GNU/POSIX tar does. */
export interface TestEntry {
  path: string;
  content?: string | Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  target?: string;
  mode?: number;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Builds an uncompressed tar in memory. */
export async function tarOf(entries: TestEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? (e.content === undefined ? 'directory' : 'file');
    const body = type === 'file' ? Buffer.from(e.content ?? '') : undefined;
    await new Promise<void>((resolve, reject) => {
      const header = { name: e.path, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), linkname: e.target, size: body?.length ?? 0, mtime: new Date(0) };
      const cb = (err?: unknown) => (err ? reject(err as Error) : resolve());
      if (body) p.entry(header, body, cb);
      else p.entry(header, cb);
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export interface TestImage {
  /** Layer tars (or gzip'd/zstd'd tars) bottom to top. */
  layers: Buffer[];
  /** Uncompressed tars, for diff ids (defaults to `layers`). */
  diffTars?: Buffer[];
  repoTags?: string[];
  createdBy?: string[];
  /** Replace the config or manifest JSON (hostile tests). */
  config?: unknown;
  manifest?: unknown;
  /** Leave a layer file out (manifest names a missing blob). */
  omitLayer?: number;
}

function imageConfig(img: TestImage): unknown {
  const diffs = (img.diffTars ?? img.layers).map((t) => `sha256:${sha256(t)}`);
  const history = (img.createdBy ?? img.layers.map((_, i) => `layer ${i}`)).flatMap((c) => [
    { created: '2026-01-01T00:00:00Z', created_by: c },
    { created: '2026-01-01T00:00:00Z', created_by: '/bin/sh -c #(nop) ENV X=1', empty_layer: true },
  ]);
  return img.config ?? { architecture: 'amd64', os: 'linux', created: '2026-01-01T00:00:00Z', config: { Env: ['PATH=/usr/bin'] }, rootfs: { type: 'layers', diff_ids: diffs }, history };
}

/** A docker-archive laid out as `podman save` writes it: <sha>.tar layers, <sha>.json config, manifest.json. */
export async function dockerArchive(img: TestImage): Promise<Buffer> {
  const config = Buffer.from(JSON.stringify(imageConfig(img)));
  const configName = `${sha256(config)}.json`;
  const names = img.layers.map((l) => `${sha256(l)}.tar`);
  const entries: TestEntry[] = [];
  img.layers.forEach((l, i) => {
    if (i !== img.omitLayer) entries.push({ path: names[i], content: l });
  });
  entries.push({ path: configName, content: config });
  entries.push({ path: 'manifest.json', content: JSON.stringify(img.manifest ?? [{ Config: configName, RepoTags: img.repoTags ?? ['localhost/test:1'], Layers: names }]) });
  return tarOf(entries);
}

/** An OCI image layout (as a file map) with an index that may list several platforms. */
export function ociLayout(images: { img: TestImage; platform?: { os: string; architecture: string; variant?: string }; mediaType?: string }[], refName = 'test:1'): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const blob = (data: Buffer): string => {
    const d = sha256(data);
    files.set(`blobs/sha256/${d}`, data);
    return `sha256:${d}`;
  };
  const manifests = images.map(({ img, platform, mediaType }) => {
    const config = Buffer.from(JSON.stringify(imageConfig(img)));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: blob(config), size: config.length },
        layers: img.layers.map((l) => ({ mediaType: mediaType ?? 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blob(l), size: l.length })),
      }),
    );
    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: blob(manifest), size: manifest.length, ...(platform ? { platform } : {}) };
  });
  // Multi-platform images are an index in a blob, named from the top-level index.json (as buildkit writes them).
  let top: unknown[];
  if (manifests.length > 1) {
    const nested = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
    top = [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: blob(nested), size: nested.length, annotations: { 'org.opencontainers.image.ref.name': refName } }];
  } else {
    top = [{ ...manifests[0], annotations: { 'org.opencontainers.image.ref.name': refName } }];
  }
  files.set('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: top })));
  return files;
}

export async function writeDir(dir: string, files: Map<string, Buffer>): Promise<void> {
  for (const [name, data] of files) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), data);
  }
}

export async function tarOfFiles(files: Map<string, Buffer>): Promise<Buffer> {
  return tarOf([...files].map(([path, content]) => ({ path, content })));
}

export function gz(data: Buffer): Buffer {
  return gzipSync(data, { level: 1 });
}

/** Seeded byte mutations and truncations of a document. */
export function mutate(base: Buffer, rand: () => number): Buffer {
  let data = Buffer.from(base);
  if (rand() < 0.3) data = data.subarray(0, Math.floor(rand() * data.length));
  const flips = 1 + Math.floor(rand() * 6);
  for (let f = 0; f < flips && data.length > 0; f++) {
    const at = Math.floor(rand() * data.length);
    const r = rand();
    // Structural characters make the JSON parse but change its shape, which is what the validators must catch.
    data[at] = r < 0.5 ? '{}[]",:0an'.charCodeAt(Math.floor(rand() * 10)) : Math.floor(rand() * 256);
  }
  return data;
}
