import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, compareDigits, compareStrings, MAX_VERSION_LENGTH } from '../shared.js';
import type { Sign } from '../shared.js';

const ID = 'Alpine';

/** Suffix order from apk-tools: alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p. */
const SUFFIX_WEIGHT: Record<string, number> = { alpha: 1, beta: 2, pre: 3, rc: 4, cvs: 6, svn: 7, git: 8, hg: 9, p: 10 };
const NO_SUFFIX = 5;

export interface AlpineVersion {
  original: string;
  /** Dot-separated numbers, as written (leading zeros matter after the first). */
  numbers: string[];
  letter: string;
  suffixes: { weight: number; number: string }[];
  /** `~<hex>` commit hash, without the tilde. */
  hash: string;
  /** `-r<N>` number, '' when absent. */
  revision: string;
  /** What the grammar could not consume; non-empty means apk-tools rejects the version. */
  remainder: string;
}

/**
 * Splits `number{.number}{letter}{_suffix{number}}{~hash}{-r#}`. Unlike apk-tools, a string apk rejects is still
 * split (the unparsed tail goes to `remainder`) so advisories carrying such versions order the way OSV does.
 */
export function parseAlpineVersion(raw: string): Result<AlpineVersion, VersionError> {
  const checked = checkRaw(ID, raw);
  if (!checked.ok) return checked;
  let s = raw;
  const v: AlpineVersion = { original: raw, numbers: [], letter: '', suffixes: [], hash: '', revision: '', remainder: '' };
  const nums = /^[0-9]+(?:\.[0-9]+)*/.exec(s);
  if (nums) {
    v.numbers = nums[0].split('.');
    s = s.slice(nums[0].length);
  }
  if (/^[a-z]/.test(s)) {
    v.letter = s[0];
    s = s.slice(1);
  }
  for (;;) {
    const m = /^_(alpha|beta|pre|rc|cvs|svn|git|hg|p)([0-9]*)/.exec(s);
    if (!m) break;
    v.suffixes.push({ weight: SUFFIX_WEIGHT[m[1]], number: m[2] === '' ? '0' : m[2] });
    s = s.slice(m[0].length);
  }
  const hash = /^~([0-9a-f]+)/.exec(s);
  if (hash) {
    v.hash = hash[1];
    s = s.slice(hash[0].length);
  }
  const rev = /^-r([0-9]*)/.exec(s);
  if (rev) {
    v.revision = rev[1] === '' ? '0' : rev[1];
    s = s.slice(rev[0].length);
  }
  v.remainder = s;
  return ok(v);
}

function compareNumber(a: string | undefined, ai: number, b: string | undefined, bi: number): Sign {
  const x = a ?? '0';
  const y = b ?? '0';
  // apk compares a non-initial component with a leading zero as a string ("8.2.0015" < "8.2.002")
  if (a !== undefined && b !== undefined && ai > 0 && bi > 0 && (x[0] === '0' || y[0] === '0')) return compareStrings(x, y);
  return compareDigits(x, y);
}

export function compareAlpineVersions(a: AlpineVersion, b: AlpineVersion): Sign {
  // A tail the grammar cannot read, not even as "-r…", makes the version unreadable: two such compare as text.
  if (broken(a) && broken(b)) return compareStrings(a.original, b.original);
  const n = Math.max(a.numbers.length, b.numbers.length);
  for (let i = 0; i < n; i++) {
    const d = compareNumber(a.numbers[i], i, b.numbers[i], i);
    if (d !== 0) return d;
  }
  if (a.letter !== b.letter) {
    if (a.letter === '') return -1;
    if (b.letter === '') return 1;
    return compareStrings(a.letter, b.letter);
  }
  const m = Math.max(a.suffixes.length, b.suffixes.length);
  for (let i = 0; i < m; i++) {
    const x = a.suffixes[i] ?? { weight: NO_SUFFIX, number: '0' };
    const y = b.suffixes[i] ?? { weight: NO_SUFFIX, number: '0' };
    if (x.weight !== y.weight) return x.weight < y.weight ? -1 : 1;
    const d = compareDigits(x.number, y.number);
    if (d !== 0) return d;
  }
  if (a.hash !== b.hash) {
    if (a.hash === '') return -1;
    if (b.hash === '') return 1;
    return compareStrings(a.hash, b.hash);
  }
  const r = compareDigits(a.revision || '0', b.revision || '0');
  if (r !== 0) return r;
  // Leftover text sorts below the clean version ("1-r-0" < "1-r0").
  if ((a.remainder === '') !== (b.remainder === '')) return a.remainder === '' ? 1 : -1;
  return 0;
}

function broken(v: AlpineVersion): boolean {
  return v.remainder !== '' && v.revision === '';
}

// ---- apk-tools v3 tokenizer (src/version.c): validity and the fuzzy operators ----

const T_INITIAL = 0;
const T_DIGIT = 1;
const T_LETTER = 2;
const T_SUFFIX = 3;
const T_SUFFIX_NO = 4;
const T_HASH = 5;
const T_REVISION = 6;
const T_END = 7;
const T_INVALID = 8;

interface TokenState {
  token: number;
  suffix: number;
  value: string;
  pos: number;
}

function parseDigits(t: TokenState, s: string): void {
  const start = t.pos;
  while (t.pos < s.length && s[t.pos] >= '0' && s[t.pos] <= '9') t.pos++;
  t.value = s.slice(start, t.pos);
  if (t.value === '') t.token = T_INVALID;
}

function first(s: string): TokenState {
  const t: TokenState = { token: T_INITIAL, suffix: 0, value: '', pos: 0 };
  parseDigits(t, s);
  return t;
}

function next(t: TokenState, s: string): void {
  if (t.pos >= s.length) {
    t.token = T_END;
    return;
  }
  const c = s[t.pos];
  if (c >= 'a' && c <= 'z') {
    if (t.token > T_DIGIT) return void (t.token = T_INVALID);
    t.value = c;
    t.token = T_LETTER;
    t.pos++;
    return;
  }
  if (c === '.' || (c >= '0' && c <= '9')) {
    if (c === '.') {
      if (t.token > T_DIGIT) return void (t.token = T_INVALID);
      t.pos++;
    }
    if (t.token === T_INITIAL || t.token === T_DIGIT) t.token = T_DIGIT;
    else if (t.token === T_SUFFIX) t.token = T_SUFFIX_NO;
    else return void (t.token = T_INVALID);
    parseDigits(t, s);
    return;
  }
  if (c === '_') {
    if (t.token > T_SUFFIX_NO) return void (t.token = T_INVALID);
    t.pos++;
    const start = t.pos;
    while (t.pos < s.length && s[t.pos] >= 'a' && s[t.pos] <= 'z') t.pos++;
    t.value = s.slice(start, t.pos);
    const w = SUFFIX_WEIGHT[t.value];
    if (w === undefined || !Object.hasOwn(SUFFIX_WEIGHT, t.value)) return void (t.token = T_INVALID);
    t.suffix = w;
    t.token = T_SUFFIX;
    return;
  }
  if (c === '~') {
    if (t.token >= T_HASH) return void (t.token = T_INVALID);
    t.pos++;
    const start = t.pos;
    while (t.pos < s.length && /[0-9a-f]/.test(s[t.pos])) t.pos++;
    t.value = s.slice(start, t.pos);
    t.token = t.value === '' ? T_INVALID : T_HASH;
    return;
  }
  if (c === '-') {
    if (t.token >= T_REVISION || s[t.pos + 1] !== 'r') return void (t.token = T_INVALID);
    t.pos += 2;
    t.token = T_REVISION;
    parseDigits(t, s);
    return;
  }
  t.token = T_INVALID;
}

/** apk_version_validate: true when apk-tools accepts the version. */
export function isValidAlpineVersion(raw: string): boolean {
  if (raw.length > MAX_VERSION_LENGTH) return false;
  const t = first(raw);
  while (t.token < T_END) next(t, raw);
  return t.token === T_END;
}

function tokenCmp(a: TokenState, b: TokenState): Sign {
  switch (a.token) {
    case T_DIGIT:
      if (a.value[0] === '0' || b.value[0] === '0') return blobSort(a.value, b.value);
      return compareDigits(a.value, b.value);
    case T_INITIAL:
    case T_SUFFIX_NO:
    case T_REVISION:
      return compareDigits(a.value, b.value);
    case T_LETTER:
      return compareStrings(a.value, b.value);
    case T_SUFFIX:
      return a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0;
    default:
      return blobSort(a.value, b.value);
  }
}

function blobSort(a: string, b: string): Sign {
  const n = Math.min(a.length, b.length);
  const d = compareStrings(a.slice(0, n), b.slice(0, n));
  if (d !== 0) return d;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** apk_version_compare_fuzzy: with `fuzzy`, `b` matching a prefix of `a` counts as equal (apk's `~`). */
export function apkCompare(a: string, b: string, fuzzy: boolean): Sign {
  const ta = first(a);
  const tb = first(b);
  while (ta.token === tb.token && ta.token < T_END) {
    const r = tokenCmp(ta, tb);
    if (r !== 0) return r;
    next(ta, a);
    next(tb, b);
  }
  if (ta.token === tb.token) return 0;
  if (tb.token === T_END && fuzzy) return 0;
  if (ta.token === T_SUFFIX && ta.suffix < NO_SUFFIX) return -1;
  if (tb.token === T_SUFFIX && tb.suffix < NO_SUFFIX) return 1;
  if (ta.token > tb.token) return -1;
  if (tb.token > ta.token) return 1;
  return 0;
}

/** apk's dependency operators, including the fuzzy `~` (prefix match), `<~` and `>~`. */
export function apkVersionMatch(a: string, op: '<' | '<=' | '=' | '>=' | '>' | '~' | '<~' | '>~', b: string): boolean {
  const fuzzy = op.includes('~');
  const r = apkCompare(a, b, fuzzy);
  switch (op) {
    case '<':
      return r < 0;
    case '<=':
      return r <= 0;
    case '=':
    case '~':
      return r === 0;
    case '>=':
      return r >= 0;
    case '>':
      return r > 0;
    case '<~':
      return r <= 0;
    case '>~':
      return r >= 0;
  }
}

export const alpine: VersionScheme<AlpineVersion> = {
  id: ID,
  parse: parseAlpineVersion,
  compare: compareAlpineVersions,
};
