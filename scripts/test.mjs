#!/usr/bin/env node
// Runs every *.test.ts under packages/*/src and scripts/ with Node's test runner (TypeScript through tsx).
// Usage: node scripts/test.mjs [path-filter ...]   e.g. node scripts/test.mjs packages/vulndb
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name === 'fixtures' || name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = [...walk(join(root, 'packages'), []), ...walk(join(root, 'scripts'), [])]
  .filter((f) => filters.length === 0 || filters.some((x) => f.startsWith(x.replace(/^\.\//, ''))))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}
const concurrency = process.env.BULWARK_TEST_CONCURRENCY ?? '2';
// A test that hangs fails after this long instead of stalling CI (seen: a failing bare assert.ok under tsx spinning
// while Node rebuilds the message from the source); give every assert.ok a message.
const timeout = process.env.BULWARK_TEST_TIMEOUT_MS ?? '600000';
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${timeout}`, '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(r.status ?? 1);
