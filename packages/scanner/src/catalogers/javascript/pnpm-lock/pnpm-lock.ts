import { InputError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import { isRecord } from '../../types.js';
import type { CatalogResult, Cataloger } from '../../types.js';
import { baseName, checkSize, parseYamlFile } from '../../util.js';
import { isNpmName, isVersion, npmPackage, splitSpec } from '../common.js';

const MAX_ENTRIES = 500_000;

/**
 * A `packages` key to name and version. 5.x: "/name/1.0.0" or "/@scope/name/1.0.0_peer@2.0.0";
 * 6.x: "/name@1.0.0(peer@2.0.0)"; 9.x: "name@1.0.0" (peers only in `snapshots` keys).
 */
export function parsePnpmKey(key: string, major: number): { name: string; version: string } | undefined {
  const k = key.startsWith('/') ? key.slice(1) : key;
  if (major < 6) {
    const slash = k.lastIndexOf('/');
    if (slash <= 0) return undefined;
    const version = k.slice(slash + 1).split('_')[0];
    return { name: k.slice(0, slash), version };
  }
  const paren = k.indexOf('(');
  const spec = splitSpec(paren < 0 ? k : k.slice(0, paren));
  return spec ? { name: spec.name, version: spec.range } : undefined;
}

function registryVersion(v: string): boolean {
  return isVersion(v) && !v.includes('/') && !v.includes(':');
}

/** 9.x has no dev flags: packages reachable only from importers' devDependencies (through snapshots) are dev. */
function devOnlyV9(lock: Record<string, unknown>): Set<string> | undefined {
  if (!isRecord(lock.importers) || !isRecord(lock.snapshots)) return undefined;
  const snapshots = lock.snapshots;
  const walk = (roots: string[]): Set<string> => {
    const seen = new Set<string>();
    const stack = [...roots];
    while (stack.length > 0 && seen.size < MAX_ENTRIES) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const snap = snapshots[id];
      if (!isRecord(snap)) continue;
      for (const field of ['dependencies', 'optionalDependencies']) {
        const deps = snap[field];
        if (isRecord(deps)) for (const [n, v] of Object.entries(deps)) if (typeof v === 'string') stack.push(snapshotId(n, v));
      }
    }
    return seen;
  };
  const prodRoots: string[] = [];
  const devRoots: string[] = [];
  for (const imp of Object.values(lock.importers)) {
    if (!isRecord(imp)) continue;
    for (const [field, roots] of [['dependencies', prodRoots], ['optionalDependencies', prodRoots], ['devDependencies', devRoots]] as const) {
      const deps = imp[field];
      if (!isRecord(deps)) continue;
      for (const [n, d] of Object.entries(deps)) if (isRecord(d) && typeof d.version === 'string') roots.push(snapshotId(n, d.version));
    }
  }
  const prod = walk(prodRoots);
  const dev = new Set<string>();
  for (const id of walk(devRoots)) if (!prod.has(id)) dev.add(stripPeers(id));
  for (const id of prod) dev.delete(stripPeers(id));
  return dev;
}

/** A dependency reference to its snapshot key: "4.6.0" under "a" → "a@4.6.0"; aliases carry their own name. */
function snapshotId(name: string, version: string): string {
  return /^(@[^/@]+\/)?[^@(]+@/.test(version) && !/^\d/.test(version) ? version : `${name}@${version}`;
}

function stripPeers(id: string): string {
  const i = id.indexOf('(');
  return i < 0 ? id : id.slice(0, i);
}

export const pnpmLock: Cataloger = {
  id: 'javascript/pnpm-lock',
  version: 1,
  maxBytes: 128 * 1024 * 1024,
  matches(path) {
    return baseName(path) === 'pnpm-lock.yaml' && !path.includes('node_modules/');
  },
  catalog(file): Result<CatalogResult, InputError> {
    const size = checkSize(file, this.maxBytes);
    if (!size.ok) return size;
    const doc = parseYamlFile(file);
    if (!doc.ok) return doc;
    const lock = doc.value;
    if (!isRecord(lock)) return err(new InputError({ file: file.path, expected: 'a YAML mapping' }));
    const major = Number.parseFloat(String(lock.lockfileVersion));
    if (!Number.isFinite(major) || major < 5 || major >= 10) {
      return err(new InputError({ file: file.path, field: 'lockfileVersion', expected: '5.x, 6.x or 9.x' }));
    }
    if (lock.packages === undefined || lock.packages === null) return ok({ packages: [] });
    if (!isRecord(lock.packages)) return err(new InputError({ file: file.path, field: 'packages', expected: 'a mapping' }));
    const devOnly = major >= 9 ? devOnlyV9(lock) : undefined;
    const seen = new Set<string>();
    const packages: Package[] = [];
    for (const [key, raw] of Object.entries(lock.packages)) {
      if (packages.length >= MAX_ENTRIES) break;
      const entry = isRecord(raw) ? raw : {};
      // Tarball and git dependencies carry their name and version as fields; registry ones only in the key.
      const fromKey = parsePnpmKey(key, major);
      const name = typeof entry.name === 'string' ? entry.name : fromKey?.name;
      const version = typeof entry.version === 'string' ? entry.version : fromKey?.version;
      if (!isNpmName(name) || version === undefined || !registryVersion(version)) continue;
      const id = `${name}@${version}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const dev = major >= 9 ? devOnly?.has(id) : entry.dev === true;
      const metadata: Record<string, unknown> = {};
      if (dev) metadata.dev = true;
      if (entry.optional === true) metadata.optional = true;
      packages.push(npmPackage({ name, version, foundBy: this.id, file, metadata }));
    }
    return ok({ packages });
  },
};
