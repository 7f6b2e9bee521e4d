import { InputError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { checkSize, makePackage } from '../../util.js';
import { textOf } from '../common.js';

const INSTALLED = 'lib/apk/db/installed';

/** apk-tools' own spelling of licenses: SPDX expressions in recent releases, space-separated names before. */
function parseLicenses(raw: string | undefined): string[] {
  if (!raw) return [];
  const v = raw.trim();
  if (/\s(AND|OR|WITH)\s/.test(v)) return [v];
  return v.split(/\s+/).filter((s) => s.length > 0);
}

function packageOf(fields: Map<string, string>, file: FileInput): Package | undefined {
  const name = fields.get('P');
  const version = fields.get('V');
  if (!name || !version) return undefined;
  const arch = fields.get('A');
  const origin = fields.get('o');
  const metadata: Record<string, unknown> = {};
  if (arch) metadata.architecture = arch;
  if (fields.get('m')) metadata.maintainer = fields.get('m');
  if (fields.get('c')) metadata.commit = fields.get('c');
  return makePackage({
    name,
    version,
    type: 'apk',
    ecosystem: 'Alpine',
    foundBy: 'os/apk',
    path: file.path,
    layer: file.layer,
    purl: { namespace: 'alpine', name, qualifiers: arch ? { arch } : {} },
    source: { name: origin ?? name, version },
    licenses: parseLicenses(fields.get('L')),
    metadata,
  });
}

/** Parses apk's installed database: "X:value" lines, one blank-line separated record per package. */
export function parseApkInstalled(file: FileInput, text: string): Result<Package[], InputError> {
  const packages: Package[] = [];
  let fields = new Map<string, string>();
  let records = 0;
  let badLines = 0;
  const flush = (): void => {
    if (fields.size === 0) return;
    records++;
    const pkg = packageOf(fields, file);
    if (pkg) packages.push(pkg);
    fields = new Map();
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (line.length < 2 || line[1] !== ':') {
      badLines++;
      continue;
    }
    // Per-file lines (F, R, a, Z, M) repeat; only the first value of the package keys matters.
    const key = line[0];
    if (!fields.has(key)) fields.set(key, line.slice(2));
  }
  flush();
  if (records === 0 || (packages.length === 0 && badLines > 0)) {
    return err(new InputError({ file: file.path, expected: 'apk installed database records (P:, V: lines)' }));
  }
  return ok(packages);
}

export const apk: Cataloger = {
  id: 'os/apk',
  version: 1,
  maxBytes: 64 * 1024 * 1024,
  matches(path) {
    return path === INSTALLED || path.endsWith(`/${INSTALLED}`);
  },
  catalog(file): Result<CatalogResult, InputError> {
    const size = checkSize(file, this.maxBytes);
    if (!size.ok) return size;
    const text = textOf(file);
    if (text === undefined) return err(new InputError({ file: file.path, expected: 'a text file', message: 'binary content' }));
    const r = parseApkInstalled(file, text);
    return r.ok ? ok({ packages: r.value }) : r;
  },
};
