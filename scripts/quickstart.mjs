#!/usr/bin/env node
// `npm run quickstart`: installs what is missing, builds, imports the vulnerability data, starts the platform server
// (embedded SQLite in ./data), scans a real target and this repository's configuration, uploads both, and keeps the
// server running with its URL and first admin credentials printed.
// Mirror: $BULWARK_MIRROR, else ../shared/vulndb beside the checkout, else the upstream feeds (`db update`).
// Target: $BULWARK_QUICKSTART_TARGET (an image archive), else ../shared/lab/images/lab-app.tar.gz, else this machine's root filesystem.
import { existsSync, statSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(title) {
  process.stdout.write(`\n==> ${title}\n`);
}
/** Stops what the quickstart started (the server) before it exits on a failure. */
let cleanup = () => {};
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    cleanup();
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

// The platform: the embedded server (one process, SQLite in ./data) with the quickstart scans uploaded to it.
const data = process.env.BULWARK_DATA ?? join(root, 'data');
const wantedPort = process.env.BULWARK_PORT ?? '8080';

/** Starts `bulwark server` and resolves with its URL and whatever it printed (first-run credentials), or rejects. */
function startServer(port) {
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, [bulwark, 'server', '--data', data, '--port', port], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolveStart({ child, url, out });
    });
    child.on('exit', (code) => reject(Object.assign(new Error(`bulwark server exited ${code}: ${err.trim()}`), { stderr: err })));
  });
}

step(`starting the platform server (data in ${data})`);
let server;
try {
  server = await startServer(wantedPort);
} catch (e) {
  if (!/EADDRINUSE|address already in use/i.test(e.stderr ?? e.message)) {
    process.stderr.write(`quickstart: ${e.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`port ${wantedPort} is taken; using a free port (set BULWARK_PORT to choose)\n`);
  server = await startServer('0');
}
const { child, url } = server;
const stopServer = () => child.kill('SIGTERM');
cleanup = stopServer;
process.on('SIGINT', stopServer);
process.on('SIGTERM', stopServer);
const login = /first admin login for tenant "default" \(shown once, keep it now\): (\S+) \/ (\S+)/.exec(server.out);
const adminToken = /first admin API token for tenant "default" \(shown once, keep it now\): (\S+)/.exec(server.out)?.[1];

function cli(args) {
  const r = spawnSync(process.execPath, [bulwark, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) {
    stopServer();
    process.stderr.write(`quickstart: \`bulwark ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
  return r.stdout;
}
const uploadToken = cli(['token', 'create', '--name', `quickstart-${new Date().toISOString().slice(0, 19)}`, '--role', 'developer', '--data', data]).trim();
const upload = ['--upload', url, '--token', uploadToken];

const lab = resolve(root, '..', 'shared', 'lab', 'images', 'lab-app.tar.gz');
const target = process.env.BULWARK_QUICKSTART_TARGET ?? (existsSync(lab) ? lab : undefined);
if (target) {
  step(`scanning the image ${target} and uploading the findings to ${url}`);
  run(process.execPath, [bulwark, 'scan', 'image', target, ...upload]);
} else {
  step("scanning this machine's root filesystem (set BULWARK_QUICKSTART_TARGET to scan an image instead) and uploading the findings");
  run(process.execPath, [bulwark, 'scan', 'rootfs', '/', ...upload]);
}
step("scanning this repository's configuration (Kubernetes, Dockerfile, Terraform fixtures) and uploading every finding (the table shows the critical ones)");
run(process.execPath, [bulwark, 'scan', 'config', join(root, 'packages', 'posture'), '--severity', 'CRITICAL', ...upload]);

process.stdout.write(
  `\nquickstart ready: Bulwark is running at ${url}\n` +
    (login
      ? `  console login: ${login[1]} / ${login[2]}   (shown once: keep it)\n  admin API token: ${adminToken}\n`
      : `  console login: the admin credentials printed at the first start (reset: bin/bulwark user reset-password --email admin@bulwark.local --data ${data})\n`) +
    `  API: curl -H "Authorization: Bearer <token>" ${url}/api/v1/findings ; OpenAPI at ${url}/openapi.json\n` +
    '  Stop with Ctrl-C. `bin/bulwark --help` lists every command.\n',
);
const code = await new Promise((r) => child.on('exit', r));
process.exit(code ?? 0);
