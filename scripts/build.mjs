#!/usr/bin/env node
// Bundles the CLI into packages/cli/dist/bulwark.mjs with esbuild: one file starts fast and needs no
// per-package build step. Third-party dependencies stay external (native addons such as better-sqlite3).
import { build } from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const external = new Set();
for (const dir of readdirSync(join(root, 'packages'))) {
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
    if (!dep.startsWith('@bulwark/')) external.add(dep);
  }
}
await build({
  entryPoints: [join(root, 'packages/cli/src/main.ts')],
  outfile: join(root, 'packages/cli/dist/bulwark.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  external: [...external],
  banner: { js: "import { createRequire as __bwCreateRequire } from 'node:module'; const require = __bwCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
console.log('built packages/cli/dist/bulwark.mjs');

// The web console (packages/web/dist, served by `bulwark server` at /): its own Vite build.
const { spawnSync } = await import('node:child_process');
const web = spawnSync('npm', ['run', 'build', '-w', '@bulwark/web'], { cwd: root, stdio: 'inherit' });
if (web.status !== 0) process.exit(web.status ?? 1);
console.log('built packages/web/dist');
