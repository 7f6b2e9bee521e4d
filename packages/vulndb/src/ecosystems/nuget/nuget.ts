import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, compareNumberLists, comparePrerelease, versionError } from '../shared.js';
import type { Sign } from '../shared.js';

const ID = 'NuGet';

export interface NuGetVersion {
  /** Up to four numeric parts (major.minor.patch.revision); missing parts are zero. */
  numbers: string[];
  /** Pre-release labels, lower-cased: NuGet compares them case-insensitively. */
  prerelease: string[];
  metadata: string;
}

const LABEL = '[0-9A-Za-z-]+';
const PATTERN = new RegExp(`^v?([0-9]+(?:\\.[0-9]+){0,3})(?:-(${LABEL}(?:\\.${LABEL})*))?(?:\\+([0-9A-Za-z-.]+))?$`);

/** NuGet.Versioning NuGetVersion: SemVer 2.0 with an optional fourth part, e.g. "1.0.0.1-Beta+git". */
export function parseNuGetVersion(raw: string): Result<NuGetVersion, VersionError> {
  const checked = checkRaw(ID, raw);
  if (!checked.ok) return checked;
  const m = PATTERN.exec(raw.trim());
  if (!m) return versionError(ID, raw, 'not a NuGet version');
  return ok({ numbers: m[1].split('.'), prerelease: m[2] ? m[2].toLowerCase().split('.') : [], metadata: m[3] ?? '' });
}

export function compareNuGetVersions(a: NuGetVersion, b: NuGetVersion): Sign {
  const c = compareNumberLists(a.numbers, b.numbers);
  if (c !== 0) return c;
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    if (a.prerelease.length === b.prerelease.length) return 0;
    return a.prerelease.length === 0 ? 1 : -1;
  }
  return comparePrerelease(a.prerelease, b.prerelease);
}

export const nuget: VersionScheme<NuGetVersion> = {
  id: ID,
  parse: parseNuGetVersion,
  compare: compareNuGetVersions,
};
