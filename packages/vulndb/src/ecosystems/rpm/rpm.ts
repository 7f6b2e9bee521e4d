import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, compareStrings, isAsciiLetter, isDigit } from '../shared.js';
import type { Sign } from '../shared.js';

const ID = 'Red Hat';

export interface RpmVersion {
  epoch: string;
  version: string;
  release: string;
}

/** `[epoch:]version[-release]`; an epoch that is not all digits is part of the version, as rpm reads it. */
export function parseRpmVersion(raw: string): Result<RpmVersion, VersionError> {
  const checked = checkRaw(ID, raw);
  if (!checked.ok) return checked;
  let epoch = '';
  let rest = raw;
  const colon = raw.indexOf(':');
  if (colon >= 0 && /^[0-9]+$/.test(raw.slice(0, colon))) {
    epoch = raw.slice(0, colon);
    rest = raw.slice(colon + 1);
  }
  const dash = rest.indexOf('-');
  const version = dash >= 0 ? rest.slice(0, dash) : rest;
  const release = dash >= 0 ? rest.slice(dash + 1) : '';
  return ok({ epoch: epoch === '' ? '0' : epoch, version, release: dash >= 0 ? `-${release}` : '' });
}

function separator(c: string): boolean {
  return !isAsciiLetter(c) && !isDigit(c) && c !== '~' && c !== '^';
}

/** rpmvercmp (rpmio/rpmvercmp.c), including `~` (sorts before anything) and `^` (after the base, before more). */
export function rpmvercmp(a: string, b: string): Sign {
  if (a === b) return 0;
  if (a === '' && b !== '') return -1;
  if (a !== '' && b === '') return 1;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && separator(a[i])) i++;
    while (j < b.length && separator(b[j])) j++;
    const at = a[i] === '~';
    const bt = b[j] === '~';
    if (at || bt) {
      if (!at) return 1;
      if (!bt) return -1;
      i++;
      j++;
      continue;
    }
    const ac = a[i] === '^';
    const bc = b[j] === '^';
    if (ac || bc) {
      if (ac && bc) {
        i++;
        j++;
        continue;
      }
      if (ac) return j >= b.length ? 1 : -1;
      return i >= a.length ? -1 : 1;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a[i]);
    const kind = numeric ? isDigit : isAsciiLetter;
    const si = i;
    const sj = j;
    while (i < a.length && kind(a[i])) i++;
    while (j < b.length && kind(b[j])) j++;
    let x = a.slice(si, i);
    let y = b.slice(sj, j);
    if (y === '') return numeric ? 1 : -1;
    if (numeric) {
      x = x.replace(/^0+/, '');
      y = y.replace(/^0+/, '');
      if (x.length !== y.length) return x.length > y.length ? 1 : -1;
    }
    const d = compareStrings(x, y);
    if (d !== 0) return d;
  }
  const al = a.length - i;
  const bl = b.length - j;
  return al > bl ? 1 : al < bl ? -1 : 0;
}

export function compareRpmVersions(a: RpmVersion, b: RpmVersion): Sign {
  return rpmvercmp(a.epoch, b.epoch) || rpmvercmp(a.version, b.version) || rpmvercmp(a.release, b.release);
}

export const rpm: VersionScheme<RpmVersion> = {
  id: ID,
  aliases: [
    'RPM',
    'Rocky Linux',
    'AlmaLinux',
    'openSUSE',
    'SUSE',
    'Photon OS',
    'Mageia',
    'openEuler',
    'Amazon Linux',
    'Oracle Linux',
    'Fedora',
    'CentOS',
  ],
  parse: parseRpmVersion,
  compare: compareRpmVersions,
};
