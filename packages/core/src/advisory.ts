import type { CvssScore, EpssInfo, KevInfo } from './model.js';

/**
 * The advisory model is OSV (https://ossf.github.io/osv-schema/). Every feed (distro trackers, rubysec,
 * FriendsOfPHP, NSWG...) is converted to OSV records on import, so matching has one code path.
 */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT' | string;
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvSeverity {
  type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu' | string;
  score: string;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: { type: string; url: string }[];
  credits?: unknown[];
  database_specific?: Record<string, unknown>;
}

/** An OSV record as stored, with the feed it came from. */
export interface Advisory {
  /** Feed id: "osv:Go", "debian-dsa", "alpine-secdb", "rubysec", "ubuntu-uct"... */
  source: string;
  record: OsvRecord;
}

/** CVSS and similar per-CVE enrichment held apart from advisories (CVE JSON 5 / vulnrichment). */
export interface CveEnrichment {
  cvss: CvssScore[];
  title?: string;
  description?: string;
  cwes?: string[];
  published?: string;
}

/**
 * What the matcher needs from the vulnerability database. Loaded before analysis; the matcher does no I/O
 * of its own beyond these calls (the SQLite implementation answers from an indexed table).
 */
export interface AdvisoryLookup {
  /**
   * Advisories whose `affected` names this package. `ecosystem` may carry a release ("Debian:12"): the
   * store returns records for exactly that ecosystem string. `name` is normalized per ecosystem by the store.
   */
  advisoriesFor(ecosystem: string, name: string): Advisory[];
  kev(cve: string): KevInfo | undefined;
  epss(cve: string): EpssInfo | undefined;
  enrichment(cve: string): CveEnrichment | undefined;
}
