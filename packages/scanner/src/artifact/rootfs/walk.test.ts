import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { InputError } from '@bulwark/core';
import { REPO_ROOT } from '@bulwark/core/testing';
import { testCatalogers } from '../test-support/catalogers.js';
import { catalogArtifact } from '../runner/catalog-run.js';
import { openDirectory, openRootfs, pseudoMounts } from './walk.js';

const osRelease = fileURLToPath(new URL('../runner/fixtures/os-release', import.meta.url));

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'bulwark-walk-'));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'etc'));
  mkdirSync(join(root, 'usr/lib'), { recursive: true });
  writeFileSync(join(root, 'usr/lib/os-release'), readFixture());
  symlinkSync('../usr/lib/os-release', join(root, 'etc/os-release'));
  mkdirSync(join(root, 'app/sub'), { recursive: true });
  writeFileSync(join(root, 'app/pkgs.txt'), 'a@1\n');
  writeFileSync(join(root, 'app/sub/pkgs.txt'), 'b@2\n');
  symlinkSync('.', join(root, 'app/loop'));
  symlinkSync('/etc', join(root, 'app/outside'));
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, '.git/pkgs.txt'), 'git@1\n');
  mkdirSync(join(root, 'proc'));
  writeFileSync(join(root, 'proc/pkgs.txt'), 'proc@1\n');
  mkdirSync(join(root, 'vendor'));
  writeFileSync(join(root, 'vendor/pkgs.txt'), 'vendored@1\n');
  return root;
}

function readFixture(): Buffer {
  return readFileSync(osRelease);
}

test('scan fs: relative paths, .git and the skip list skipped, symlinks (loops, outside) never followed', async () => {
  const root = tree();
  const r = await catalogArtifact(await openDirectory(root, { skip: ['vendor'] }), testCatalogers);
  assert.deepEqual(r.packages.map((p) => `${p.name} ${p.locations[0].path}`), ['a app/pkgs.txt', 'b app/sub/pkgs.txt', 'proc proc/pkgs.txt']);
  assert.equal(r.packages[0].locations[0].layer, undefined);
  assert.deepEqual(r.fileErrors, []);
  const withVendor = await catalogArtifact(await openDirectory(root), testCatalogers);
  assert.ok(withVendor.packages.some((p) => p.name === 'vendored'));
});

test('scan rootfs: absolute paths, /proc skipped, OS through the /etc/os-release symlink', async () => {
  const root = tree();
  const r = await catalogArtifact(await openRootfs(root), testCatalogers);
  assert.deepEqual(r.packages.map((p) => p.locations[0].path).sort(), ['/.git/pkgs.txt', '/app/pkgs.txt', '/app/sub/pkgs.txt', '/vendor/pkgs.txt']);
  assert.deepEqual(r.os, { id: 'debian', versionId: '12' });
});

test('pseudo-filesystem mounts under the root are skipped', async () => {
  const root = tree();
  const info = [
    `22 1 0:21 / /proc rw,nosuid - proc proc rw`,
    `30 22 0:26 / ${root}/app/sub rw - sysfs sysfs rw`,
    `31 22 8:1 / ${root}/vendor rw - ext4 /dev/sda1 rw`,
  ].join('\n');
  assert.deepEqual(pseudoMounts(info), ['/proc', `${root}/app/sub`]);
  const r = await catalogArtifact(await openRootfs(root, { mountinfo: info }), testCatalogers);
  assert.ok(!r.packages.some((p) => p.name === 'b'));
  assert.ok(r.packages.some((p) => p.name === 'vendored'));
});

test('unreadable directories and files become file errors (run as an unprivileged user)', async (t) => {
  const root = tree();
  mkdirSync(join(root, 'locked'));
  writeFileSync(join(root, 'locked/pkgs.txt'), 'secret@1\n');
  writeFileSync(join(root, 'app/private-pkgs.txt'), 'x');
  mkdirSync(join(root, 'noread'));
  writeFileSync(join(root, 'noread/pkgs.txt'), 'n@1\n');
  chmodSync(join(root, 'noread/pkgs.txt'), 0o000);
  chmodSync(join(root, 'locked'), 0o000);
  const script = `
    const { openDirectory } = await import(${JSON.stringify(fileURLToPath(new URL('./walk.ts', import.meta.url)))});
    const { catalogArtifact } = await import(${JSON.stringify(fileURLToPath(new URL('../runner/catalog-run.ts', import.meta.url)))});
    const { testCatalogers } = await import(${JSON.stringify(fileURLToPath(new URL('../test-support/catalogers.ts', import.meta.url)))});
    const r = await catalogArtifact(await openDirectory(${JSON.stringify(root)}), testCatalogers);
    console.log(JSON.stringify({ names: r.packages.map((p) => p.name), errors: r.fileErrors }));
  `;
  const asRoot = process.getuid?.() === 0;
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    env: { ...process.env, HOME: tmpdir(), BULWARK_CACHE_DIR: join(root, 'cache') },
  });
  if (res.status !== 0 && asRoot && /EACCES|permission/i.test(res.stderr)) {
    t.skip(`cannot run the walker as an unprivileged user here: ${res.stderr.slice(0, 200)}`);
    return;
  }
  assert.equal(res.status, 0, res.stderr);
  const out = JSON.parse(res.stdout.trim().split('\n').pop()!) as { names: string[]; errors: { path: string; error: string }[] };
  assert.ok(out.names.includes('a') && !out.names.includes('secret'));
  assert.deepEqual(out.errors.map((e) => e.path).sort(), ['locked', 'noread/pkgs.txt']);
  assert.match(out.errors.find((e) => e.path === 'locked')!.error, /cannot list directory: .*EACCES/);
});

test('a missing or non-directory target is an InputError', async () => {
  await assert.rejects(openDirectory('/nonexistent/bulwark'), InputError);
  await assert.rejects(openRootfs(osRelease), (e: unknown) => e instanceof InputError && e.expected === 'a directory');
});
