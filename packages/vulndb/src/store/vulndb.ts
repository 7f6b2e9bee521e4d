import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError, type Advisory, type AdvisoryLookup, type CveEnrichment, type EpssInfo, type KevInfo } from '@bulwark/core';
import { decodeJson, decodeRecord } from './codec.js';
import { normalizeEcosystem, normalizePackageName } from './names.js';
import { migrate, SCHEMA_VERSION, schemaVersion } from './schema.js';
import type { DbStatus, SourceStatus } from './status.js';

export interface OpenOptions {
  /** Open for lookups only: the file must exist and carry the current schema. */
  readonly?: boolean;
  /** Most (ecosystem, name) lookups kept in memory; 0 disables the cache. */
  cacheSize?: number;
}

interface AdvisoryRow {
  rowid: number;
  source: string;
  feed: string;
  record: Buffer | string;
}

/**
 * The vulnerability database: one SQLite file (WAL) holding OSV advisories indexed by (ecosystem, name),
 * plus KEV, EPSS and CVE enrichment. Lookups use prepared statements and an LRU of recent packages.
 */
export class VulnDb implements AdvisoryLookup {
  readonly path: string;
  readonly db: Database.Database;
  private readonly cache = new Map<string, Advisory[]>();
  private readonly cacheSize: number;
  private readonly stmts: {
    byPackage: Database.Statement<[string, string], AdvisoryRow>;
    kev: Database.Statement<[string], { date_added: string; due_date: string | null; ransomware: string | null; required_action: string | null }>;
    epss: Database.Statement<[string], { score: number; percentile: number }>;
    enrichment: Database.Statement<[string], { data: Buffer | string }>;
    byAlias: Database.Statement<[string], AdvisoryRow>;
  };
  private epssDate: string | undefined | null = null;

  private constructor(path: string, db: Database.Database, cacheSize: number) {
    this.path = path;
    this.db = db;
    this.cacheSize = cacheSize;
    this.stmts = {
      byPackage: db.prepare(
        `SELECT a.rowid AS rowid, a.source AS source, a.feed AS feed, a.record AS record
           FROM affected f JOIN advisories a ON a.rowid = f.advisory
          WHERE f.ecosystem = ? AND f.name = ? AND a.withdrawn IS NULL
          ORDER BY a.id, a.source`,
      ),
      kev: db.prepare('SELECT date_added, due_date, ransomware, required_action FROM kev WHERE cve = ?'),
      epss: db.prepare('SELECT score, percentile FROM epss WHERE cve = ?'),
      enrichment: db.prepare("SELECT data FROM cve_enrichment_by_source WHERE cve = ? ORDER BY source = 'cve-json5' DESC, source"),
      byAlias: db.prepare(
        `SELECT a.rowid AS rowid, a.source AS source, a.feed AS feed, a.record AS record
           FROM advisories a WHERE a.id = ?1 AND a.withdrawn IS NULL
         UNION
         SELECT a.rowid, a.source, a.feed, a.record
           FROM aliases l JOIN advisories a ON a.rowid = l.advisory
          WHERE l.alias = ?1 AND a.withdrawn IS NULL`,
      ),
    };
  }

  /** Opens (creating and migrating unless readonly) the database at `path`. */
  static open(path: string, opts: OpenOptions = {}): VulnDb {
    const cacheSize = opts.cacheSize ?? 20_000;
    if (opts.readonly) {
      if (!existsSync(path)) {
        throw new ConfigError('db', `no vulnerability database at ${path}: run \`bulwark db update\`, or \`bulwark db import <dir>\` for a local mirror`);
      }
      const db = new Database(path, { readonly: true, fileMustExist: true });
      const v = schemaVersion(db);
      if (v !== SCHEMA_VERSION) {
        db.close();
        throw new ConfigError('db', `database ${path} has schema version ${v}, this Bulwark needs ${SCHEMA_VERSION}: run \`bulwark db update\``);
      }
      return new VulnDb(path, db, cacheSize);
    }
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = OFF');
    migrate(db);
    return new VulnDb(path, db, cacheSize);
  }

  private rowsToAdvisories(rows: AdvisoryRow[]): Advisory[] {
    return rows.map((r) => ({ source: r.feed, record: decodeRecord(r.record) }));
  }

  advisoriesFor(ecosystem: string, name: string): Advisory[] {
    const eco = normalizeEcosystem(ecosystem);
    const n = normalizePackageName(eco, name);
    const key = `${eco}\u0000${n}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Refresh recency: Map keeps insertion order, so the first key is the least recently used.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const out = this.rowsToAdvisories(this.stmts.byPackage.all(eco, n));
    if (this.cacheSize > 0) {
      if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, out);
    }
    return out;
  }

  /** Advisories whose id or alias is `id` ("CVE-2021-44228", "GHSA-…"). */
  advisoriesById(id: string): Advisory[] {
    return this.rowsToAdvisories(this.stmts.byAlias.all(id));
  }

  kev(cve: string): KevInfo | undefined {
    const r = this.stmts.kev.get(cve);
    if (!r) return undefined;
    const info: KevInfo = { dateAdded: r.date_added };
    if (r.due_date) info.dueDate = r.due_date;
    if (r.ransomware) info.knownRansomwareCampaignUse = r.ransomware;
    if (r.required_action) info.requiredAction = r.required_action;
    return info;
  }

  epss(cve: string): EpssInfo | undefined {
    const r = this.stmts.epss.get(cve);
    if (!r) return undefined;
    if (this.epssDate === null) {
      const s = this.db.prepare("SELECT snapshot_date FROM sources WHERE id = 'epss'").get() as { snapshot_date: string | null } | undefined;
      this.epssDate = s?.snapshot_date ?? undefined;
    }
    return { score: r.score, percentile: r.percentile, ...(this.epssDate ? { date: this.epssDate } : {}) };
  }

  /** CVE enrichment merged over feeds: CVSS scores from all (one per vector and source), text from the first that has it. */
  enrichment(cve: string): CveEnrichment | undefined {
    const rows = this.stmts.enrichment.all(cve);
    if (rows.length === 0) return undefined;
    const parts = rows.map((r) => decodeJson<CveEnrichment>(r.data));
    const merged: CveEnrichment = { ...parts[0]!, cvss: [] };
    const seen = new Set<string>();
    for (const p of parts) {
      for (const c of p.cvss) {
        const key = `${c.vector}\0${c.source}`;
        if (!seen.has(key)) merged.cvss.push(c);
        seen.add(key);
      }
      merged.title ??= p.title;
      merged.description ??= p.description;
      merged.cwes ??= p.cwes;
      merged.published ??= p.published;
    }
    return merged;
  }

  /** Forgets cached lookups (after this connection imported data). */
  clearCache(): void {
    this.cache.clear();
    this.epssDate = null;
  }

  status(): DbStatus {
    const rows = this.db.prepare('SELECT id, imported_at, snapshot_date, files, counts FROM sources ORDER BY id').all() as {
      id: string;
      imported_at: string;
      snapshot_date: string | null;
      files: string;
      counts: string;
    }[];
    const sources: SourceStatus[] = rows.map((r) => {
      const c = JSON.parse(r.counts) as Partial<SourceStatus>;
      return {
        id: r.id,
        importedAt: r.imported_at,
        ...(r.snapshot_date ? { snapshotDate: r.snapshot_date } : {}),
        files: JSON.parse(r.files) as string[],
        advisories: c.advisories ?? 0,
        kev: c.kev ?? 0,
        epss: c.epss ?? 0,
        cve: c.cve ?? 0,
        ecosystems: c.ecosystems ?? {},
      };
    });
    const count = (table: string): number => (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const updated = this.db.prepare("SELECT value FROM meta WHERE key = 'updated_at'").get() as { value: string } | undefined;
    return {
      path: this.path,
      schemaVersion: schemaVersion(this.db),
      ...(updated ? { updatedAt: updated.value } : {}),
      sources,
      totals: { advisories: count('advisories'), kev: count('kev'), epss: count('epss'), cve: count('cve_enrichment_by_source') },
    };
  }

  close(): void {
    this.cache.clear();
    if (this.db.open) this.db.close();
  }
}
