import type { OsvAffected, OsvEvent, OsvRecord } from '@bulwark/core';
import { schemeFor } from '../ecosystems/registry.js';
import { semver } from '../ecosystems/semver/semver.js';
import type { VersionScheme } from '../ecosystems/types.js';

export interface AffectedVerdict {
  status: 'affected' | 'not-affected' | 'unknown';
  /** `fixed` events above the version, lowest first (empty when not affected). */
  fixedVersions: string[];
  /** Why the verdict is 'unknown', or which list/range made it 'affected'. */
  reason?: string;
}

/** Bounds on one `affected` entry: more events or listed versions than this is treated as unreadable. */
export const MAX_EVENTS_PER_RANGE = 10_000;
export const MAX_RANGES = 1_000;

type Kind = 'introduced' | 'last_affected' | 'fixed' | 'limit';
const KINDS: readonly Kind[] = ['introduced', 'last_affected', 'fixed', 'limit'];

interface Parsed {
  kind: Kind;
  raw: string;
  /** undefined for introduced "0" (below every version). */
  value: unknown;
}

interface RangeOutcome {
  status: 'affected' | 'not-affected' | 'unknown';
  reason?: string;
  /** fixed events of the range, parsed, for fixedVersions. */
  fixed: { raw: string; value: unknown }[];
}

/**
 * OSV range evaluation (https://ossf.github.io/osv-schema/#evaluation) for one `affected` entry and a version:
 * the `versions` list (exact match) and ECOSYSTEM / SEMVER ranges; GIT ranges name commits, not versions, and are
 * skipped. An unparsable version or event gives 'unknown' with a reason, never a guess.
 * `ecosystem` defaults to `affected.package.ecosystem`; a release suffix ("Debian:12") is fine.
 */
export function evaluateAffected(affected: OsvAffected, version: string, ecosystem?: string): AffectedVerdict {
  if (typeof version !== 'string' || version === '') return { status: 'unknown', fixedVersions: [], reason: 'empty version' };
  const eco = ecosystem ?? (isObject(affected?.package) && typeof affected.package.ecosystem === 'string' ? affected.package.ecosystem : '');
  const listed = Array.isArray(affected?.versions) && affected.versions.some((v) => v === version);
  const ranges = Array.isArray(affected?.ranges) ? affected.ranges : [];
  if (ranges.length > MAX_RANGES) return { status: 'unknown', fixedVersions: [], reason: `more than ${MAX_RANGES} ranges` };

  const outcomes: { scheme: VersionScheme; out: RangeOutcome; version: unknown }[] = [];
  const reasons: string[] = [];
  for (const range of ranges) {
    if (!isObject(range)) {
      reasons.push('range is not an object');
      continue;
    }
    const type = range.type;
    if (type === 'GIT') continue;
    let scheme: VersionScheme | undefined;
    if (type === 'SEMVER') scheme = semver;
    else if (type === 'ECOSYSTEM') scheme = schemeFor(eco);
    else {
      reasons.push(`unsupported range type ${JSON.stringify(type)}`);
      continue;
    }
    if (!scheme) {
      reasons.push(`no version scheme for ecosystem ${JSON.stringify(eco)}`);
      continue;
    }
    const v = scheme.parse(version);
    if (!v.ok) {
      reasons.push(`version ${JSON.stringify(version)} is not a valid ${type === 'SEMVER' ? 'SemVer' : scheme.id} version: ${v.error.message}`);
      continue;
    }
    const out = evaluateRange(scheme, v.value, range.events);
    if (out.reason && out.status === 'unknown') reasons.push(out.reason);
    outcomes.push({ scheme, out, version: v.value });
  }

  const hits = outcomes.filter((o) => o.out.status === 'affected');
  if (listed || hits.length > 0) {
    const sources = hits.length > 0 ? hits : outcomes;
    return { status: 'affected', fixedVersions: fixedAbove(sources), reason: listed ? 'listed in versions' : 'inside a range' };
  }
  if (reasons.length > 0) return { status: 'unknown', fixedVersions: fixedAbove(outcomes), reason: reasons.join('; ') };
  return { status: 'not-affected', fixedVersions: [] };
}

function evaluateRange(scheme: VersionScheme, version: unknown, events: unknown): RangeOutcome {
  if (!Array.isArray(events)) return { status: 'unknown', reason: 'range has no events list', fixed: [] };
  if (events.length > MAX_EVENTS_PER_RANGE) return { status: 'unknown', reason: `more than ${MAX_EVENTS_PER_RANGE} events`, fixed: [] };
  const parsed: Parsed[] = [];
  const bad: string[] = [];
  for (const e of events as unknown[]) {
    if (!isObject(e)) {
      bad.push('event is not an object');
      continue;
    }
    for (const kind of KINDS) {
      const raw = (e as OsvEvent)[kind];
      if (raw === undefined) continue;
      if (typeof raw !== 'string') {
        bad.push(`${kind} is not a string`);
        continue;
      }
      if (kind === 'introduced' && raw === '0') {
        parsed.push({ kind, raw, value: undefined });
        continue;
      }
      const p = scheme.parse(raw);
      if (p.ok) parsed.push({ kind, raw, value: p.value });
      else bad.push(`${kind} ${JSON.stringify(raw)}: ${p.error.message}`);
    }
  }
  const fixed = parsed.filter((p) => p.kind === 'fixed').map((p) => ({ raw: p.raw, value: p.value }));
  if (bad.length > 0) return { status: 'unknown', reason: `unreadable event (${bad.join(', ')})`, fixed };
  const order = (p: Parsed, q: Parsed): number => {
    if (p.value === undefined || q.value === undefined) {
      const d = (p.value === undefined ? 0 : 1) - (q.value === undefined ? 0 : 1);
      if (d !== 0) return d;
    } else {
      const d = scheme.compare(p.value, q.value);
      if (d !== 0) return d;
    }
    return KINDS.indexOf(p.kind) - KINDS.indexOf(q.kind);
  };
  parsed.sort(order);
  const cmp = (ev: Parsed): number => (ev.value === undefined ? 1 : scheme.compare(version, ev.value));
  let vulnerable = false;
  for (const ev of parsed) {
    if (ev.kind === 'introduced' && cmp(ev) >= 0) vulnerable = true;
    else if (ev.kind === 'fixed' && cmp(ev) >= 0) vulnerable = false;
    else if (ev.kind === 'last_affected' && cmp(ev) > 0) vulnerable = false;
  }
  const limits = parsed.filter((p) => p.kind === 'limit');
  if (vulnerable && limits.length > 0 && !limits.some((l) => cmp(l) < 0)) vulnerable = false;
  return { status: vulnerable ? 'affected' : 'not-affected', fixed };
}

function fixedAbove(sources: { scheme: VersionScheme; out: RangeOutcome; version: unknown }[]): string[] {
  const found: { raw: string; value: unknown; scheme: VersionScheme }[] = [];
  for (const s of sources) {
    for (const f of s.out.fixed) {
      if (s.scheme.compare(f.value, s.version) <= 0) continue;
      if (found.some((x) => x.raw === f.raw)) continue;
      found.push({ ...f, scheme: s.scheme });
    }
  }
  found.sort((x, y) => {
    if (x.scheme === y.scheme) return x.scheme.compare(x.value, y.value);
    // SEMVER and ECOSYSTEM ranges in one entry: order both under one scheme that reads both
    for (const s of [x.scheme, y.scheme]) {
      const a = s.parse(x.raw);
      const b = s.parse(y.raw);
      if (a.ok && b.ok) return s.compare(a.value, b.value);
    }
    return 0;
  });
  return found.map((f) => f.raw);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** True when the record carries a `withdrawn` time at or before `now` (a time that does not parse counts as withdrawn). */
export function isWithdrawn(record: OsvRecord, now: Date = new Date()): boolean {
  const w = record?.withdrawn;
  if (typeof w !== 'string' || w.trim() === '') return false;
  const t = Date.parse(w);
  return Number.isNaN(t) || t <= now.getTime();
}
