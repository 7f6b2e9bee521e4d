import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, compareDigits, compareStrings, isDigits, versionError } from '../shared.js';
import type { Sign } from '../shared.js';

const ID = 'RubyGems';

export interface RubyGemsVersion {
  /** Gem::Version#canonical_segments: digit strings and letter strings, trailing zeros dropped per group. */
  segments: string[];
}

// Gem::Version::ANCHORED_VERSION_PATTERN
const PATTERN = /^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?\s*$/;
// Advisories also carry "1beta"-style versions Gem::Version.correct? rejects; Gem's segment scan still reads them.
const LENIENT = /^\s*([0-9][0-9A-Za-z.-]*)\s*$/;

/** Gem::Version.correct? — the strict syntax. */
export function isValidRubyGemsVersion(raw: string): boolean {
  return checkRaw(ID, raw).ok && PATTERN.test(raw);
}

/** Gem::Version.new: "1.0-1" reads as "1.0.pre.1", a blank version as "0"; see LENIENT for "1beta". */
export function parseRubyGemsVersion(raw: string): Result<RubyGemsVersion, VersionError> {
  const checked = checkRaw(ID, raw);
  if (!checked.ok) return checked;
  const m = PATTERN.exec(raw) ?? LENIENT.exec(raw);
  if (!m) return versionError(ID, raw, 'malformed version number string');
  const version = (m[1] ?? '0').replaceAll('-', '.pre.');
  const all = version.match(/[0-9]+|[a-z]+/gi) ?? [];
  const firstString = all.findIndex((s) => !isDigits(s));
  const numeric = firstString < 0 ? all : all.slice(0, firstString);
  const rest = firstString < 0 ? [] : all.slice(firstString);
  return ok({ segments: [...dropTrailingZeros(numeric), ...dropTrailingZeros(rest)] });
}

function dropTrailingZeros(segs: string[]): string[] {
  let n = segs.length;
  while (n > 0 && isDigits(segs[n - 1]) && compareDigits(segs[n - 1], '0') === 0) n--;
  return segs.slice(0, n);
}

/** Gem::Version#<=>: a letter segment sorts before a number; letters compare bytewise. */
export function compareRubyGemsVersions(a: RubyGemsVersion, b: RubyGemsVersion): Sign {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const x = a.segments[i] ?? '0';
    const y = b.segments[i] ?? '0';
    const xn = isDigits(x);
    const yn = isDigits(y);
    if (xn && yn) {
      const d = compareDigits(x, y);
      if (d !== 0) return d;
    } else if (!xn && !yn) {
      const d = compareStrings(x, y);
      if (d !== 0) return d;
    } else {
      return xn ? 1 : -1;
    }
  }
  return 0;
}

export const rubygems: VersionScheme<RubyGemsVersion> = {
  id: ID,
  parse: parseRubyGemsVersion,
  compare: compareRubyGemsVersions,
};
