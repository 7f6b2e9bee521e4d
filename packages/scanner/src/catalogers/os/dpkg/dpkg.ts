import { InputError, buildPurl, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { checkSize, makePackage } from '../../util.js';
import { textOf } from '../common.js';
import { parseControl } from './control.js';
import type { ControlParagraph } from './control.js';
import { copyrightLicenses } from './licenses.js';

const STATUS = '/var/lib/dpkg/status';
const STATUS_D = '/var/lib/dpkg/status.d/';
const COPYRIGHT = /(?:^|\/)usr\/share\/doc\/([^/]+)\/copyright$/;

// dpkg's current-state word (third word of Status): files are on disk in these states.
const PRESENT_STATES = new Set(['installed', 'triggers-awaited', 'triggers-pending', 'half-configured']);

function isStatusD(path: string): boolean {
  const i = path.indexOf(STATUS_D);
  if (i < 0) return false;
  const name = path.slice(i + STATUS_D.length);
  // distroless keeps "<pkg>" (or "<pkg>.md5sums" and "<pkg>.list") files here; only the control ones count.
  return name.length > 0 && !name.includes('/') && !/\.(md5sums|list|conffiles)$/.test(name);
}

/** "util-linux (2.38.1-5+deb12u3)" → name and version; a bare "gmp" → name only. */
function parseSource(raw: string): { name: string; version?: string } | undefined {
  const m = /^(\S+)(?:\s+\((\S+)\))?\s*$/.exec(raw.trim());
  if (!m) return undefined;
  return m[2] ? { name: m[1], version: m[2] } : { name: m[1] };
}

function packageOf(para: ControlParagraph, file: FileInput, requireStatus: boolean): Package | undefined {
  const status = para.get('Status');
  if (status !== undefined || requireStatus) {
    const state = status?.split(/\s+/)[2];
    if (!state || !PRESENT_STATES.has(state)) return undefined;
  }
  const name = para.get('Package');
  const version = para.get('Version');
  if (!name || !version || /\s/.test(name) || /\s/.test(version)) return undefined;
  const arch = para.get('Architecture');
  const src = parseSource(para.get('Source') ?? name) ?? { name };
  const epoch = /^(\d+):/.exec(version)?.[1];
  const qualifiers: Record<string, string> = {};
  if (arch) qualifiers.arch = arch;
  if (epoch) qualifiers.epoch = epoch;
  const metadata: Record<string, unknown> = {};
  if (arch) metadata.architecture = arch;
  if (para.get('Maintainer')) metadata.maintainer = para.get('Maintainer');
  const pkg = makePackage({
    name,
    version,
    type: 'deb',
    ecosystem: 'Debian',
    foundBy: 'os/dpkg',
    path: file.path,
    layer: file.layer,
    source: { name: src.name, version: src.version ?? version },
    metadata,
  });
  // Trivy's convention: the purl version has no epoch, the epoch is a qualifier (as for rpm).
  const purlVersion = epoch ? version.slice(epoch.length + 1) : version;
  pkg.purl = buildPurl({ type: 'deb', namespace: 'debian', name, version: purlVersion, qualifiers });
  return pkg;
}

function catalogStatus(file: FileInput, text: string, requireStatus: boolean): Result<CatalogResult, InputError> {
  const { paragraphs, badLines } = parseControl(text);
  if (paragraphs.length === 0 || paragraphs.every((p) => !p.has('Package'))) {
    return err(new InputError({ file: file.path, expected: 'dpkg control paragraphs with a Package field' }));
  }
  const packages: Package[] = [];
  for (const para of paragraphs) {
    const pkg = packageOf(para, file, requireStatus);
    if (pkg) packages.push(pkg);
  }
  // Malformed lines are skipped rather than losing every package of the system to one bad line.
  if (packages.length === 0 && badLines > 0) {
    return err(new InputError({ file: file.path, expected: 'deb822 control syntax', message: `${badLines} malformed line(s)` }));
  }
  return ok({ packages });
}

export const dpkg: Cataloger = {
  id: 'os/dpkg',
  version: 1,
  maxBytes: 64 * 1024 * 1024,
  matches(path) {
    return path.endsWith(STATUS) || isStatusD(path) || COPYRIGHT.test(path);
  },
  catalog(file): Result<CatalogResult, InputError> {
    const size = checkSize(file, this.maxBytes);
    if (!size.ok) return size;
    const text = textOf(file);
    if (text === undefined) return err(new InputError({ file: file.path, expected: 'a text file', message: 'binary content' }));
    const copyright = COPYRIGHT.exec(file.path);
    if (copyright) {
      const licenses = copyrightLicenses(text);
      return ok({ packages: [], licenseHints: licenses.length > 0 ? [{ type: 'deb', name: copyright[1], licenses }] : [] });
    }
    return catalogStatus(file, text, !isStatusD(file.path));
  },
};
