import { ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { VersionError, VersionScheme } from '../types.js';
import { checkRaw, compareDigits, compareIdentifiers, compareStrings, isDigits } from '../shared.js';
import type { Sign } from '../shared.js';

const ID = 'PyPI';

export interface PypiVersion {
  /** False for a pre-PEP 440 ("legacy") version, ordered below every PEP 440 version as setuptools did. */
  pep440: boolean;
  epoch: string;
  release: string[];
  pre?: { letter: 'a' | 'b' | 'rc'; number: string };
  post?: string;
  dev?: string;
  local?: string[];
  /** LegacyVersion comparison key (packaging < 22), only when `pep440` is false. */
  legacy?: string[];
}

// packaging's VERSION_PATTERN (PEP 440 appendix B), case-insensitive, ASCII digits only.
const PEP440 = new RegExp(
  '^\\s*v?(?:(?:([0-9]+)!)?([0-9]+(?:\\.[0-9]+)*)' +
    '([-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?' +
    '((?:-([0-9]+))|(?:[-_.]?(post|rev|r)[-_.]?([0-9]+)?))?' +
    '([-_.]?(dev)[-_.]?([0-9]+)?)?)' +
    '(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$',
  'i',
);

const PRE_LETTER: Record<string, 'a' | 'b' | 'rc'> = { a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', pre: 'rc', preview: 'rc', rc: 'rc' };

function int(s: string): string {
  return s.replace(/^0+(?=[0-9])/, '');
}

/** PEP 440 parse; a string PEP 440 rejects is kept as a legacy version (see README) unless `strict`. */
export function parsePypiVersion(raw: string, strict = false): Result<PypiVersion, VersionError> {
  const checked = checkRaw(ID, raw);
  if (!checked.ok) return checked;
  const m = PEP440.exec(raw);
  if (!m) {
    if (strict) return { ok: false, error: { ecosystem: ID, version: raw, message: 'not a PEP 440 version' } };
    return ok({ pep440: false, epoch: '-1', release: [], legacy: legacyKey(raw) });
  }
  const v: PypiVersion = { pep440: true, epoch: int(m[1] ?? '0'), release: m[2].split('.').map(int) };
  if (m[3]) v.pre = { letter: PRE_LETTER[m[4].toLowerCase()], number: int(m[5] ?? '0') };
  if (m[6]) v.post = int(m[7] ?? m[9] ?? '0');
  if (m[10]) v.dev = int(m[12] ?? '0');
  if (m[13]) v.local = m[13].toLowerCase().split(/[-_.]/).map((p) => (isDigits(p) ? int(p) : p));
  return ok(v);
}

/** True when the string is a valid PEP 440 version (packaging.version.Version accepts it). */
export function isValidPypiVersion(raw: string): boolean {
  return checkRaw(ID, raw).ok && PEP440.test(raw);
}

/** The canonical PEP 440 spelling (packaging's `str(Version(raw))`), or undefined for a non-PEP 440 string. */
export function normalizePypiVersion(raw: string): string | undefined {
  const r = parsePypiVersion(raw, true);
  if (!r.ok) return undefined;
  const v = r.value;
  let s = v.epoch !== '0' ? `${v.epoch}!` : '';
  s += v.release.join('.');
  if (v.pre) s += `${v.pre.letter}${v.pre.number}`;
  if (v.post !== undefined) s += `.post${v.post}`;
  if (v.dev !== undefined) s += `.dev${v.dev}`;
  if (v.local) s += `+${v.local.join('.')}`;
  return s;
}

const LEGACY_REPLACE: Record<string, string> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };

/** packaging's `_legacy_cmpkey` (LegacyVersion, removed in packaging 22). */
function legacyKey(raw: string): string[] {
  const parts: string[] = [];
  const pieces = raw.toLowerCase().split(/([0-9]+|[a-z]+|\.|-)/);
  pieces.push('final');
  for (let piece of pieces) {
    piece = Object.hasOwn(LEGACY_REPLACE, piece) ? LEGACY_REPLACE[piece] : piece;
    if (piece === '' || piece === '.') continue;
    const part = piece[0] >= '0' && piece[0] <= '9' ? piece.padStart(8, '0') : `*${piece}`;
    if (part.startsWith('*')) {
      if (part < '*final') while (parts.length > 0 && parts[parts.length - 1] === '*final-') parts.pop();
      while (parts.length > 0 && parts[parts.length - 1] === '00000000') parts.pop();
    }
    parts.push(part);
  }
  return parts;
}

function compareTuple(a: readonly string[], b: readonly string[]): Sign {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = compareStrings(a[i], b[i]);
    if (d !== 0) return d;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function trimZeros(release: readonly string[]): string[] {
  let n = release.length;
  while (n > 0 && release[n - 1] === '0') n--;
  return release.slice(0, n);
}

function compareReleaseLists(a: readonly string[], b: readonly string[]): Sign {
  const x = trimZeros(a);
  const y = trimZeros(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = compareDigits(x[i], y[i]);
    if (d !== 0) return d;
  }
  return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
}

const PRE_RANK = { a: 0, b: 1, rc: 2 } as const;

// packaging's _cmpkey: each optional part maps to -inf / +inf when absent.
function preKey(v: PypiVersion): [number, number, string] {
  if (!v.pre && v.post === undefined && v.dev !== undefined) return [-1, 0, '0'];
  if (!v.pre) return [1, 0, '0'];
  return [0, PRE_RANK[v.pre.letter], v.pre.number];
}

function compareLocal(a: readonly string[] | undefined, b: readonly string[] | undefined): Sign {
  if (!a || !b) return a === b ? 0 : a ? 1 : -1;
  return compareIdentifiers(a, b, 1);
}

export function comparePypiVersions(a: PypiVersion, b: PypiVersion): Sign {
  if (!a.pep440 || !b.pep440) {
    if (a.pep440 !== b.pep440) return a.pep440 ? 1 : -1;
    return compareTuple(a.legacy ?? [], b.legacy ?? []);
  }
  let d = compareDigits(a.epoch, b.epoch) || compareReleaseLists(a.release, b.release);
  if (d !== 0) return d;
  const pa = preKey(a);
  const pb = preKey(b);
  d = (Math.sign(pa[0] - pb[0]) || Math.sign(pa[1] - pb[1]) || compareDigits(pa[2], pb[2])) as Sign;
  if (d !== 0) return d;
  if (a.post !== b.post) {
    if (a.post === undefined) return -1;
    if (b.post === undefined) return 1;
    d = compareDigits(a.post, b.post);
    if (d !== 0) return d;
  }
  if (a.dev !== b.dev) {
    if (a.dev === undefined) return 1;
    if (b.dev === undefined) return -1;
    d = compareDigits(a.dev, b.dev);
    if (d !== 0) return d;
  }
  return compareLocal(a.local, b.local);
}

export const pypi: VersionScheme<PypiVersion> = {
  id: ID,
  parse: (raw) => parsePypiVersion(raw),
  compare: comparePypiVersions,
};
