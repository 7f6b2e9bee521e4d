import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, compareDigits, compareStrings } from '../shared.js';
import type { Sign } from '../shared.js';

const ID = 'Maven';

export interface MavenToken {
  /** The separator before the token; the first token counts as ".". Digit/letter transitions count as "-". */
  prefix: '.' | '-';
  /** Lower-cased, aliases resolved ("cr" → "rc", "ga"/"final"/"release" → ""), numbers without leading zeros. */
  value: string;
}

export interface MavenVersion {
  tokens: MavenToken[];
}

const KEYWORDS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const NUMBER = /^[0-9]+$/;

/**
 * The POM reference "version order specification" (https://maven.apache.org/pom.html#version-order-specification),
 * as OSV orders Maven versions: tokens split on ".", "-" and digit/letter transitions, trailing nulls trimmed.
 */
export function parseMavenVersion(raw: string): Result<MavenVersion, VersionError> {
  const checked = checkRaw(ID, raw);
  if (!checked.ok) return checked;
  const tokens: MavenToken[] = [];
  const parts = raw.split(/([.-])/);
  for (let i = 0; i < parts.length; i += 2) {
    let prefix: '.' | '-' = i === 0 ? '.' : (parts[i - 1] as '.' | '-');
    const part = parts[i];
    const pieces = part === '' ? [''] : (part.match(/[0-9]+|[^0-9]+/g) as string[]);
    for (let j = 0; j < pieces.length; j++) {
      if (j > 0) prefix = '-';
      let value = pieces[j].toLowerCase();
      if (value === '') value = '0';
      if (value === 'cr') value = 'rc';
      if (value === 'ga' || value === 'final' || value === 'release') value = '';
      // "a1", "b2", "m3": the one-letter forms only count when a number follows directly
      if (j < pieces.length - 1) {
        if (value === 'a') value = 'alpha';
        else if (value === 'b') value = 'beta';
        else if (value === 'm') value = 'milestone';
      }
      if (NUMBER.test(value)) value = value.replace(/^0+(?=[0-9])/, '');
      tokens.push({ prefix, value });
    }
  }
  // Trim trailing nulls, then again before each remaining hyphen, from the end to the start.
  let i = tokens.length - 1;
  while (i > 0) {
    if (isNullValue(tokens[i].value)) {
      tokens.splice(i, 1);
      i--;
      continue;
    }
    while (i >= 0 && tokens[i].prefix !== '-') i--;
    i--;
  }
  return ok({ tokens });
}

function isNullValue(v: string): boolean {
  return v === '0' || v === '';
}

interface Padded extends MavenToken {
  isNull: boolean;
}

function nullFor(other: MavenToken): Padded {
  if (other.prefix === '.') return { prefix: '.', value: other.value === 'sp' ? '' : '0', isNull: true };
  return { prefix: '-', value: '', isNull: true };
}

function prefixOrder(t: MavenToken): number {
  const numeric = NUMBER.test(t.value);
  if (numeric) return t.prefix === '-' ? 2 : 3;
  return t.prefix === '-' ? 1 : 0;
}

function keyword(v: string): number {
  const i = KEYWORDS.indexOf(v);
  return i < 0 ? KEYWORDS.length : i;
}

function tokenLess(a: Padded, b: Padded): boolean {
  if (a.prefix !== b.prefix) return prefixOrder(a) < prefixOrder(b);
  const an = NUMBER.test(a.value);
  const bn = NUMBER.test(b.value);
  if (an && bn) return compareDigits(a.value, b.value) < 0;
  // numbers sort after qualifiers, except a padded null
  if (an && !a.isNull) return false;
  if (bn && !b.isNull) return true;
  const ai = keyword(a.value);
  const bi = keyword(b.value);
  if (ai === KEYWORDS.length && bi === KEYWORDS.length) return compareStrings(a.value, b.value) < 0;
  return ai < bi;
}

export function compareMavenVersions(a: MavenVersion, b: MavenVersion): Sign {
  const n = Math.max(a.tokens.length, b.tokens.length);
  for (let i = 0; i < n; i++) {
    const l: Padded = i < a.tokens.length ? { ...a.tokens[i], isNull: false } : nullFor(b.tokens[i]);
    const r: Padded = i < b.tokens.length ? { ...b.tokens[i], isNull: false } : nullFor(a.tokens[i]);
    if (l.prefix === r.prefix && l.value === r.value) continue;
    return tokenLess(l, r) ? -1 : 1;
  }
  return 0;
}

export const maven: VersionScheme<MavenVersion> = {
  id: ID,
  parse: parseMavenVersion,
  compare: compareMavenVersions,
};
