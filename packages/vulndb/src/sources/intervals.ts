import type { OsvEvent } from '@bulwark/core';

/**
 * Version sets as unions of intervals, for feeds that state "vulnerable" and "patched" as requirement
 * strings (RubySec, NSWG): affected = vulnerable \ patched, converted to OSV events.
 */
export interface Bound {
  v: string;
  inclusive: boolean;
}

/** An interval; an absent bound is unbounded on that side. */
export interface Interval {
  lo?: Bound;
  hi?: Bound;
}

export type Compare = (a: string, b: string) => number;

function isEmpty(i: Interval, cmp: Compare): boolean {
  if (!i.lo || !i.hi) return false;
  const c = cmp(i.lo.v, i.hi.v);
  return c > 0 || (c === 0 && !(i.lo.inclusive && i.hi.inclusive));
}

/** Lower bounds: unbounded first; at equal values the inclusive bound starts earlier. */
function cmpLo(a: Bound | undefined, b: Bound | undefined, cmp: Compare): number {
  if (!a) return b ? -1 : 0;
  if (!b) return 1;
  const c = cmp(a.v, b.v);
  if (c !== 0) return c;
  return a.inclusive === b.inclusive ? 0 : a.inclusive ? -1 : 1;
}

/** Upper bounds: unbounded last; at equal values the inclusive bound ends later. */
function cmpHi(a: Bound | undefined, b: Bound | undefined, cmp: Compare): number {
  if (!a) return b ? 1 : 0;
  if (!b) return -1;
  const c = cmp(a.v, b.v);
  if (c !== 0) return c;
  return a.inclusive === b.inclusive ? 0 : a.inclusive ? 1 : -1;
}

/** True when interval `a` (ending at hi) touches or overlaps one starting at `lo`. */
function touches(hi: Bound | undefined, lo: Bound | undefined, cmp: Compare): boolean {
  if (!hi || !lo) return true;
  const c = cmp(lo.v, hi.v);
  if (c < 0) return true;
  if (c > 0) return false;
  return hi.inclusive || lo.inclusive;
}

/** Sorted, disjoint, non-empty intervals covering the same versions. */
export function union(intervals: readonly Interval[], cmp: Compare): Interval[] {
  const sorted = intervals.filter((i) => !isEmpty(i, cmp)).sort((a, b) => cmpLo(a.lo, b.lo, cmp));
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && touches(last.hi, i.lo, cmp)) {
      if (cmpHi(i.hi, last.hi, cmp) > 0) last.hi = i.hi;
    } else {
      out.push({ ...i });
    }
  }
  return out;
}

export function complement(intervals: readonly Interval[], cmp: Compare): Interval[] {
  const u = union(intervals, cmp);
  const out: Interval[] = [];
  let lo: Bound | undefined;
  let open = true;
  for (const i of u) {
    if (i.lo) {
      const gap: Interval = { hi: { v: i.lo.v, inclusive: !i.lo.inclusive } };
      if (lo) gap.lo = lo;
      if (open && !isEmpty(gap, cmp)) out.push(gap);
    }
    if (!i.hi) {
      open = false;
      break;
    }
    lo = { v: i.hi.v, inclusive: !i.hi.inclusive };
  }
  if (open) out.push(lo ? { lo } : {});
  return out.filter((i) => !isEmpty(i, cmp));
}

export function intersect(a: readonly Interval[], b: readonly Interval[], cmp: Compare): Interval[] {
  const out: Interval[] = [];
  for (const x of union(a, cmp)) {
    for (const y of union(b, cmp)) {
      const lo = cmpLo(x.lo, y.lo, cmp) >= 0 ? x.lo : y.lo;
      const hi = cmpHi(x.hi, y.hi, cmp) <= 0 ? x.hi : y.hi;
      const i: Interval = {};
      if (lo) i.lo = lo;
      if (hi) i.hi = hi;
      if (!isEmpty(i, cmp)) out.push(i);
    }
  }
  return union(out, cmp);
}

export function subtract(a: readonly Interval[], b: readonly Interval[], cmp: Compare): Interval[] {
  return intersect(a, complement(b, cmp), cmp);
}

/**
 * OSV events for sorted disjoint intervals. OSV has no exclusive lower bound: `after(v)` gives the
 * smallest version above v when the scheme knows it; otherwise v itself is used (one version too many,
 * reported rather than missed) and `approximate` is set.
 */
export function toEvents(intervals: readonly Interval[], after?: (v: string) => string | undefined): { events: OsvEvent[]; approximate: boolean } {
  const events: OsvEvent[] = [];
  let approximate = false;
  for (const i of intervals) {
    if (!i.lo) events.push({ introduced: '0' });
    else if (i.lo.inclusive) events.push({ introduced: i.lo.v });
    else {
      const next = after?.(i.lo.v);
      if (next === undefined) approximate = true;
      events.push({ introduced: next ?? i.lo.v });
    }
    if (i.hi) events.push(i.hi.inclusive ? { last_affected: i.hi.v } : { fixed: i.hi.v });
  }
  return { events, approximate };
}
