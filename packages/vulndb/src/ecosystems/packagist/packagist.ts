import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, compareDigits } from '../shared.js';
import type { Sign } from '../shared.js';

const ID = 'Packagist';

export interface PackagistVersion {
  original: string;
  /** Canonical components: "1.0.0-beta2" → ["1", "0", "0", "beta", "2"]. */
  components: string[];
}

/** PHP version_compare canonicalization (as OSV's PackagistVersion): strip "v", separators to ".", split letter/digit runs. */
export function canonicalizePackagistVersion(raw: string): string {
  let v = raw.startsWith('v') ? raw.slice(1) : raw;
  if (v.startsWith('V')) v = v.slice(1);
  v = v.replace(/[-_+]/g, '.');
  v = v.replace(/([^0-9.])([0-9])/g, '$1.$2');
  v = v.replace(/([0-9])([^0-9.])/g, '$1.$2');
  return v;
}

export function parsePackagistVersion(raw: string): Result<PackagistVersion, VersionError> {
  const checked = checkRaw(ID, raw);
  if (!checked.ok) return checked;
  return ok({ original: raw, components: canonicalizePackagistVersion(raw.trim()).split('.') });
}

const SPECIALS = ['dev', 'a', 'b', 'rc', '#', 'p'];

/** PHP's special forms: dev < alpha = a < beta = b < RC = rc < # < pl = p (matched by prefix). */
function weight(s: string): number {
  if (s.startsWith('RC')) return 3;
  for (let i = 0; i < SPECIALS.length; i++) if (s.startsWith(SPECIALS[i])) return i;
  return 0;
}

const NUMBER = /^[0-9]+$/;
const INT64_MAX = '9223372036854775807';

function isInt64(s: string): boolean {
  return NUMBER.test(s) && compareDigits(s, INT64_MAX) <= 0;
}

function compareSpecial(a: string, b: string): Sign {
  const x = weight(a);
  const y = weight(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareComponents(a: readonly string[], b: readonly string[]): Sign {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const an = NUMBER.test(a[i]);
    const bn = NUMBER.test(b[i]);
    let d: Sign;
    if (an && bn) d = compareDigits(a[i], b[i]);
    else if (!an && !bn) d = compareSpecial(a[i], b[i]);
    else if (an) d = compareSpecial('#', b[i]);
    else d = compareSpecial(a[i], '#');
    if (d !== 0) return d;
  }
  if (a.length > b.length) return isInt64(a[b.length]) ? 1 : compareComponents(a.slice(b.length), ['#']);
  if (a.length < b.length) return isInt64(b[a.length]) ? -1 : compareComponents(['#'], b.slice(a.length));
  return 0;
}

export function comparePackagistVersions(a: PackagistVersion, b: PackagistVersion): Sign {
  return compareComponents(a.components, b.components);
}

export const packagist: VersionScheme<PackagistVersion> = {
  id: ID,
  parse: parsePackagistVersion,
  compare: comparePackagistVersions,
};
