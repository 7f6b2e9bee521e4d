import { err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError } from './types.js';

/** Longest version string any scheme parses; longer input is an error value, not work. */
export const MAX_VERSION_LENGTH = 256;

export type Sign = -1 | 0 | 1;

export function sign(n: number): Sign {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

export function versionError(ecosystem: string, version: string, message: string): { ok: false; error: VersionError } {
  return err({ ecosystem, version: version.length > 80 ? `${version.slice(0, 80)}…` : version, message });
}

/** Common guards before a scheme looks at a version: a string, not empty, bounded, no control characters. */
export function checkRaw(ecosystem: string, raw: unknown): Result<string, VersionError> {
  if (typeof raw !== 'string') return versionError(ecosystem, String(raw), 'version is not a string');
  if (raw.length === 0) return versionError(ecosystem, raw, 'empty version');
  if (raw.length > MAX_VERSION_LENGTH) return versionError(ecosystem, raw, `longer than ${MAX_VERSION_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001f\u007f]/.test(raw)) return versionError(ecosystem, raw, 'control character in version');
  return ok(raw);
}

export function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

export function isAsciiLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

export function isDigits(s: string): boolean {
  return /^[0-9]+$/.test(s);
}

/** Numeric order of two ASCII digit strings of any length (no BigInt needed: strip zeros, longer wins). */
export function compareDigits(a: string, b: string): Sign {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function stripZeros(s: string): string {
  let i = 0;
  while (i < s.length - 1 && s[i] === '0') i++;
  return s.slice(i);
}

/** Byte order of two strings (JS `<` on UTF-16 code units; equal to byte order for ASCII). */
export function compareStrings(a: string, b: string): Sign {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares numeric component lists, the shorter padded with zeros. */
export function compareNumberLists(a: readonly string[], b: readonly string[]): Sign {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Compares identifier lists part by part: numeric parts by value, others bytewise, a numeric part against another
 * by `numericVsOther` (lower in SemVer pre-releases, higher in PEP 440 local labels); else the longer list is greater.
 */
export function compareIdentifiers(a: readonly string[], b: readonly string[], numericVsOther: -1 | 1): Sign {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    const xn = isDigits(x);
    const yn = isDigits(y);
    let d: Sign;
    if (xn && yn) d = compareDigits(x, y);
    else if (xn) d = numericVsOther;
    else if (yn) d = numericVsOther === 1 ? -1 : 1;
    else d = compareStrings(x, y);
    if (d !== 0) return d;
  }
  return sign(a.length - b.length);
}

/** SemVer 2.0 §11 precedence of two dot-separated pre-release identifier lists (both non-empty). */
export function comparePrerelease(a: readonly string[], b: readonly string[]): Sign {
  return compareIdentifiers(a, b, -1);
}
