import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, compareNumberLists, comparePrerelease, compareStrings, versionError } from '../shared.js';
import type { Sign } from '../shared.js';

const ID = 'Pub';

export interface PubVersion {
  numbers: string[];
  prerelease: string[];
  build: string[];
}

const IDENT = '[0-9A-Za-z-]+';
const PATTERN = new RegExp(`^v?([0-9]+(?:\\.[0-9]+)*)(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+(${IDENT}(?:\\.${IDENT})*))?$`);

/** Dart pub_semver Version.parse, tolerating a leading "v" and extra numeric parts as OSV does. */
export function parsePubVersion(raw: string): Result<PubVersion, VersionError> {
  const checked = checkRaw(ID, raw);
  if (!checked.ok) return checked;
  const m = PATTERN.exec(raw.trim());
  if (!m) return versionError(ID, raw, 'not a pub version');
  const numbers = m[1].split('.');
  // Parts past patch are not part of the release (OSV's semver-like reading): they go into the build.
  const extra = numbers.slice(3);
  const build = m[3] ? m[3].split('.') : [];
  return ok({ numbers: numbers.slice(0, 3), prerelease: m[2] ? m[2].split('.') : [], build: extra.length > 0 ? [...extra, ...build] : build });
}

/** pub_semver: like SemVer, but build metadata orders too: a build sorts after the plain release ("1.0.0+1" > "1.0.0"). */
export function comparePubVersions(a: PubVersion, b: PubVersion): Sign {
  const c = compareNumberLists(a.numbers, b.numbers);
  if (c !== 0) return c;
  if (a.prerelease.length !== 0 || b.prerelease.length !== 0) {
    if (a.prerelease.length === 0) return 1;
    if (b.prerelease.length === 0) return -1;
    const p = comparePrerelease(a.prerelease, b.prerelease);
    if (p !== 0) return p;
  }
  if (a.build.length === 0 || b.build.length === 0) {
    if (a.build.length === b.build.length) return 0;
    return a.build.length === 0 ? -1 : 1;
  }
  const d = comparePrerelease(a.build, b.build);
  return d !== 0 ? d : compareStrings(a.build.join('.'), b.build.join('.'));
}

export const pub: VersionScheme<PubVersion> = {
  id: ID,
  parse: parsePubVersion,
  compare: comparePubVersions,
};
