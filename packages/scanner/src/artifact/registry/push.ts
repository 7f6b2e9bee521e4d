import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { ExternalError, withLimits } from '@bulwark/core';
import { tarFiles } from '../archive/image-files.js';
import { planDockerArchive } from '../image/plan.js';
import { MEDIA } from '../image/manifest.js';
import type { Credentials } from './client.js';
import { parseImageReference } from './reference.js';

export interface PushOptions {
  credentials?: Credentials;
  /** gzip layers before upload (held in memory: for small images); default: upload the tars as stored. */
  gzip?: boolean;
}

/**
 * Pushes an uncompressed docker-archive to a registry with monolithic blob uploads (POST, then PUT with
 * the digest) and a Docker schema 2 manifest PUT. Test and demo helper: plain http, Basic auth only.
 * Returns the manifest digest.
 */
export async function pushDockerArchive(archive: string, reference: string, opts: PushOptions = {}): Promise<string> {
  const parsed = parseImageReference(reference);
  if (!parsed.ok) throw parsed.error;
  const ref = parsed.value;
  const base = `http://${ref.registry}/v2/${ref.repository}`;
  const auth: Record<string, string> = opts.credentials
    ? { authorization: 'Basic ' + Buffer.from(`${opts.credentials.username}:${opts.credentials.password}`).toString('base64') }
    : {};
  const fail = (what: string, res: Response, body: string) =>
    new ExternalError({ source: `registry ${ref.registry}`, message: `${what}: HTTP ${res.status} ${body.slice(0, 200)}` });
  const limits = withLimits();
  const files = await tarFiles(archive, limits);
  const plan = await planDockerArchive(files, limits);

  async function upload(digest: string, size: number, body: () => Promise<AsyncIterable<Uint8Array>>): Promise<void> {
    const head = await fetch(`${base}/blobs/${digest}`, { method: 'HEAD', headers: auth });
    if (head.ok) return;
    const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers: auth });
    if (start.status !== 202) throw fail('start upload', start, await start.text());
    const location = new URL(start.headers.get('location') ?? '', base + '/');
    location.searchParams.set('digest', digest);
    const stream = Readable.from(await body());
    const put = await fetch(location, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: Readable.toWeb(stream),
      duplex: 'half',
    } as unknown as RequestInit);
    if (put.status !== 201) throw fail(`upload ${digest}`, put, await put.text());
  }

  async function hashOf(open: () => Promise<AsyncIterable<Uint8Array>>): Promise<{ digest: string; size: number }> {
    const h = createHash('sha256');
    let size = 0;
    for await (const c of await open()) {
      h.update(c);
      size += c.length;
    }
    return { digest: `sha256:${h.digest('hex')}`, size };
  }

  const layers: { mediaType: string; digest: string; size: number }[] = [];
  for (const l of plan.layers) {
    const open = files.opener(l.blobName);
    if (opts.gzip) {
      const chunks: Buffer[] = [];
      for await (const c of await open()) chunks.push(Buffer.from(c));
      const gz = gzipSync(Buffer.concat(chunks), { level: 1 });
      const digest = `sha256:${createHash('sha256').update(gz).digest('hex')}`;
      await upload(digest, gz.length, async () => (async function* () { yield gz; })());
      layers.push({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest, size: gz.length });
    } else {
      // podman/docker name stored layers by their digest; the registry re-checks it on upload anyway.
      const named = l.descriptor.digest && l.blobName.includes(l.descriptor.digest.slice(7)) ? { digest: l.descriptor.digest, size: l.descriptor.size ?? 0 } : undefined;
      const { digest, size } = named ?? (await hashOf(open));
      await upload(digest, size, open);
      layers.push({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest, size });
    }
  }
  const config = Buffer.from(JSON.stringify(plan.image.config));
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  await upload(configDigest, config.length, async () => (async function* () { yield config; })());
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.dockerManifest,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: configDigest, size: config.length },
      layers,
    }),
  );
  const put = await fetch(`${base}/manifests/${ref.tag ?? 'latest'}`, { method: 'PUT', headers: { ...auth, 'content-type': MEDIA.dockerManifest }, body: manifest });
  if (put.status !== 201) throw fail('put manifest', put, await put.text());
  return `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
}
