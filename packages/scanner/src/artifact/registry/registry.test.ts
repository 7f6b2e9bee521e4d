import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { ExternalError, InputError } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { testCatalogers } from '../test-support/catalogers.js';
import { dockerArchive, tarOf } from '../test-support/image-builder.js';
import { catalogArtifact } from '../runner/catalog-run.js';
import { openDockerArchive } from '../docker-archive/docker-archive.js';
import { openRegistryImage } from './registry.js';
import { pushDockerArchive } from './push.js';
import { parseImageReference } from './reference.js';
import { dockerConfigCredentials, parseChallenge } from './client.js';

const work = mkdtempSync(join(tmpdir(), 'bulwark-registry-'));

/** docker-registry from Debian (CNCF distribution): installed when missing and we are root, else the tests skip. */
function ensureRegistry(): string | undefined {
  const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  if (!has('docker-registry') || !has('htpasswd')) {
    if (process.getuid?.() !== 0 || !has('apt-get')) return 'docker-registry/htpasswd missing and cannot install them (needs root and apt-get)';
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let r = spawnSync('apt-get', ['install', '-y', '-qq', 'docker-registry', 'apache2-utils'], { env, encoding: 'utf8' });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update', '-qq'], { env });
      r = spawnSync('apt-get', ['install', '-y', '-qq', 'docker-registry', 'apache2-utils'], { env, encoding: 'utf8' });
    }
    if (r.status !== 0) return `apt-get install docker-registry apache2-utils failed: ${r.stderr.slice(0, 300)}`;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

interface Registry {
  host: string;
  proc: ChildProcess;
}

async function startRegistry(name: string, auth?: string): Promise<Registry> {
  const port = await freePort();
  const dir = join(work, name);
  spawnSync('mkdir', ['-p', dir]);
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${dir}/data`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...(auth ? ['auth:', '  htpasswd:', '    realm: bulwark-test', `    path: ${auth}`] : []),
  ].join('\n');
  writeFileSync(join(dir, 'config.yml'), config + '\n');
  const proc = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`);
      if (res.status === 200 || res.status === 401) return { host: `127.0.0.1:${port}`, proc };
    } catch {
      // not up yet
    }
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error(`docker-registry did not start: ${stderr.slice(0, 500)}`);
}

let skip: string | undefined;
let open: Registry | undefined;
let locked: Registry | undefined;
let smallArchive = '';
const servers: Server[] = [];

before(async () => {
  skip = ensureRegistry();
  if (skip) return;
  const htpasswd = join(work, 'htpasswd');
  const r = spawnSync('htpasswd', ['-Bbc', htpasswd, 'scanner', 's3cret'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr}`);
  open = await startRegistry('open');
  locked = await startRegistry('locked', htpasswd);
  const osRelease = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
  const layers = [
    await tarOf([{ path: 'usr/lib/os-release', content: osRelease }, { path: 'etc/os-release', type: 'symlink', target: '../usr/lib/os-release' }]),
    await tarOf([{ path: 'srv/pkgs.txt', content: 'left-pad@1.3.0\n' }]),
  ];
  smallArchive = join(work, 'small.tar');
  writeFileSync(smallArchive, await dockerArchive({ layers, repoTags: ['localhost/small:1'] }));
});

after(() => {
  // Only the registries this test started.
  open?.proc.kill();
  locked?.proc.kill();
  for (const s of servers) s.close();
});

test('image references: Docker defaults and validation', () => {
  const rows: [string, unknown][] = [
    ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['alpine:3.19', { registry: 'docker.io', repository: 'library/alpine', tag: '3.19' }],
    ['bitnami/redis', { registry: 'docker.io', repository: 'bitnami/redis', tag: 'latest' }],
    ['ghcr.io/org/app:v1@sha256:' + 'a'.repeat(64), { registry: 'ghcr.io', repository: 'org/app', tag: 'v1', digest: 'sha256:' + 'a'.repeat(64) }],
    ['localhost:5000/x/y', { registry: 'localhost:5000', repository: 'x/y', tag: 'latest' }],
    ['127.0.0.1:5055/lab/app:1', { registry: '127.0.0.1:5055', repository: 'lab/app', tag: '1' }],
    ['index.docker.io/library/debian:12', { registry: 'docker.io', repository: 'library/debian', tag: '12' }],
    ['localhost/app@sha256:' + 'b'.repeat(64), { registry: 'localhost', repository: 'app', digest: 'sha256:' + 'b'.repeat(64) }],
  ];
  for (const [ref, want] of rows) {
    const r = parseImageReference(ref);
    assert.ok(r.ok, ref);
    assert.deepEqual(r.value, want, ref);
  }
  for (const bad of ['', 'UPPER/case', 'a b', 'x:bad tag', 'repo@sha256:short', 'ghcr.io/', 'a//b']) {
    const r = parseImageReference(bad);
    assert.ok(!r.ok && r.error instanceof InputError, bad);
  }
});

test('WWW-Authenticate challenges and docker config credentials', () => {
  assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"'), {
    scheme: 'bearer',
    params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' },
  });
  assert.deepEqual(parseChallenge('Basic realm="bulwark-test"'), { scheme: 'basic', params: { realm: 'bulwark-test' } });
  const cfg = join(work, 'docker-config.json');
  writeFileSync(cfg, JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') }, 'ghcr.io': { username: 'u', password: 'p:x' } } }));
  assert.deepEqual(dockerConfigCredentials('docker.io', cfg), { username: 'hub', password: 'pw' });
  assert.deepEqual(dockerConfigCredentials('ghcr.io', cfg), { username: 'u', password: 'p:x' });
  assert.equal(dockerConfigCredentials('quay.io', cfg), undefined);
});

test('push a docker-archive (gzip layers) and pull-scan it by tag and by digest; warm scan downloads nothing', async (t) => {
  if (skip) return t.skip(skip);
  const ref = `${open!.host}/test/small:1`;
  const digest = await pushDockerArchive(smallArchive, ref, { gzip: true });
  const cacheDir = join(work, 'cache-small');
  const r = await catalogArtifact(await openRegistryImage(ref), testCatalogers, { cacheDir });
  assert.deepEqual(r.packages.map((p) => `${p.name}@${p.version}`), ['left-pad@1.3.0']);
  assert.deepEqual(r.os, { id: 'debian', versionId: '12' });
  assert.equal(r.image?.manifestDigest, digest);
  assert.equal(r.image?.layers.length, 2);
  assert.equal(r.stats.layersRead, 2);
  const byDigest = await catalogArtifact(await openRegistryImage(`${open!.host}/test/small@${digest}`), testCatalogers, { cacheDir });
  assert.equal(byDigest.stats.layersRead, 0);
  assert.equal(byDigest.stats.layersCached, 2);
  assert.deepEqual(byDigest.packages.map((p) => p.name), ['left-pad']);
});

test('lab image pushed as stored (real podman docker-archive) scans like the archive itself', async (t) => {
  if (skip) return t.skip(skip);
  const tar = join(work, 'lab-app.tar');
  await pipeline(createReadStream(sharedPath('lab', 'images', 'lab-app.tar.gz')), createGunzip(), createWriteStream(tar));
  const ref = `${open!.host}/lab/app:1`;
  await pushDockerArchive(tar, ref);
  const fromRegistry = await catalogArtifact(await openRegistryImage(ref), testCatalogers, { cache: false });
  const fromArchive = await catalogArtifact(await openDockerArchive(tar), testCatalogers, { cache: false });
  assert.equal(fromRegistry.packages.filter((p) => p.type === 'deb').length, 126);
  assert.deepEqual(
    fromRegistry.packages.map((p) => [p.purl, p.locations[0].layer?.index]),
    fromArchive.packages.map((p) => [p.purl, p.locations[0].layer?.index]),
  );
  assert.deepEqual(fromRegistry.image?.layers.map((l) => l.diffId), fromArchive.image?.layers.map((l) => l.diffId));
});

test('basic auth (htpasswd): refused without credentials, works with options or ~/.docker/config.json', async (t) => {
  if (skip) return t.skip(skip);
  const ref = `${locked!.host}/private/app:1`;
  await pushDockerArchive(smallArchive, ref, { credentials: { username: 'scanner', password: 's3cret' } });
  await assert.rejects(openRegistryImage(ref, { dockerConfig: join(work, 'none.json') }), (e: unknown) => e instanceof ExternalError && e.message.includes(locked!.host) && /Basic credentials/.test(e.message));
  await assert.rejects(openRegistryImage(ref, { credentials: { username: 'scanner', password: 'wrong' } }), (e: unknown) => e instanceof ExternalError && /access denied.*HTTP 401/.test(e.message));
  const r = await catalogArtifact(await openRegistryImage(ref, { credentials: { username: 'scanner', password: 's3cret' } }), testCatalogers, { cache: false });
  assert.deepEqual(r.packages.map((p) => p.name), ['left-pad']);
  const cfg = join(work, 'config.json');
  writeFileSync(cfg, JSON.stringify({ auths: { [locked!.host]: { auth: Buffer.from('scanner:s3cret').toString('base64') } } }));
  const viaConfig = await catalogArtifact(await openRegistryImage(ref, { dockerConfig: cfg }), testCatalogers, { cache: false });
  assert.deepEqual(viaConfig.packages.map((p) => p.name), ['left-pad']);
});

/** A front for the open registry that demands a Bearer token from its own token endpoint, and fails the first blob GETs with 503. */
async function bearerFront(upstream: string, failFirst: number): Promise<{ host: string; tokenRequests: string[] }> {
  const port = await freePort();
  const tokenRequests: string[] = [];
  let failures = failFirst;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname === '/token') {
      tokenRequests.push(url.search);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ token: `tok-${url.searchParams.get('scope')}` }));
      return;
    }
    if (req.headers.authorization !== 'Bearer tok-repository:test/small:pull') {
      res.statusCode = 401;
      res.setHeader('www-authenticate', `Bearer realm="http://127.0.0.1:${port}/token",service="bulwark-test",scope="repository:test/small:pull"`);
      res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    if (url.pathname.includes('/blobs/') && failures > 0) {
      failures--;
      res.statusCode = 503;
      res.end('busy');
      return;
    }
    const up = await fetch(`http://${upstream}${url.pathname}`, { headers: { accept: req.headers.accept ?? '*/*' } });
    res.statusCode = up.status;
    for (const h of ['content-type', 'docker-content-digest', 'content-length']) {
      const v = up.headers.get(h);
      if (v) res.setHeader(h, v);
    }
    res.end(Buffer.from(await up.arrayBuffer()));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { host: `127.0.0.1:${port}`, tokenRequests };
}

test('bearer token auth from the WWW-Authenticate challenge, with retries on 503', async (t) => {
  if (skip) return t.skip(skip);
  await pushDockerArchive(smallArchive, `${open!.host}/test/small:1`, { gzip: true });
  const front = await bearerFront(open!.host, 2);
  const r = await catalogArtifact(await openRegistryImage(`${front.host}/test/small:1`, { retryDelayMs: 10 }), testCatalogers, { cache: false });
  assert.deepEqual(r.packages.map((p) => p.name), ['left-pad']);
  assert.ok(front.tokenRequests.length >= 1);
  assert.match(front.tokenRequests[0], /service=bulwark-test/);
  assert.match(front.tokenRequests[0], /scope=repository%3Atest%2Fsmall%3Apull/);
  const front2 = await bearerFront(open!.host, 10);
  await assert.rejects(openRegistryImage(`${front2.host}/test/small:1`, { retries: 1, retryDelayMs: 10 }), (e: unknown) => e instanceof ExternalError && e.retryable && /HTTP 503/.test(e.message));
});

test('unreachable registry: ExternalError naming the host', async () => {
  const port = await freePort();
  await assert.rejects(
    openRegistryImage(`127.0.0.1:${port}/nothing/here:1`, { retries: 1, retryDelayMs: 10 }),
    (e: unknown) => e instanceof ExternalError && e.message.includes(`127.0.0.1:${port}`) && /cannot reach/.test(e.message) && e.retryable,
  );
});

test('unknown repository and tag: ExternalError not found', async (t) => {
  if (skip) return t.skip(skip);
  await assert.rejects(openRegistryImage(`${open!.host}/no/such:1`), (e: unknown) => e instanceof ExternalError && /not found/.test(e.message));
});
