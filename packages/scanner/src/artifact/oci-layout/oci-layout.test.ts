import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decompress } from 'fzstd';
import { InputError } from '@bulwark/core';
import { seededRandom } from '@bulwark/core/testing';
import { testCatalogers } from '../test-support/catalogers.js';
import { gz, mutate, ociLayout, tarOf, tarOfFiles, writeDir } from '../test-support/image-builder.js';
import { parseJsonDocument, parseManifestOrIndex, selectManifest } from '../image/manifest.js';
import { catalogArtifact } from '../runner/catalog-run.js';
import { detectImageInput } from '../detect.js';
import { openImageInput } from '../open-image.js';
import { openOciLayout } from './oci-layout.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'bulwark-oci-'));
const zstdLayer = readFileSync(new URL('./fixtures/layer.tar.zst', import.meta.url));

async function multiArch(): Promise<Map<string, Buffer>> {
  const amd = await tarOf([{ path: 'srv/pkgs.txt', content: 'amd@1\n' }]);
  const arm = await tarOf([{ path: 'srv/pkgs.txt', content: 'arm@1\n' }]);
  return ociLayout([
    { img: { layers: [gz(amd)], diffTars: [amd] }, platform: { os: 'linux', architecture: 'amd64' } },
    { img: { layers: [gz(arm)], diffTars: [arm] }, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ]);
}

const names = async (src: Promise<Parameters<typeof catalogArtifact>[0]>) => (await catalogArtifact(await src, testCatalogers, { cache: false })).packages.map((p) => p.name);

test('OCI layout directory with a nested index: --platform picks the manifest', async () => {
  const dir = tmp();
  await writeDir(dir, await multiArch());
  assert.equal(await detectImageInput(dir), 'oci-layout');
  assert.deepEqual(await names(openOciLayout(dir, { platform: 'linux/arm64' })), ['arm']);
  assert.deepEqual(await names(openOciLayout(dir, { platform: 'linux/arm64/v8' })), ['arm']);
  assert.deepEqual(await names(openOciLayout(dir, { platform: 'linux/amd64' })), ['amd']);
  await assert.rejects(openOciLayout(dir, { platform: 'linux/s390x' }), (e: unknown) => e instanceof InputError && /no manifest for platform linux\/s390x/.test(e.message) && /linux\/arm64\/v8/.test(e.message));
  await assert.rejects(openOciLayout(dir, { platform: 'linux' }), (e: unknown) => e instanceof InputError && e.field === 'platform');
});

test('OCI layout as tar and as tar.gz gives the same packages; image info carries the manifest digest', async () => {
  const files = await multiArch();
  const t = join(tmp(), 'oci.tar');
  writeFileSync(t, await tarOfFiles(files));
  const tg = join(tmp(), 'oci.tar.gz');
  writeFileSync(tg, gz(await tarOfFiles(files)));
  assert.equal(await detectImageInput(t), 'oci-archive');
  assert.equal(await detectImageInput(tg), 'compressed-archive');
  assert.deepEqual(await names(openOciLayout(t, { platform: 'linux/arm64' })), ['arm']);
  assert.deepEqual(await names(openOciLayout(tg, { platform: 'linux/arm64' })), ['arm']);
  assert.deepEqual(await names(openImageInput(tg, { platform: 'linux/amd64' })), ['amd']);
  const r = await catalogArtifact(await openOciLayout(t, { platform: 'linux/amd64' }), testCatalogers, { cache: false });
  assert.match(r.image?.manifestDigest ?? '', /^sha256:[a-f0-9]{64}$/);
  assert.equal(r.image?.architecture, 'amd64');
});

test('zstd layer (media type tar+zstd, compressed by the zstd tool) is read with fzstd', async () => {
  const dir = tmp();
  await writeDir(dir, ociLayout([{ img: { layers: [zstdLayer], diffTars: [Buffer.from(decompress(zstdLayer))] }, mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' }]));
  const r = await catalogArtifact(await openOciLayout(dir), testCatalogers, { cache: false });
  assert.deepEqual(r.packages.map((p) => `${p.name}@${p.version}`), ['zstd-pkg@1.0.0']);
  assert.deepEqual(r.os, { id: 'debian', versionId: '12' });
});

test('malformed index.json and manifests are InputErrors naming the file and field', async () => {
  const rows: [string, (f: Map<string, Buffer>) => void, RegExp][] = [
    ['index.json not JSON', (f) => f.set('index.json', Buffer.from('{"schemaVersion": 2,')), /index\.json: not valid JSON/],
    ['index.json wrong schemaVersion', (f) => f.set('index.json', Buffer.from('{"schemaVersion": 1, "manifests": []}')), /index\.json: schemaVersion/],
    ['manifest digest not a digest', (f) => f.set('index.json', Buffer.from('{"schemaVersion":2,"manifests":[{"digest":"sha256:../../etc/passwd","size":1}]}')), /manifests\[0\]\.digest/],
    ['missing index.json', (f) => f.delete('index.json'), /index\.json: not found/],
  ];
  for (const [name, change, want] of rows) {
    const files = await multiArch();
    change(files);
    const dir = tmp();
    await writeDir(dir, files);
    await assert.rejects(openOciLayout(dir), (e: unknown) => e instanceof InputError && want.test(e.message), name);
  }
});

test('a manifest naming a missing layer blob is an InputError', async () => {
  const files = await multiArch();
  const layerBlob = [...files.keys()].find((k) => files.get(k)![0] === 0x1f)!;
  files.delete(layerBlob);
  const dir = tmp();
  await writeDir(dir, files);
  await assert.rejects(openOciLayout(dir, { platform: 'linux/amd64' }).then((s) => catalogArtifact(s, testCatalogers, { cache: false })).then(() => openOciLayout(dir, { platform: 'linux/arm64' })), (e: unknown) => e instanceof InputError && /missing from the layout/.test(e.message));
});

test('fuzz: seeded mutations of a real index/manifest never throw anything but InputError', async () => {
  const files = await multiArch();
  const docs = [files.get('index.json')!, ...[...files.values()].filter((b) => b[0] === 0x7b && b.includes('schemaVersion'))];
  const rand = seededRandom(7);
  let rejected = 0;
  for (let i = 0; i < 2000; i++) {
    const data = mutate(docs[i % docs.length], rand);
    const doc = parseJsonDocument(data, 'index.json', { maxDocumentBytes: 1 << 20, maxDepth: 32 });
    if (!doc.ok) {
      assert.ok(doc.error instanceof InputError);
      rejected++;
      continue;
    }
    const parsed = parseManifestOrIndex(doc.value, 'index.json');
    if (!parsed.ok) {
      assert.ok(parsed.error instanceof InputError);
      rejected++;
    } else if (parsed.value.kind === 'index') {
      const sel = selectManifest(parsed.value, 'index.json', rand() < 0.5 ? 'linux/amd64' : undefined);
      if (!sel.ok) assert.ok(sel.error instanceof InputError);
    }
  }
  assert.ok(rejected > 500, `rejected ${rejected}`);
});
