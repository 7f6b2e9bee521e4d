import semverLib from 'semver';
import type { Options, SemVer } from 'semver';
import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, MAX_VERSION_LENGTH, sign, versionError } from '../shared.js';
import type { Sign } from '../shared.js';

const ID = 'npm';

/** node-semver options as npm passes them: `loose` accepts "=1.2.3", "v 1.2.3", "1.2.3beta". */
export type NpmOptions = Options;

const DEFAULT_OPTIONS: NpmOptions = { loose: true };

export function parseNpmVersion(raw: string, options: NpmOptions = DEFAULT_OPTIONS): Result<SemVer, VersionError> {
  const checked = checkRaw(ID, raw);
  if (!checked.ok) return checked;
  const v = semverLib.parse(raw, options);
  return v ? ok(v) : versionError(ID, raw, 'not a semver version');
}

/** node-semver `compare` (build metadata ignored); errors when either side does not parse with `options`. */
export function compareNpmStrings(a: string, b: string, options: NpmOptions = DEFAULT_OPTIONS): Result<Sign, VersionError> {
  const x = parseNpmVersion(a, options);
  if (!x.ok) return x;
  const y = parseNpmVersion(b, options);
  if (!y.ok) return y;
  return ok(sign(x.value.compare(y.value)));
}

/** True when node-semver would parse the version with these options. */
export function isValidNpmVersion(raw: string, options: NpmOptions = {}): boolean {
  return raw.length <= MAX_VERSION_LENGTH && semverLib.parse(raw, options) !== null;
}

/**
 * npm range semantics (`^1.2.3`, `1.x || >=2.5.0`, hyphen ranges, `includePrerelease`), from node-semver.
 * An unparsable range is an error value; a version that is not semver does not satisfy any range (node-semver).
 */
export function satisfiesRange(version: string, range: string, options: NpmOptions = {}): Result<boolean, VersionError> {
  if (range.length > MAX_VERSION_LENGTH * 4) return versionError(ID, range, 'range too long');
  let parsed: semverLib.Range;
  try {
    parsed = new semverLib.Range(range, options);
  } catch (e) {
    return versionError(ID, range, `invalid range: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (version.length > MAX_VERSION_LENGTH) return versionError(ID, version, 'version too long');
  return ok(parsed.test(version));
}

export const npm: VersionScheme<SemVer> = {
  id: ID,
  parse: (raw) => parseNpmVersion(raw),
  compare: (a, b) => sign(a.compare(b)),
};
