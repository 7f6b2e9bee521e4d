export interface SourceStatus {
  id: string;
  /** When this feed was last imported (ISO 8601). */
  importedAt: string;
  /** Date of the upstream data: KEV/EPSS release date, else the newest record `modified`. */
  snapshotDate?: string;
  /** Mirror-relative files imported. */
  files: string[];
  advisories: number;
  kev: number;
  epss: number;
  cve: number;
  /** Affected-package entries per ecosystem. */
  ecosystems: Record<string, number>;
}

export interface DbStatus {
  path: string;
  schemaVersion: number;
  /** When the newest import finished (ISO 8601); undefined for an empty database. */
  updatedAt?: string;
  sources: SourceStatus[];
  totals: { advisories: number; kev: number; epss: number; cve: number };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * True when the database was never updated, its last update is older than maxAgeDays, or even its newest data
 * (the latest snapshot date of any feed) is older than that: importing an old mirror today does not make it fresh.
 */
export function isStale(status: Pick<DbStatus, 'updatedAt'> & { sources?: Pick<SourceStatus, 'snapshotDate'>[] }, now: Date = new Date(), maxAgeDays = 7): boolean {
  if (!status.updatedAt) return true;
  const t = Date.parse(status.updatedAt);
  if (Number.isNaN(t) || now.getTime() - t > maxAgeDays * DAY_MS) return true;
  const snapshots = (status.sources ?? []).map((s) => (s.snapshotDate ? Date.parse(s.snapshotDate) : NaN)).filter((d) => !Number.isNaN(d));
  return snapshots.length > 0 && now.getTime() - Math.max(...snapshots) > maxAgeDays * DAY_MS;
}

/** The newest snapshot date of any feed (ISO 8601), or undefined. */
export function newestSnapshot(status: Pick<DbStatus, 'sources'>): string | undefined {
  let best: string | undefined;
  for (const s of status.sources) if (s.snapshotDate && (!best || s.snapshotDate > best)) best = s.snapshotDate;
  return best;
}
