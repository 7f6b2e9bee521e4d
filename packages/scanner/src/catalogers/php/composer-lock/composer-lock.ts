import { InputError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { isRecord } from '../../types.js';
import { baseName, checkSize, makePackage, parseJsonFile } from '../../util.js';

const ID = 'php/composer-lock';
const MAX_BYTES = 64 * 1024 * 1024;
const MAX_DEPTH = 64;

function toPackage(file: FileInput, entry: unknown, dev: boolean): Package | undefined {
  if (!isRecord(entry) || typeof entry.name !== 'string' || typeof entry.version !== 'string') return undefined;
  const slash = entry.name.indexOf('/');
  if (slash <= 0 || slash === entry.name.length - 1 || entry.version === '') return undefined;
  const licenses = Array.isArray(entry.license) ? entry.license.filter((l): l is string => typeof l === 'string' && l !== '') : typeof entry.license === 'string' ? [entry.license] : [];
  const metadata: Record<string, unknown> = {};
  if (dev) metadata.dev = true;
  if (typeof entry.type === 'string') metadata.composerType = entry.type;
  return makePackage({
    name: entry.name,
    // Kept as written ("v4.4.0"), as Trivy and Packagist show it; OSV's Packagist ranges use the same strings.
    version: entry.version,
    type: 'composer',
    ecosystem: 'Packagist',
    foundBy: ID,
    path: file.path,
    layer: file.layer,
    purl: { namespace: entry.name.slice(0, slash), name: entry.name.slice(slash + 1) },
    licenses,
    metadata,
  });
}

function catalog(file: FileInput): Result<CatalogResult, InputError> {
  const size = checkSize(file, MAX_BYTES);
  if (!size.ok) return size;
  const doc = parseJsonFile(file, MAX_DEPTH);
  if (!doc.ok) return doc;
  const v = doc.value;
  const groups: { list: unknown; dev: (name: string) => boolean; field: string }[] = [];
  if (Array.isArray(v)) {
    // vendor/composer/installed.json of Composer 1: a bare array.
    groups.push({ list: v, dev: () => false, field: '(root)' });
  } else if (isRecord(v) && baseName(file.path) === 'installed.json') {
    const devNames = new Set(Array.isArray(v['dev-package-names']) ? v['dev-package-names'] : []);
    groups.push({ list: v.packages, dev: (n) => devNames.has(n), field: 'packages' });
  } else if (isRecord(v)) {
    groups.push({ list: v.packages, dev: () => false, field: 'packages' });
    if (v['packages-dev'] !== undefined) groups.push({ list: v['packages-dev'], dev: () => true, field: 'packages-dev' });
  } else {
    return err(new InputError({ file: file.path, expected: 'a composer lock object or installed.json' }));
  }
  const packages: Package[] = [];
  for (const g of groups) {
    if (!Array.isArray(g.list)) return err(new InputError({ file: file.path, field: g.field, expected: 'an array of packages' }));
    for (const entry of g.list) {
      const name = isRecord(entry) && typeof entry.name === 'string' ? entry.name : '';
      const pkg = toPackage(file, entry, g.dev(name));
      if (pkg) packages.push(pkg);
    }
  }
  return ok({ packages });
}

/** Composer: `composer.lock` (packages + packages-dev) and installed `vendor/composer/installed.json` (v1 array, v2 object). */
export const composerLock: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: MAX_BYTES,
  matches(path) {
    return baseName(path) === 'composer.lock' || /(^|\/)vendor\/composer\/installed\.json$/.test(path);
  },
  catalog,
};
