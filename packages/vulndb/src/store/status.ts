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

/** True when the database was never updated or its last update is older than maxAgeDays. */
export function isStale(status: Pick<DbStatus, 'updatedAt'>, now: Date = new Date(), maxAgeDays = 7): boolean {
  if (!status.updatedAt) return true;
  const t = Date.parse(status.updatedAt);
  if (Number.isNaN(t)) return true;
  return now.getTime() - t > maxAgeDays * DAY_MS;
}
