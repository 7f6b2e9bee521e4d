// Runs the os and javascript catalogers on the real lab image (shared/lab/images/lab-app.tar.gz) and compares
// the packages found to a golden list. The golden list was checked against Trivy's CycloneDX SBOM of the same
// image: all 126 deb and 64 npm (name, version) pairs Trivy lists are in it, and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CatalogResult, Cataloger } from '../types.js';
import { osCatalogers } from './index.js';
import { javascriptCatalogers } from '../javascript/index.js';
import { assertGolden, fileInput, labImageFiles } from '../test-kit.js';

const catalogers: Cataloger[] = [...osCatalogers, ...javascriptCatalogers];

test('lab image: dpkg, os-release and node_modules catalogers find every package Trivy lists (golden)', async () => {
  const files = await labImageFiles((path, info) => catalogers.some((c) => c.matches(path, info)));
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
