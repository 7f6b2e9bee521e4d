import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ok } from '@bulwark/core';
import { UPDATE_GOLDEN, sharedPath } from '@bulwark/core/testing';
import type { Cataloger } from '../../catalogers/types.js';
import { openDockerArchive } from '../docker-archive/docker-archive.js';
import { testCatalogers, testDpkg, testLines, testOsRelease } from '../test-support/catalogers.js';
import { dockerArchive, gz, tarOf } from '../test-support/image-builder.js';
import type { TestEntry } from '../test-support/image-builder.js';
import { catalogArtifact } from './catalog-run.js';
import type { CatalogProgress, CatalogRunResult } from './catalog-run.js';

const fx = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'bulwark-run-'));

async function archiveFile(layers: TestEntry[][], opts: { gzipLayers?: boolean; gzipAll?: boolean } = {}): Promise<string> {
  const tars = await Promise.all(layers.map((l) => tarOf(l)));
  let data = await dockerArchive({
    layers: opts.gzipLayers ? tars.map(gz) : tars,
    diffTars: tars,
    createdBy: layers.map((_, i) => `/bin/sh -c step ${i}`),
    repoTags: ['localhost/run-test:1'],
  });
  if (opts.gzipAll) data = gz(data);
  const path = join(tmp(), opts.gzipAll ? 'image.tar.gz' : 'image.tar');
  writeFileSync(path, data);
  return path;
}

/** Layered image with real os-release and dpkg status excerpts from the lab image. */
const LAYERS: TestEntry[][] = [
  [
    { path: 'etc/' },
    { path: 'etc/os-release', type: 'symlink', target: '../usr/lib/os-release' },
    { path: 'usr/lib/os-release', content: fx('os-release') },
    { path: 'var/lib/dpkg/status', content: fx('dpkg-status') },
    { path: 'srv/pkgs.txt', content: 'gone@1\n' },
    { path: 'opt/old/pkgs.txt', content: 'hidden@1\n' },
  ],
  [
    { path: 'var/lib/dpkg/status', content: fx('dpkg-status.layer1') },
    { path: 'srv/.wh.pkgs.txt', content: '' },
    { path: 'opt/keep/pkgs.txt', content: 'hidden-too@2\n' },
  ],
  [
    { path: 'opt/.wh..wh..opq', content: '' },
    { path: 'opt/new/pkgs.txt', content: 'kept@3\n' },
    { path: 'data/blob', content: 'linked@4\n' },
    { path: 'app/pkgs.txt', type: 'link', target: 'data/blob' },
  ],
];

function summary(r: CatalogRunResult) {
  return {
    os: r.os,
    packages: r.packages.map((p) => ({ name: p.name, version: p.version, ecosystem: p.ecosystem, purl: p.purl, licenses: p.licenses, path: p.locations[0].path, layer: p.locations[0].layer?.index, createdBy: p.locations[0].layer?.createdBy })),
    fileErrors: r.fileErrors,
    warnings: r.warnings,
    layers: r.image?.layers.map((l) => ({ index: l.index, createdBy: l.createdBy, hasDiffId: l.diffId?.startsWith('sha256:') })),
    repoTags: r.image?.repoTags,
  };
}

test('final view: whiteouts, opaque dirs, rewritten dpkg status keeps earliest layer, hard links, OS via symlink (golden)', async () => {
  const path = await archiveFile(LAYERS);
  const r = await catalogArtifact(await openDockerArchive(path), testCatalogers, { cache: false });
  const got = summary(r);
  const golden = new URL('./fixtures/layered.expected.json', import.meta.url);
  if (UPDATE_GOLDEN) writeFileSync(golden, JSON.stringify(got, null, 2) + '\n');
  assert.deepEqual(got, JSON.parse(readFileSync(golden, 'utf8')));
  // The facts the golden file encodes, spelled out:
  const names = r.packages.map((p) => p.name);
  assert.ok(!names.includes('gone') && !names.includes('hidden') && !names.includes('hidden-too'));
  assert.ok(names.includes('kept') && names.includes('linked'));
  assert.equal(r.packages.find((p) => p.name === 'libc6')?.locations[0].layer?.index, 0, 'unchanged package keeps the layer that introduced it');
  assert.equal(r.packages.find((p) => p.name === 'python3')?.locations[0].layer?.index, 1);
  assert.deepEqual(r.os, { id: 'debian', versionId: '12' });
  assert.equal(r.packages.find((p) => p.name === 'libc6')?.ecosystem, 'Debian:12');
  assert.match(r.packages.find((p) => p.name === 'libc6')?.purl ?? '', /distro=debian-12/);
  assert.deepEqual(r.packages.find((p) => p.name === 'zlib1g')?.licenses, ['Zlib']);
  assert.equal(r.image?.layers[2].createdBy, '/bin/sh -c step 2', 'empty_layer history entries are skipped when pairing');
});

test('gzip layers, gzip-wrapped archive and plain archive give the same result', async () => {
  const plain = summary(await catalogArtifact(await openDockerArchive(await archiveFile(LAYERS)), testCatalogers, { cache: false }));
  const gzLayers = await catalogArtifact(await openDockerArchive(await archiveFile(LAYERS, { gzipLayers: true })), testCatalogers, { cache: false });
  const gzAll = await catalogArtifact(await openDockerArchive(await archiveFile(LAYERS, { gzipAll: true })), testCatalogers, { cache: false });
  assert.deepEqual(summary(gzAll), plain);
  assert.deepEqual(summary(gzLayers).packages.map((p) => p.name), plain.packages.map((p) => p.name));
});

test('a file over a cataloger maxBytes is a file error naming the path; the scan goes on', async () => {
  const path = await archiveFile([[{ path: 'big/pkgs.txt', content: 'x@1\n'.repeat(2000) }, { path: 'small/pkgs.txt', content: 'y@1\n' }]]);
  const r = await catalogArtifact(await openDockerArchive(path), [testLines], { cache: false });
  assert.deepEqual(r.packages.map((p) => p.name), ['y']);
  assert.equal(r.fileErrors.length, 1);
  assert.equal(r.fileErrors[0].path, '/big/pkgs.txt');
  assert.match(r.fileErrors[0].error, /test\/lines: 8000 bytes is over its 4096-byte limit/);
});

test('cataloger errors and throws become file errors', async () => {
  const thrower: Cataloger = { id: 'test/throws', version: 1, maxBytes: 100, matches: (p) => p.endsWith('/boom'), catalog: () => { throw new Error('kaboom'); } };
  const path = await archiveFile([[{ path: 'var/lib/dpkg/status', content: 'no stanzas here' }, { path: 'x/boom', content: '1' }]]);
  const r = await catalogArtifact(await openDockerArchive(path), [testDpkg, thrower], { cache: false });
  assert.deepEqual(r.fileErrors.map((e) => e.path).sort(), ['/var/lib/dpkg/status', '/x/boom']);
  assert.match(r.fileErrors.find((e) => e.path === '/x/boom')!.error, /kaboom/);
});

test('os-release symlink loop is a file error, not a hang; OS falls back to /usr/lib/os-release', async () => {
  const path = await archiveFile([
    [
      { path: 'etc/os-release', type: 'symlink', target: 'os-release.d/x' },
      { path: 'etc/os-release.d', type: 'symlink', target: '../etc/os-release.d' },
      { path: 'usr/lib/os-release', content: fx('os-release') },
    ],
  ]);
  const r = await catalogArtifact(await openDockerArchive(path), [testOsRelease], { cache: false });
  assert.deepEqual(r.os, { id: 'debian', versionId: '12' });
  assert.equal(r.fileErrors[0].path, '/etc/os-release');
  assert.match(r.fileErrors[0].error, /symlink loop/);
});

test('a later layer replacing os-release wins; an /etc/os-release file beats /usr/lib/os-release', async () => {
  const path = await archiveFile([
    [{ path: 'usr/lib/os-release', content: fx('os-release') }],
    [{ path: 'etc/os-release', content: 'ID=ubuntu\nVERSION_ID="22.04"\n' }],
  ]);
  const r = await catalogArtifact(await openDockerArchive(path), [testOsRelease], { cache: false });
  assert.deepEqual(r.os, { id: 'ubuntu', versionId: '22.04' });
});

test('per-layer cache: warm scan reads no layer; corrupt entries are ignored and rewritten; cataloger version is in the key', async () => {
  const path = await archiveFile(LAYERS);
  const cacheDir = tmp();
  const cold = await catalogArtifact(await openDockerArchive(path), testCatalogers, { cacheDir });
  assert.deepEqual(cold.stats, { layersRead: 3, layersCached: 0, bytes: cold.stats.bytes });
  const files = readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 3);
  const warm = await catalogArtifact(await openDockerArchive(path), testCatalogers, { cacheDir });
  assert.equal(warm.stats.layersRead, 0);
  assert.equal(warm.stats.layersCached, 3);
  assert.deepEqual(summary(warm), summary(cold));
  writeFileSync(join(cacheDir, files[0]), '{"key": "truncated');
  const afterCorrupt = await catalogArtifact(await openDockerArchive(path), testCatalogers, { cacheDir });
  assert.equal(afterCorrupt.stats.layersRead, 1);
  assert.deepEqual(summary(afterCorrupt), summary(cold));
  assert.doesNotThrow(() => JSON.parse(readFileSync(join(cacheDir, files[0]), 'utf8')), 'corrupt entry rewritten');
  const bumped = testCatalogers.map((c) => (c.id === 'test/lines' ? { ...c, version: 2 } : c));
  const afterBump = await catalogArtifact(await openDockerArchive(path), bumped, { cacheDir });
  assert.equal(afterBump.stats.layersRead, 3);
});

test('progress events: layers phase with growing bytes, then merge and done', async () => {
  const path = await archiveFile(LAYERS);
  const events: CatalogProgress[] = [];
  await catalogArtifact(await openDockerArchive(path), testCatalogers, { cache: false, onProgress: (p) => events.push(p) });
  assert.equal(events.at(-1)?.phase, 'done');
  assert.ok(events.some((e) => e.phase === 'merge'));
  const layerEvents = events.filter((e) => e.phase === 'layers');
  assert.equal(Math.max(...layerEvents.map((e) => e.layer)), 3);
  assert.ok(layerEvents.every((e) => e.layers === 3 && e.totalBytes !== undefined));
  for (let i = 1; i < layerEvents.length; i++) assert.ok(layerEvents[i].bytes >= layerEvents[i - 1].bytes);
  assert.equal(layerEvents.at(-1)?.bytes, layerEvents.at(-1)?.totalBytes);
});

test('lab image (real podman docker-archive, gzip-wrapped): Debian 12 with 126 deb packages, as Trivy counts', async () => {
  const path = sharedPath('lab', 'images', 'lab-app.tar.gz');
  const npm: Cataloger = {
    id: 'test/package-json',
    version: 1,
    maxBytes: 1 << 20,
    matches: (p) => p.startsWith('/srv/web/node_modules/') && p.endsWith('/package.json'),
    catalog(f) {
      const j = JSON.parse(f.content.toString('utf8')) as { name?: string; version?: string };
      if (!j.name || !j.version) return ok({ packages: [] });
      return ok({ packages: [{ name: j.name, version: j.version, type: 'npm', ecosystem: 'npm', purl: `pkg:npm/${j.name}@${j.version}`, licenses: [], locations: [{ path: f.path }], foundBy: 'test/package-json' }] });
    },
  };
  const r = await catalogArtifact(await openDockerArchive(path), [...testCatalogers, npm], { cache: false });
  assert.deepEqual(r.os, { id: 'debian', versionId: '12' });
  const debs = r.packages.filter((p) => p.type === 'deb');
  assert.equal(debs.length, 126);
  assert.equal(debs.find((p) => p.name === 'python3')?.locations[0].layer?.index, 1);
  assert.equal(debs.find((p) => p.name === 'base-files')?.locations[0].layer?.index, 0);
  assert.equal(debs.find((p) => p.name === 'fzf')?.locations[0].layer?.index, 2);
  assert.match(debs.find((p) => p.name === 'fzf')?.locations[0].layer?.createdBy ?? '', /install -y --no-install-recommends fzf shfmt/);
  assert.ok(r.packages.some((p) => p.name === 'lodash' && p.version === '4.17.15' && p.locations[0].layer?.index === 3));
  assert.deepEqual(r.image?.repoTags, ['localhost/lab-app:1']);
  assert.equal(r.image?.id, 'sha256:8217f776e4f1a63a606a49cc70644e66c5ba7040f1e9b9b08ed546bf3a1c5bc6');
  assert.equal(r.image?.layers.length, 5);
});
