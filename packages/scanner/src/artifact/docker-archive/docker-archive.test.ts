import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@bulwark/core';
import { seededRandom } from '@bulwark/core/testing';
import { testCatalogers } from '../test-support/catalogers.js';
import { dockerArchive, gz, mutate, sha256, tarOf } from '../test-support/image-builder.js';
import type { TestImage } from '../test-support/image-builder.js';
import { parseDockerArchiveManifest, parseImageConfig, parseJsonDocument } from '../image/manifest.js';
import { catalogArtifact } from '../runner/catalog-run.js';
import { detectImageInput } from '../detect.js';
import { openDockerArchive } from './docker-archive.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'bulwark-da-'));

async function write(img: TestImage, wrap = false): Promise<string> {
  const p = join(tmp(), wrap ? 'a.tar.gz' : 'a.tar');
  const data = await dockerArchive(img);
  writeFileSync(p, wrap ? gz(data) : data);
  return p;
}

const layer = () => tarOf([{ path: 'srv/pkgs.txt', content: 'a@1\n' }]);
const scan = async (path: string) => catalogArtifact(await openDockerArchive(path), testCatalogers, { cache: false });
const inputError = (re: RegExp, field?: string) => (e: unknown) => e instanceof InputError && re.test(e.message) && (field === undefined || e.field === field);

test('docker-archive: detected, read plain and gzip-wrapped', async () => {
  const img = { layers: [await layer()] };
  const plain = await write(img);
  assert.equal(await detectImageInput(plain), 'docker-archive');
  assert.deepEqual((await scan(plain)).packages.map((p) => p.name), ['a']);
  assert.deepEqual((await scan(await write(img, true))).packages.map((p) => p.name), ['a']);
});

for (const wrap of [false, true]) {
  const kind = wrap ? 'gzip-wrapped' : 'plain';
  test(`${kind}: a manifest naming a missing blob is an InputError naming the layer`, async () => {
    const l = await layer();
    const p = await write({ layers: [l], omitLayer: 0 }, wrap);
    await assert.rejects(scan(p), inputError(new RegExp(`${sha256(l)}\\.tar`)));
  });

  test(`${kind}: malformed manifest.json / config name the archive and the field`, async () => {
    const l = await layer();
    const rows: [TestImage, RegExp, string | undefined][] = [
      [{ layers: [l], manifest: { not: 'an array' } }, /manifest\.json: \(root\)/, '(root)'],
      [{ layers: [l], manifest: [{ Config: 'x.json', Layers: 'nope' }] }, /manifest\.json: \[0\]\.Layers/, '[0].Layers'],
      [{ layers: [l], config: { rootfs: { diff_ids: ['md5:abc'] } } }, /rootfs\.diff_ids: expected an array of sha256/, 'rootfs.diff_ids'],
      [{ layers: [l], config: { rootfs: { diff_ids: [] } } }, /rootfs\.diff_ids has 0 entries but manifest\.json lists 1/, 'rootfs.diff_ids'],
      [{ layers: [l], config: { rootfs: { diff_ids: [`sha256:${sha256(l)}`] }, history: 'x' } }, /history: expected an array/, 'history'],
    ];
    for (const [img, re, field] of rows) {
      const p = await write(img, wrap);
      await assert.rejects(scan(p), (e: unknown) => inputError(re, field)(e) && (e as InputError).message.includes(p), re.source);
    }
  });

  test(`${kind}: truncated archive is an InputError`, async () => {
    const data = await dockerArchive({ layers: [await tarOf([{ path: 'srv/pkgs.txt', content: 'a@1\n'.repeat(5000) }])] });
    const p = join(tmp(), 'cut.tar');
    const cut = data.subarray(0, 9000);
    writeFileSync(p, wrap ? gz(cut) : cut);
    await assert.rejects(scan(p), InputError);
  });
}

test('corrupt gzip around the archive is an InputError naming the file', async () => {
  const data = gz(await dockerArchive({ layers: [await layer()] }));
  for (let i = 30; i < data.length - 30; i += 7) data[i] ^= 0xa5;
  const p = join(tmp(), 'bad.tar.gz');
  writeFileSync(p, data);
  await assert.rejects(scan(p), (e: unknown) => e instanceof InputError && e.message.includes(p));
});

test('not an archive at all', async () => {
  const p = join(tmp(), 'x.tar');
  writeFileSync(p, 'hello world\n'.repeat(100));
  await assert.rejects(detectImageInput(p), InputError);
  await assert.rejects(openDockerArchive(p), InputError);
  await assert.rejects(openDockerArchive(join(tmp(), 'missing.tar')), (e: unknown) => e instanceof InputError && /cannot open/.test(e.message));
});

test('fuzz: seeded mutations of a real manifest.json and config never throw anything but InputError', async () => {
  // Real documents as podman wrote them for the lab image (trimmed to two layers).
  const manifest = Buffer.from(
    '[{"Config":"8217f776e4f1a63a606a49cc70644e66c5ba7040f1e9b9b08ed546bf3a1c5bc6.json","RepoTags":["localhost/lab-app:1"],"Layers":["94c4c61241d8df0d73c614169caaccad4de24654ad05645098f2fc5fb9ee418e.tar","f1046b1b9788b39a88dcca48606f609070d065cadde68814de62c60b5257253a.tar"]}]',
  );
  const config = Buffer.from(
    '{"created":"2026-11-22T23:57:39.28471707Z","architecture":"amd64","os":"linux","config":{"User":"root","Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:94c4c61241d8df0d73c614169caaccad4de24654ad05645098f2fc5fb9ee418e","sha256:f1046b1b9788b39a88dcca48606f609070d065cadde68814de62c60b5257253a"]},"history":[{"created":"2026-11-22T23:54:51.820543496Z","created_by":"/bin/sh -c #(nop) ADD file:94c4c61241d8df0d73c614169caaccad4de24654ad05645098f2fc5fb9ee418e in /","comment":"imported from tarball"},{"created_by":"/bin/sh -c #(nop) USER root","empty_layer":true}]}',
  );
  const rand = seededRandom(42);
  let rejected = 0;
  for (let i = 0; i < 3000; i++) {
    const isManifest = i % 2 === 0;
    const data = mutate(isManifest ? manifest : config, rand);
    const doc = parseJsonDocument(data, 'f', { maxDocumentBytes: 1 << 20, maxDepth: 16 });
    const r = doc.ok ? (isManifest ? parseDockerArchiveManifest(doc.value, 'f') : parseImageConfig(doc.value, 'f')) : doc;
    if (!r.ok) {
      assert.ok(r.error instanceof InputError);
      rejected++;
    }
  }
  assert.ok(rejected > 1000, `rejected ${rejected}`);
  // Depth limit: deeply nested JSON is a LimitError value, not a stack overflow.
  const deep = parseJsonDocument(Buffer.from('['.repeat(100000) + ']'.repeat(100000)), 'deep.json', { maxDocumentBytes: 1 << 20, maxDepth: 256 });
  assert.ok(!deep.ok && /nested/.test(deep.error.message));
});
