import Database from 'better-sqlite3';
import { InputError, buildPurl, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { checkSize, makePackage } from '../../util.js';

import { TAG, parseRpmHeader } from './header.js';
import type { RpmHeader } from './header.js';

const DB_PATHS = ['/var/lib/rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/rpmdb.sqlite'];
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const MAX_PACKAGES = 200_000;

// purl namespaces by VENDOR, as Trivy and Syft spell them; image assembly may refine from os-release.
const VENDORS: [RegExp, string][] = [
  [/^Red Hat/i, 'redhat'],
  [/^Rocky/i, 'rocky'],
  [/^AlmaLinux/i, 'almalinux'],
  [/^CentOS/i, 'centos'],
  [/^Fedora/i, 'fedora'],
  [/^Amazon/i, 'amazon'],
  [/^Oracle/i, 'oracle'],
  [/^(openSUSE|SUSE)/i, 'opensuse'],
  [/^Wolfi|^Chainguard/i, 'wolfi'],
  [/^Microsoft/i, 'cbl-mariner'],
];

export function vendorNamespace(vendor: string | undefined): string | undefined {
  if (!vendor || vendor === '(none)') return undefined;
  return VENDORS.find(([re]) => re.test(vendor))?.[1] ?? vendor.toLowerCase().split(/[^a-z0-9]+/).find((w) => w.length > 0);
}

/** "openssl-3.0.7-27.el9.src.rpm" → openssl and "3.0.7-27.el9" (name may contain dashes; version and release cannot). */
export function parseSourceRpm(srpm: string | undefined): { name: string; version: string } | undefined {
  if (!srpm || srpm === '(none)') return undefined;
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(srpm);
  return m ? { name: m[1], version: `${m[2]}-${m[3]}` } : undefined;
}

function packageOf(h: RpmHeader, file: FileInput): Package | undefined {
  const name = h.strings.get(TAG.NAME);
  const ver = h.strings.get(TAG.VERSION);
  const rel = h.strings.get(TAG.RELEASE);
  // gpg-pubkey entries are imported signing keys, not software.
  if (!name || !ver || !rel || name === 'gpg-pubkey') return undefined;
  const epoch = h.ints.get(TAG.EPOCH);
  const arch = h.strings.get(TAG.ARCH);
  const vendor = h.strings.get(TAG.VENDOR);
  const license = h.strings.get(TAG.LICENSE);
  const evr = `${epoch ? `${epoch}:` : ''}${ver}-${rel}`;
  const src = parseSourceRpm(h.strings.get(TAG.SOURCERPM));
  const metadata: Record<string, unknown> = {};
  if (arch) metadata.architecture = arch;
  if (vendor && vendor !== '(none)') metadata.vendor = vendor;
  if (h.strings.get(TAG.SOURCERPM)) metadata.sourceRpm = h.strings.get(TAG.SOURCERPM);
  const pkg = makePackage({
    name,
    version: evr,
    type: 'rpm',
    ecosystem: 'Red Hat',
    foundBy: 'os/rpm',
    path: file.path,
    layer: file.layer,
    licenses: license && license !== '(none)' ? [license] : [],
    metadata,
  });
  if (src) pkg.source = { name: src.name, version: `${epoch ? `${epoch}:` : ''}${src.version}` };
  const qualifiers: Record<string, string> = {};
  if (arch) qualifiers.arch = arch;
  if (epoch) qualifiers.epoch = String(epoch);
  pkg.purl = buildPurl({ type: 'rpm', namespace: vendorNamespace(vendor), name, version: `${ver}-${rel}`, qualifiers });
  return pkg;
}

/** Header blobs of an rpmdb.sqlite image: the Packages table, in install order. */
function sqliteBlobs(file: FileInput): Result<Buffer[], InputError> {
  const content = file.content;
  if (content.length < 100 || !content.subarray(0, 16).equals(SQLITE_MAGIC)) {
    return err(new InputError({ file: file.path, expected: 'an SQLite database' }));
  }
  // rpm keeps the database in WAL mode; an in-memory (deserialized) database cannot open in WAL mode, so the
  // copy is switched to the rollback journal in its header (bytes 18-19). The -wal file is not read: rpm
  // checkpoints on close, and a scanner sees images at rest.
  const copy = Buffer.from(content);
  copy[18] = 1;
  copy[19] = 1;
  let db: Database.Database | undefined;
  try {
    db = new Database(copy);
    const rows = db.prepare(`SELECT hnum, blob FROM Packages ORDER BY hnum LIMIT ${MAX_PACKAGES + 1}`).all() as { hnum: number; blob: unknown }[];
    if (rows.length > MAX_PACKAGES) return err(new InputError({ file: file.path, message: `more than ${MAX_PACKAGES} packages` }));
    return ok(rows.filter((r) => Buffer.isBuffer(r.blob)).map((r) => r.blob as Buffer));
  } catch (e) {
    return err(new InputError({ file: file.path, expected: 'an rpmdb with a Packages table', message: `unreadable rpmdb: ${(e as Error).message}`, cause: e }));
  } finally {
    db?.close();
  }
}

export const rpm: Cataloger = {
  id: 'os/rpm',
  version: 1,
  maxBytes: 256 * 1024 * 1024,
  matches(path) {
    return DB_PATHS.some((p) => path.endsWith(p));
  },
  catalog(file): Result<CatalogResult, InputError> {
    const size = checkSize(file, this.maxBytes);
    if (!size.ok) return size;
    const blobs = sqliteBlobs(file);
    if (!blobs.ok) return blobs;
    const packages: Package[] = [];
    let badHeaders = 0;
    for (const blob of blobs.value) {
      const h = parseRpmHeader(blob, file.path);
      if (!h.ok) {
        badHeaders++;
        continue;
      }
      const pkg = packageOf(h.value, file);
      if (pkg) packages.push(pkg);
    }
    if (packages.length === 0 && badHeaders > 0) {
      return err(new InputError({ file: file.path, expected: 'rpm header blobs', message: `${badHeaders} unreadable header(s), no packages` }));
    }
    return ok({ packages });
  },
};
