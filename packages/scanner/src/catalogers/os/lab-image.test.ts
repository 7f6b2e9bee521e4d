// Runs the os and javascript catalogers on the real lab image (shared/lab/images/lab-app.tar.gz) and compares
// the packages found to a golden list. The golden list was checked against Trivy's CycloneDX SBOM of the same
// image: all 126 deb and 64 npm (name, version) pairs Trivy lists are in it, and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { sharedPath } from '@bulwark/core/testing';
import type { CatalogResult, Cataloger } from '../types.js';
import { osCatalogers } from './index.js';
import { javascriptCatalogers } from '../javascript/index.js';
import { assertGolden, fileInput } from '../test-kit.js';

const catalogers: Cataloger[] = [...osCatalogers, ...javascriptCatalogers];

function readAll(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Files of one layer tar that some cataloger matches, plus the layer's whiteouts. */
async function scanLayer(stream: Readable): Promise<{ files: Map<string, Buffer>; whiteouts: string[] }> {
  const files = new Map<string, Buffer>();
  const whiteouts: string[] = [];
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.on('entry', (header, entry, next) => {
    const path = '/' + header.name.replace(/^\.?\//, '');
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (base.startsWith('.wh.')) whiteouts.push(path.slice(0, path.lastIndexOf('/') + 1) + base.slice(4));
    const info = { size: header.size ?? 0, mode: header.mode ?? 0 };
    if (header.type === 'file' && catalogers.some((c) => c.matches(path, info))) {
      readAll(entry as unknown as Readable).then((b) => {
        files.set(path, b);
        next();
      }, next);
    } else {
      entry.on('end', () => next());
      entry.resume();
    }
  });
  stream.pipe(extract);
  await done;
  return { files, whiteouts };
}

/** The final file system view (matched files only) of a docker-archive .tar.gz, layers applied in manifest order. */
async function imageFiles(archive: string): Promise<Map<string, Buffer>> {
  const layers = new Map<string, { files: Map<string, Buffer>; whiteouts: string[] }>();
  let manifest: { Layers: string[] }[] = [];
  const outer = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    outer.on('finish', resolve);
    outer.on('error', reject);
  });
  outer.on('entry', (header, entry, next) => {
    if (header.name === 'manifest.json') {
      readAll(entry as unknown as Readable).then((b) => {
        manifest = JSON.parse(b.toString('utf8')) as { Layers: string[] }[];
        next();
      }, next);
    } else if (header.name.endsWith('.tar')) {
      scanLayer(entry as unknown as Readable).then((l) => {
        layers.set(header.name, l);
        next();
      }, next);
    } else {
      entry.on('end', () => next());
      entry.resume();
    }
  });
  createReadStream(archive).pipe(createGunzip()).pipe(outer);
  await done;
  const fs = new Map<string, Buffer>();
  for (const name of manifest[0].Layers) {
    const layer = layers.get(name);
    assert.ok(layer, `layer ${name} in the archive`);
    for (const w of layer.whiteouts) for (const p of [...fs.keys()]) if (p === w || p.startsWith(w + '/')) fs.delete(p);
    for (const [p, b] of layer.files) fs.set(p, b);
  }
  return fs;
}

test('lab image: dpkg, os-release and node_modules catalogers find every package Trivy lists (golden)', async () => {
  const files = await imageFiles(sharedPath('lab', 'images', 'lab-app.tar.gz'));
  const results: { path: string; id: string; result: CatalogResult }[] = [];
  for (const [path, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const c of catalogers) {
      if (!c.matches(path, { size: content.length, mode: 0o644 })) continue;
      const r = c.catalog(fileInput(path, content), { maxFileBytes: c.maxBytes });
      assert.ok(r.ok, `${c.id} ${path}: ${r.ok ? '' : r.error.message}`);
      results.push({ path, id: c.id, result: r.value });
    }
  }
  // /etc/os-release is a symlink to ../usr/lib/os-release on Debian.
  const os = results.find((r) => r.path === '/usr/lib/os-release')?.result.os;
  assert.deepEqual(os, { id: 'debian', versionId: '12', versionCodename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
  const pkgs = results.filter((r) => r.id === 'os/dpkg' || r.id === 'javascript/node-modules').flatMap((r) => r.result.packages);
  const ids = [...new Set(pkgs.map((p) => `${p.type} ${p.name} ${p.version}`))].sort();
  assert.equal(ids.filter((i) => i.startsWith('deb ')).length, 126);
  assert.equal(ids.filter((i) => i.startsWith('npm ')).length, 64);
  // The lockfile in /srv/web agrees with what is installed (the two extra npm packages are the app itself
  // and node-forge's private flash helper, which are not lockfile dependencies).
  const locked = results.filter((r) => r.id === 'javascript/package-lock').flatMap((r) => r.result.packages.map((p) => `npm ${p.name} ${p.version}`));
  assert.equal(locked.length, 62);
  for (const l of locked) assert.ok(ids.includes(l), l);
  const hints = results.flatMap((r) => r.result.licenseHints ?? []);
  const debs = new Set(pkgs.filter((p) => p.type === 'deb').map((p) => p.name));
  const withLicense = [...debs].filter((n) => hints.some((h) => h.name === n && h.licenses.length > 0));
  assert.ok(withLicense.length >= 110, `license hints for ${withLicense.length} of ${debs.size} deb packages`);
  assertGolden({ os, packages: ids, debLicenseHints: Object.fromEntries(hints.map((h) => [h.name, h.licenses])) }, new URL('fixtures/lab-app.expected.json', import.meta.url).pathname);
});
