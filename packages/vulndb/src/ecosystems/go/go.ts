import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, compareDigits, comparePrerelease, versionError } from '../shared.js';
import type { Sign } from '../shared.js';

const ID = 'Go';

export interface GoVersion {
  major: string;
  minor: string;
  patch: string;
  /** Pre-release identifiers ("0.20230101120000-abcdef123456" for a pseudo-version). */
  prerelease: string[];
  /** Build metadata without the "+" ("incompatible"); ignored by ordering. */
  build: string;
  /** "v1" and "v1.2" are shorthands (golang.org/x/mod/semver); canonical form fills in zeros. */
  short: boolean;
}

const NUM = '(0|[1-9][0-9]*)';
const IDENT = '(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)';
const BUILD_IDENT = '[0-9A-Za-z-]+';
const FULL = new RegExp(`^v${NUM}\\.${NUM}\\.${NUM}(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+(${BUILD_IDENT}(?:\\.${BUILD_IDENT})*))?$`);
const SHORT = new RegExp(`^v${NUM}(?:\\.${NUM})?$`);

/** golang.org/x/mod/semver.parse: the leading "v" is required; "v1" and "v1.2" are valid, "v1.2-pre" is not. */
export function parseGoSemver(v: string): Result<GoVersion, VersionError> {
  const checked = checkRaw(ID, v);
  if (!checked.ok) return checked;
  const full = FULL.exec(v);
  if (full) {
    return ok({ major: full[1], minor: full[2], patch: full[3], prerelease: full[4] ? full[4].split('.') : [], build: full[5] ?? '', short: false });
  }
  const short = SHORT.exec(v);
  if (short) return ok({ major: short[1], minor: short[2] ?? '0', patch: '0', prerelease: [], build: '', short: true });
  return versionError(ID, v, 'not a Go module semantic version');
}

/** Go module versions as OSV writes them: without the "v" ("1.21.3"), which the Go toolchain spells "v1.21.3". */
export function parseGoVersion(raw: string): Result<GoVersion, VersionError> {
  const checked = checkRaw(ID, raw);
  if (!checked.ok) return checked;
  const r = parseGoSemver(raw.startsWith('v') ? raw : `v${raw}`);
  return r.ok ? r : versionError(ID, raw, r.error.message);
}

/** semver.IsValid: the string as given, leading "v" required. */
export function isValidGoSemver(v: string): boolean {
  return parseGoSemver(v).ok;
}

/** semver.Canonical: "v1.2" → "v1.2.0", build metadata dropped; undefined when invalid. */
export function canonicalGoSemver(v: string): string | undefined {
  const r = parseGoSemver(v);
  if (!r.ok) return undefined;
  const x = r.value;
  const pre = x.prerelease.length > 0 ? `-${x.prerelease.join('.')}` : '';
  return `v${x.major}.${x.minor}.${x.patch}${pre}`;
}

export function compareGoVersions(a: GoVersion, b: GoVersion): Sign {
  const c = compareDigits(a.major, b.major) || compareDigits(a.minor, b.minor) || compareDigits(a.patch, b.patch);
  if (c !== 0) return c;
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    if (a.prerelease.length === b.prerelease.length) return 0;
    return a.prerelease.length === 0 ? 1 : -1;
  }
  return comparePrerelease(a.prerelease, b.prerelease);
}

export const go: VersionScheme<GoVersion> = {
  id: ID,
  parse: parseGoVersion,
  compare: compareGoVersions,
};
