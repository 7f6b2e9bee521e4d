import type { CveEnrichment, EpssInfo, KevInfo, Limits, Logger, OsvRecord } from '@bulwark/core';

/** One thing a feed yields while it is imported. */
export type SourceItem =
  | {
      kind: 'advisory';
      record: OsvRecord;
      /** Feed label stored with the record ("osv:Go"); the source id when absent. */
      feed?: string;
    }
  | { kind: 'kev'; cve: string; info: KevInfo }
  | { kind: 'epss'; cve: string; info: EpssInfo }
  | { kind: 'cve'; cve: string; enrichment: CveEnrichment }
  /** Date the upstream data is from (KEV dateReleased, EPSS score_date); else the newest `modified` is used. */
  | { kind: 'snapshot'; date: string | null }
  /** Expected number of items, for progress. */
  | { kind: 'total'; total: number };

export interface ImportContext {
  limits: Limits;
  logger: Logger;
  /** A problem that skips one record or entry but not the feed (names the record or file). */
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * A vulnerability feed as laid out in a mirror directory (see shared/vulndb/README.md).
 * Every feed converts to OSV records (or KEV/EPSS/CVE enrichment rows) so matching has one path.
 */
export interface Source {
  /** Folder name: 'osv', 'kev', 'debian-tracker-list', ... Also the key of the feed in the store. */
  readonly id: string;
  /** Bump when the conversion changes, so an unchanged mirror is imported again. */
  readonly version: number;
  /**
   * Paths of this feed's files inside the mirror, relative to `dir`, sorted; empty when the feed is absent.
   * Only lists the directory: no file is read.
   */
  locate(dir: string): Promise<string[]>;
  /**
   * Streams the feed's items. A file that cannot be read as the format throws an InputError naming it;
   * a single bad record inside a valid archive is a `ctx.warn` and is skipped.
   */
  read(dir: string, files: readonly string[], ctx: ImportContext): AsyncIterable<SourceItem>;
}
