import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, compareNumberLists, versionError } from '../shared.js';
import type { Sign } from '../shared.js';

const ID = 'CRAN';

export interface CranVersion {
  numbers: string[];
}

/** R's package_version: non-negative integers separated by "." or "-" ("1.2-3"). */
export function parseCranVersion(raw: string): Result<CranVersion, VersionError> {
  const checked = checkRaw(ID, raw);
  if (!checked.ok) return checked;
  const s = raw.trim();
  if (!/^[0-9]+(?:[.-][0-9]+)*$/.test(s)) return versionError(ID, raw, 'not an R package version');
  return ok({ numbers: s.split(/[.-]/) });
}

/** Numeric parts in order; when one is a prefix of the other the longer is greater ("0.1.0" < "0.1.0.0"). */
export function compareCranVersions(a: CranVersion, b: CranVersion): Sign {
  const c = compareNumberLists(a.numbers, b.numbers);
  if (c !== 0) return c;
  return a.numbers.length < b.numbers.length ? -1 : a.numbers.length > b.numbers.length ? 1 : 0;
}

export const cran: VersionScheme<CranVersion> = {
  id: ID,
  parse: parseCranVersion,
  compare: compareCranVersions,
};
