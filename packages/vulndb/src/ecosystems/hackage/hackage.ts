import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, compareDigits, versionError } from '../shared.js';
import type { Sign } from '../shared.js';

const ID = 'Hackage';

export interface HackageVersion {
  numbers: string[];
}

/** Cabal's Distribution.Version: dot-separated non-negative integers, no tags. */
export function parseHackageVersion(raw: string): Result<HackageVersion, VersionError> {
  const checked = checkRaw(ID, raw);
  if (!checked.ok) return checked;
  const s = raw.trim();
  if (!/^[0-9]+(?:\.[0-9]+)*$/.test(s)) return versionError(ID, raw, 'not a Cabal version');
  return ok({ numbers: s.split('.') });
}

/** Lexicographic on the integer list, so "1.0" < "1.0.0" (Cabal's Ord). */
export function compareHackageVersions(a: HackageVersion, b: HackageVersion): Sign {
  const n = Math.min(a.numbers.length, b.numbers.length);
  for (let i = 0; i < n; i++) {
    const d = compareDigits(a.numbers[i], b.numbers[i]);
    if (d !== 0) return d;
  }
  return a.numbers.length < b.numbers.length ? -1 : a.numbers.length > b.numbers.length ? 1 : 0;
}

export const hackage: VersionScheme<HackageVersion> = {
  id: ID,
  parse: parseHackageVersion,
  compare: compareHackageVersions,
};
