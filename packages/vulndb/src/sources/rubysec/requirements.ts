import { compareVersions } from '../../ecosystems/registry.js';
import type { Compare, Interval } from '../intervals.js';
import { intersect, union } from '../intervals.js';

export class RequirementError extends Error {}

/** Gem::Version ordering; an unparsable version throws RequirementError (the caller skips the advisory). */
export const compareGems: Compare = (a, b) => {
  const r = compareVersions('RubyGems', a, b);
  if (!r.ok) throw new RequirementError(r.error.message);
  return r.value;
};

/** Gem::Version#bump: drop prerelease segments and the last segment, then increment ("1.2.3" → "1.3"). */
export function bumpGem(v: string): string {
  const segs = v.replaceAll('-', '.pre.').split('.');
  const firstString = segs.findIndex((s) => !/^\d+$/.test(s));
  const release = firstString < 0 ? segs : segs.slice(0, firstString);
  if (release.length === 0) throw new RequirementError(`cannot bump ${v}`);
  const kept = release.length > 1 ? release.slice(0, -1) : release;
  kept[kept.length - 1] = String(BigInt(kept[kept.length - 1]) + 1n);
  return kept.join('.');
}

const OP_RE = /^\s*(=|!=|>=|<=|>|<|~>)?\s*([0-9][0-9A-Za-z.-]*)\s*$/;

/** One Gem::Requirement string ("~> 1.2.3", ">= 1.0, < 2") as a union of intervals. */
export function requirementIntervals(req: string): Interval[] {
  let acc: Interval[] = [{}];
  for (const part of req.split(',')) {
    const m = OP_RE.exec(part);
    if (!m) throw new RequirementError(`not a gem requirement: ${JSON.stringify(req)}`);
    const v = m[2];
    let set: Interval[];
    switch (m[1] ?? '=') {
      case '=': set = [{ lo: { v, inclusive: true }, hi: { v, inclusive: true } }]; break;
      case '!=': set = [{ hi: { v, inclusive: false } }, { lo: { v, inclusive: false } }]; break;
      case '>': set = [{ lo: { v, inclusive: false } }]; break;
      case '>=': set = [{ lo: { v, inclusive: true } }]; break;
      case '<': set = [{ hi: { v, inclusive: false } }]; break;
      case '<=': set = [{ hi: { v, inclusive: true } }]; break;
      default: set = [{ lo: { v, inclusive: true }, hi: { v: bumpGem(v), inclusive: false } }];
    }
    acc = intersect(acc, set, compareGems);
  }
  return union(acc, compareGems);
}
