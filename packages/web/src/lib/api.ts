// Fetch wrapper for the Bulwark API: same-origin session cookie, CSRF header on writes, typed errors.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function csrfToken(): string | undefined {
  const doc = (globalThis as { document?: { cookie: string } }).document;
  const m = /(?:^|;\s*)bulwark_csrf=([^;]+)/.exec(doc?.cookie ?? '');
  return m ? decodeURIComponent(m[1]) : undefined;
}

/** Whether a console session may exist (its readable CSRF cookie is set): without one, go straight to login. */
export function mayHaveSession(): boolean {
  return csrfToken() !== undefined;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const t = csrfToken();
    if (t) headers['x-csrf-token'] = t;
  }
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const msg = (data as { message?: string } | undefined)?.message ?? (text || res.statusText);
    throw new ApiError(res.status, msg);
  }
  return data as T;
}

export const get = <T>(path: string, q?: URLSearchParams) => api<T>('GET', q && [...q.keys()].length ? `${path}?${q}` : path);

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface Me {
  tenant: { id: number; slug: string; name: string };
  role: 'admin' | 'analyst' | 'developer' | 'auditor';
  actor: string;
  via: string;
  user?: { id: number; email: string; name?: string | null };
  assetGroups: number[] | null;
  oidc: boolean;
}

export interface Factor {
  name: string;
  weight: number;
  detail: string;
}

export interface Finding {
  id: number;
  fingerprint: string;
  type: string;
  ruleId: string;
  title: string;
  severity: string;
  cvss: number | null;
  epss: number | null;
  kev: boolean;
  fixAvailable: boolean;
  asset: { id: number; kind: string; key: string } | null;
  target: string;
  firstSeen: string;
  lastSeen: string;
  fixedAt: string | null;
  status: string;
  statusReason: string | null;
  statusOwner: string | null;
  statusExpiresAt: string | null;
  priority: { score: number; factors: Factor[] };
  payload: Record<string, unknown>;
}

export interface Summary {
  total: number;
  bySeverity: Record<string, number>;
  byStatus: Record<string, number>;
  byType: Record<string, number>;
  kev: number;
  fixAvailable: number;
}

/** GET /api/v1/findings/groups?by=…: one group of the matching findings (Page<FindingGroup>, sorted by maxPriority then count). */
export type FindingGroupBy = 'rule' | 'package' | 'target';

export interface FindingGroup {
  /** Rule/CVE id, package purl (else name@version; null: findings without a package), or scan target. */
  key: string | null;
  /** by=rule only. */
  title?: string;
  count: number;
  bySeverity: Record<string, number>;
  maxPriority: number;
  kev: boolean;
  fixAvailable: boolean;
}

/**
 * POST /api/v1/findings/status: `ids` (at most 1000), or `filter` (the list's query parameters, as strings) with
 * the count the user confirmed (409 when it changed); status/reason/owner/expiresAt as for one finding.
 */
export type BulkStatusRequest = ({ ids: number[] } | { filter: Record<string, string>; confirmCount: number }) & {
  status: 'open' | 'suppressed' | 'risk-accepted';
  reason?: string;
  owner?: string;
  expiresAt?: string;
};

export interface BulkStatusResponse {
  changed: number;
  /** Ids of the changed findings. */
  ids: number[];
  /** Requested ids that are missing or not visible to the caller. */
  notFound: number[];
}

export interface Asset {
  id: number;
  kind: string;
  key: string;
  name: string;
  attributes: Record<string, unknown>;
  criticality: string;
  firstSeen: string;
  lastSeen: string;
  groups?: { id: number; name: string }[];
  depth?: number;
}

export interface Relations {
  asset: Asset;
  assets: Asset[];
  relations: { fromId: number; toId: number; kind: string }[];
}
