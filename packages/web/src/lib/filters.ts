// URL search params ↔ list state. Every list keeps its filters, sort and page cursor in the URL so a link can be shared;
// defaults are left out of the URL so the plain path is the default view.

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;
export const STATUSES = ['open', 'fixed', 'suppressed', 'risk-accepted'] as const;
export const FINDING_TYPES = ['vulnerability', 'config', 'secret', 'runtime'] as const;
export const SORT_KEYS = ['priority', 'severity', 'lastSeen', 'firstSeen', 'id'] as const;
export const GROUP_BYS = ['none', 'cve', 'package', 'image'] as const;
export const PAGE_SIZES = [20, 50, 100, 200] as const;

export type Severity = (typeof SEVERITIES)[number];
export type Status = (typeof STATUSES)[number];
export type FindingType = (typeof FINDING_TYPES)[number];
export type SortKey = (typeof SORT_KEYS)[number];
export type GroupBy = (typeof GROUP_BYS)[number];

/** Cursor paging: the current page's cursor and the cursors of the pages before it (first page = ''). */
export interface Paging {
  cursor?: string;
  back: string[];
  limit: number;
}

export interface FindingFilters extends Paging {
  severity: Severity[];
  status: Status[];
  type: FindingType[];
  kev?: boolean;
  fixAvailable?: boolean;
  assetId?: number;
  target?: string;
  ruleId?: string;
  /** Package key: purl, else name@version (as groups by package name it). */
  package?: string;
  sort: SortKey;
  dir: 'asc' | 'desc';
  group: GroupBy;
}

/** The default list shows open findings only, highest priority first. */
export const DEFAULT_FINDING_FILTERS: FindingFilters = {
  severity: [],
  status: ['open'],
  type: [],
  sort: 'priority',
  dir: 'desc',
  group: 'none',
  back: [],
  limit: 50,
};

function list<T extends string>(raw: string | null, allowed: readonly T[]): T[] {
  if (!raw) return [];
  return [...new Set(raw.split(','))].filter((v): v is T => (allowed as readonly string[]).includes(v));
}

function oneOf<T extends string>(raw: string | null, allowed: readonly T[], dflt: T): T {
  return raw !== null && (allowed as readonly string[]).includes(raw) ? (raw as T) : dflt;
}

function bool(raw: string | null): boolean | undefined {
  return raw === 'true' ? true : raw === 'false' ? false : undefined;
}

function text(raw: string | null): string | undefined {
  const v = raw?.trim();
  return v ? v : undefined;
}

const CURSOR = /^[A-Za-z0-9_-]{1,1024}$/;

export function parsePaging(sp: URLSearchParams, dfltLimit = 50): Paging {
  const cursor = sp.get('cursor');
  const back = (sp.get('back') ?? '').split('.').filter((c, i, all) => (c === '' ? all.length > 1 && i === 0 : CURSOR.test(c)));
  const n = Number(sp.get('limit'));
  const limit = (PAGE_SIZES as readonly number[]).includes(n) ? n : dfltLimit;
  return cursor && CURSOR.test(cursor) ? { cursor, back: back.length ? back : [''], limit } : { back: [], limit };
}

export function writePaging(sp: URLSearchParams, p: Paging, dfltLimit = 50): void {
  if (p.cursor) {
    sp.set('cursor', p.cursor);
    sp.set('back', p.back.join('.'));
  }
  if (p.limit !== dfltLimit) sp.set('limit', String(p.limit));
}

/** The next page: push the current cursor. */
export function nextPage<T extends Paging>(f: T, nextCursor: string): T {
  return { ...f, back: f.cursor ? [...f.back, f.cursor] : [''], cursor: nextCursor };
}

/** The previous page: pop a cursor ('' is the first page). */
export function prevPage<T extends Paging>(f: T): T {
  const back = f.back.slice(0, -1);
  const prev = f.back[f.back.length - 1];
  return prev ? { ...f, cursor: prev, back } : { ...f, cursor: undefined, back: [] };
}

/** Reset paging (any filter or sort change starts on page one). */
export function firstPage<T extends Paging>(f: T): T {
  return { ...f, cursor: undefined, back: [] };
}

export function parseFindingFilters(sp: URLSearchParams): FindingFilters {
  const d = DEFAULT_FINDING_FILTERS;
  const assetId = Number(sp.get('assetId'));
  const status = sp.get('status');
  return {
    severity: list(sp.get('severity'), SEVERITIES),
    // "status=" (empty) means every status; absent means the default (open)
    status: status === null ? d.status : list(status, STATUSES),
    type: list(sp.get('type'), FINDING_TYPES),
    kev: bool(sp.get('kev')),
    fixAvailable: bool(sp.get('fixAvailable')),
    assetId: Number.isSafeInteger(assetId) && assetId > 0 ? assetId : undefined,
    target: text(sp.get('target')),
    ruleId: text(sp.get('ruleId')),
    package: text(sp.get('package')),
    sort: oneOf(sp.get('sort'), SORT_KEYS, d.sort),
    dir: oneOf(sp.get('dir'), ['asc', 'desc'] as const, d.dir),
    group: oneOf(sp.get('group'), GROUP_BYS, d.group),
    ...parsePaging(sp, d.limit),
  };
}

export function findingFiltersToSearch(f: FindingFilters): URLSearchParams {
  const d = DEFAULT_FINDING_FILTERS;
  const sp = new URLSearchParams();
  if (f.severity.length) sp.set('severity', f.severity.join(','));
  if (f.status.join(',') !== d.status.join(',')) sp.set('status', f.status.join(','));
  if (f.type.length) sp.set('type', f.type.join(','));
  if (f.kev !== undefined) sp.set('kev', String(f.kev));
  if (f.fixAvailable !== undefined) sp.set('fixAvailable', String(f.fixAvailable));
  if (f.assetId !== undefined) sp.set('assetId', String(f.assetId));
  if (f.target) sp.set('target', f.target);
  if (f.ruleId) sp.set('ruleId', f.ruleId);
  if (f.package) sp.set('package', f.package);
  if (f.sort !== d.sort) sp.set('sort', f.sort);
  if (f.dir !== d.dir) sp.set('dir', f.dir);
  if (f.group !== d.group) sp.set('group', f.group);
  writePaging(sp, f, d.limit);
  return sp;
}

/** The query of GET /api/v1/findings (withPaging false: GET /api/v1/findings/summary). */
export function findingFiltersToApi(f: FindingFilters, withPaging = true): URLSearchParams {
  const sp = new URLSearchParams();
  if (f.severity.length) sp.set('severity', f.severity.join(','));
  if (f.status.length) sp.set('status', f.status.join(','));
  if (f.type.length) sp.set('type', f.type.join(','));
  if (f.kev !== undefined) sp.set('kev', String(f.kev));
  if (f.fixAvailable !== undefined) sp.set('fixAvailable', String(f.fixAvailable));
  if (f.assetId !== undefined) sp.set('assetId', String(f.assetId));
  if (f.target) sp.set('target', f.target);
  if (f.ruleId) sp.set('ruleId', f.ruleId);
  if (f.package) sp.set('package', f.package);
  if (withPaging) {
    sp.set('sort', f.sort);
    sp.set('dir', f.dir);
    sp.set('limit', String(f.limit));
    if (f.cursor) sp.set('cursor', f.cursor);
  }
  return sp;
}

export const ASSET_KINDS = ['image', 'package', 'repository', 'cluster', 'namespace', 'workload', 'node', 'cloud-resource'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export interface AssetFilters extends Paging {
  kind?: AssetKind;
  group?: number;
  q?: string;
}

export function parseAssetFilters(sp: URLSearchParams): AssetFilters {
  const group = Number(sp.get('group'));
  const kind = sp.get('kind');
  return {
    kind: kind !== null && (ASSET_KINDS as readonly string[]).includes(kind) ? (kind as AssetKind) : undefined,
    group: Number.isSafeInteger(group) && group > 0 ? group : undefined,
    q: text(sp.get('q')),
    ...parsePaging(sp, 50),
  };
}

export function assetFiltersToSearch(f: AssetFilters): URLSearchParams {
  const sp = new URLSearchParams();
  if (f.kind) sp.set('kind', f.kind);
  if (f.group !== undefined) sp.set('group', String(f.group));
  if (f.q) sp.set('q', f.q);
  writePaging(sp, f, 50);
  return sp;
}

/** Generic cursor-paged list with a few plain string filters (alerts, reports, audit). */
export function parseSimple(sp: URLSearchParams, keys: readonly string[], dfltLimit = 50): Paging & { values: Record<string, string> } {
  const values: Record<string, string> = {};
  for (const k of keys) {
    const v = text(sp.get(k));
    if (v !== undefined) values[k] = v;
  }
  return { values, ...parsePaging(sp, dfltLimit) };
}

export function simpleToSearch(f: Paging & { values: Record<string, string> }, dfltLimit = 50): URLSearchParams {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(f.values)) if (v) sp.set(k, v);
  writePaging(sp, f, dfltLimit);
  return sp;
}
