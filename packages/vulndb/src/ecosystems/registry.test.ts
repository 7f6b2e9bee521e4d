import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareVersions, registryOf, schemeFor, schemes } from './registry.js';
import type { VersionScheme } from './types.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Folder name → OSV ecosystem id. A new folder must be added here and in all.ts. */
const FOLDER_IDS: Record<string, string> = {
  alpine: 'Alpine',
  cran: 'CRAN',
  debian: 'Debian',
  go: 'Go',
  hackage: 'Hackage',
  maven: 'Maven',
  npm: 'npm',
  nuget: 'NuGet',
  packagist: 'Packagist',
  pub: 'Pub',
  pypi: 'PyPI',
  rpm: 'Red Hat',
  rubygems: 'RubyGems',
  semver: 'SemVer',
};

function folders(): string[] {
  return readdirSync(HERE).filter((n) => statSync(join(HERE, n)).isDirectory() && n !== 'fixtures' && n !== 'node_modules');
}

function isScheme(x: unknown): x is VersionScheme {
  return typeof x === 'object' && x !== null && typeof (x as VersionScheme).id === 'string' && typeof (x as VersionScheme).parse === 'function';
}

test('every ecosystem folder has a README, a module named after it, and a registered scheme with the mapped id', async () => {
  const found = folders().sort();
  assert.deepEqual(found, Object.keys(FOLDER_IDS).sort(), 'folders and FOLDER_IDS differ: map the new folder and add it to all.ts');
  for (const folder of found) {
    assert.ok(existsSync(join(HERE, folder, 'README.md')), `${folder}/README.md missing`);
    const mod = (await import(`./${folder}/${folder}.js`)) as Record<string, unknown>;
    const exported = Object.values(mod).filter(isScheme);
    assert.equal(exported.length, 1, `${folder}/${folder}.ts should export exactly one VersionScheme`);
    assert.equal(exported[0].id, FOLDER_IDS[folder], `${folder}: id`);
    assert.ok(schemes.list.includes(exported[0]), `${folder}: not registered in all.ts`);
  }
  assert.equal(schemes.list.length, found.length);
});

test('registryOf throws on a duplicate id or alias', () => {
  const a: VersionScheme = { id: 'X', aliases: ['Y'], parse: () => ({ ok: true, value: 1 }), compare: () => 0 };
  const b: VersionScheme = { id: 'Y', parse: () => ({ ok: true, value: 1 }), compare: () => 0 };
  assert.throws(() => registryOf([a, b]), /registered twice: Y/);
  assert.throws(() => registryOf([a, { ...a }]), /registered twice: X/);
});

test('schemeFor resolves releases, aliases and case', () => {
  const rows: [string, string | undefined][] = [
    ['Debian:12', 'Debian'],
    ['Ubuntu:22.04:LTS', 'Debian'],
    ['Alpine:v3.18', 'Alpine'],
    ['Rocky Linux:9', 'Red Hat'],
    ['Red Hat:enterprise_linux:9::appstream', 'Red Hat'],
    ['openSUSE:Leap 15.5', 'Red Hat'],
    ['crates.io', 'SemVer'],
    ['Hex', 'SemVer'],
    ['pypi', 'PyPI'],
    ['Go', 'Go'],
    ['Unknown', undefined],
  ];
  for (const [eco, want] of rows) assert.equal(schemeFor(eco)?.id, want, eco);
});

test('compareVersions: results and error values', () => {
  assert.deepEqual(compareVersions('Debian:12', '3.0.11-1~deb12u2', '3.0.11-1'), { ok: true, value: -1 });
  assert.deepEqual(compareVersions('PyPI', '2.0', '2.0.0'), { ok: true, value: 0 });
  const unknown = compareVersions('Nope', '1', '2');
  assert.equal(unknown.ok, false);
  const bad = compareVersions('Go', '1.2.3', 'not-a-version');
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual([bad.error.ecosystem, bad.error.version], ['Go', 'not-a-version']);
});
