import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, compareDigits, sign, versionError } from '../shared.js';
import type { Sign } from '../shared.js';

export interface DebianVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

const ID = 'Debian';
const MAX_EPOCH = '2147483647';

/** dpkg's parseversion (lib/dpkg/parsehelp.c): hard errors only; dpkg's warnings (odd characters) still compare. */
export function parseDebianVersion(raw: string): Result<DebianVersion, VersionError> {
  const checked = checkRaw(ID, raw);
  if (!checked.ok) return checked;
  const s = raw.trim();
  if (s.length === 0) return versionError(ID, raw, 'empty version');
  if (/\s/.test(s)) return versionError(ID, raw, 'embedded whitespace');
  let epoch = '0';
  let rest = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    epoch = s.slice(0, colon);
    if (!/^[0-9]+$/.test(epoch)) return versionError(ID, raw, 'epoch is not a number');
    if (compareDigits(epoch, MAX_EPOCH) > 0) return versionError(ID, raw, 'epoch is too big');
    rest = s.slice(colon + 1);
  }
  if (rest.length === 0) return versionError(ID, raw, 'nothing after colon in version number');
  let upstream = rest;
  let revision = '';
  const dash = rest.lastIndexOf('-');
  if (dash >= 0) {
    upstream = rest.slice(0, dash);
    revision = rest.slice(dash + 1);
  }
  if (upstream.length === 0) return versionError(ID, raw, 'empty upstream version');
  return ok({ epoch, upstream, revision });
}

function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c >= '0' && c <= '9') return 0;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

function digit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** dpkg's verrevcmp: non-digit runs by `order`, then digit runs numerically. */
export function verrevcmp(a: string, b: string): Sign {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !digit(a[i])) || (j < b.length && !digit(b[j]))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return sign(ac - bc);
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (digit(a[i]) && digit(b[j])) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (digit(a[i])) return 1;
    if (digit(b[j])) return -1;
    if (firstDiff !== 0) return sign(firstDiff);
  }
  return 0;
}

export function compareDebianVersions(a: DebianVersion, b: DebianVersion): Sign {
  const e = compareDigits(a.epoch, b.epoch);
  if (e !== 0) return e;
  const u = verrevcmp(a.upstream, b.upstream);
  if (u !== 0) return u;
  return verrevcmp(a.revision, b.revision);
}

export const debian: VersionScheme<DebianVersion> = {
  id: ID,
  aliases: ['Ubuntu'],
  parse: parseDebianVersion,
  compare: compareDebianVersions,
};
