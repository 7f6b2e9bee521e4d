import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, compareNumberLists, comparePrerelease, versionError } from '../shared.js';
import type { Sign } from '../shared.js';

const ID = 'SemVer';

export interface SemverVersion {
  /** major, minor, patch (and any further numeric parts) as digit strings; missing parts are zero ("1.2" = "1.2.0"). */
  core: string[];
  prerelease: string[];
  build: string[];
}

const IDENT = '[0-9A-Za-z-]+';
const PATTERN = new RegExp(`^v?([0-9]+(?:\\.[0-9]+)*)(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+(${IDENT}(?:\\.${IDENT})*))?$`);

/**
 * SemVer 2.0 (https://semver.org) as OSV's SEMVER ranges read it: a leading "v" is tolerated and a missing
 * minor/patch counts as zero ("0" as an `introduced` event) and parts past patch compare numerically. Leading zeros are not rejected (crates.io accepts none,
 * but advisories are not re-validated here).
 */
export function parseSemver(raw: string, ecosystem: string = ID): Result<SemverVersion, VersionError> {
  const checked = checkRaw(ecosystem, raw);
  if (!checked.ok) return checked;
  const m = PATTERN.exec(raw.trim());
  if (!m) return versionError(ecosystem, raw, 'not a SemVer 2.0 version');
  return ok({
    core: m[1].split('.'),
    prerelease: m[2] ? m[2].split('.') : [],
    build: m[3] ? m[3].split('.') : [],
  });
}

/** SemVer 2.0 §11 precedence: core numerically, a pre-release below its release, build metadata ignored. */
export function compareSemver(a: SemverVersion, b: SemverVersion): Sign {
  const c = compareNumberLists(a.core, b.core);
  if (c !== 0) return c;
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    if (a.prerelease.length === b.prerelease.length) return 0;
    return a.prerelease.length === 0 ? 1 : -1;
  }
  return comparePrerelease(a.prerelease, b.prerelease);
}

export const semver: VersionScheme<SemverVersion> = {
  id: ID,
  aliases: ['crates.io', 'Hex', 'Node.js', 'SwiftURL', 'Bitnami'],
  parse: (raw) => parseSemver(raw),
  compare: compareSemver,
};
