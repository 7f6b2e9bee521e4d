#!/usr/bin/env node
// `npm run quickstart`: installs what is missing, builds, imports the vulnerability data and scans a real target.
// Mirror: $BULWARK_MIRROR, else ../shared/vulndb beside the checkout, else the upstream feeds (`db update`).
// Target: $BULWARK_QUICKSTART_TARGET (an image archive), else ../shared/lab/images/lab-app.tar.gz, else this machine's root filesystem.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(title) {
  process.stdout.write(`\n==> ${title}\n`);
}
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    process.stderr.write(`quickstart: \`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 18)) {
  process.stderr.write(`quickstart: Node.js >= 20.18 is required, this is ${process.version}\n`);
  process.exit(2);
}

const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules/.package-lock.json');
if (!existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs) {
  step('installing dependencies (npm ci)');
  run(npm, ['ci', '--no-audit', '--no-fund']);
} else {
  step('dependencies already installed');
}

step('building');
run(process.execPath, [join(root, 'scripts/build.mjs')]);

const bulwark = join(root, 'bin/bulwark');
const mirror = process.env.BULWARK_MIRROR ?? resolve(root, '..', 'shared', 'vulndb');
if (existsSync(mirror)) {
  step(`importing vulnerability data from the local mirror ${mirror}`);
  run(process.execPath, [bulwark, 'db', 'import', mirror]);
} else {
  step('no local mirror found (set BULWARK_MIRROR to use one); downloading the feeds from upstream');
  const r = spawnSync(process.execPath, [bulwark, 'db', 'update'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(
      'quickstart: neither a local mirror nor the upstream feeds could be reached.\n' +
        '  Point BULWARK_MIRROR at a directory laid out like the upstream feeds and run `npm run quickstart` again.\n',
    );
    process.exit(r.status || 3);
  }
}
run(process.execPath, [bulwark, 'db', 'status']);

const lab = resolve(root, '..', 'shared', 'lab', 'images', 'lab-app.tar.gz');
const target = process.env.BULWARK_QUICKSTART_TARGET ?? (existsSync(lab) ? lab : undefined);
if (target) {
  step(`scanning the image ${target}`);
  run(process.execPath, [bulwark, 'scan', 'image', target]);
} else {
  step('scanning this machine\'s root filesystem (set BULWARK_QUICKSTART_TARGET to scan an image instead)');
  run(process.execPath, [bulwark, 'scan', 'rootfs', '/']);
}
process.stdout.write('\nquickstart done. Try `bin/bulwark --help`.\n');
