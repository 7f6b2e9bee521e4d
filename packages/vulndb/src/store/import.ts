import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createLogger, describeError, InputError, withLimits, type Limits, type Logger, type OsvRecord } from '@bulwark/core';
import { isKnownEcosystem } from '../sources/ecosystems.js';
import { sources as registry } from '../sources/registry.js';
import type { ImportContext, Source } from '../sources/types.js';
import { encodeJson, encodeRecord } from './codec.js';
import { normalizeEcosystem, normalizePackageName } from './names.js';
import { VulnDb } from './vulndb.js';

export interface ImportProgress {
  source: string;
  done: number;
  total?: number;
}

export interface ImportOptions {
  /** Only these source ids (default: every registered feed found in the directory). */
  sources?: string[];
  onProgress?: (e: ImportProgress) => void;
  logger?: Logger;
  limits?: Partial<Limits>;
  /** Import even when the files' checksum is unchanged. */
  force?: boolean;
  /** Test hook: called for every item; throwing aborts that source's import (its transaction rolls back). */
  onItem?: (source: string, n: number) => void;
}

export interface SourceImport {
  id: string;
  status: 'imported' | 'unchanged' | 'failed' | 'absent';
  files: string[];
  /** Advisories written (new or with a newer `modified`) / left as they were / removed (gone upstream). */
  written: number;
  kept: number;
  removed: number;
  /** Enrichment rows (KEV, EPSS, CVE) stored. */
  rows: number;
  warnings: string[];
  error?: string;
  durationMs: number;
}

export interface ImportSummary {
  dbPath: string;
  dir: string;
  sources: SourceImport[];
  durationMs: number;
  /** False when at least one feed failed (its previous data is still in the database). */
  ok: boolean;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function checksumOf(dir: string, source: Source, files: readonly string[]): Promise<string> {
  const h = createHash('sha256');
  h.update(`${source.id}@${source.version}\n`);
  for (const f of files) h.update(`${f} ${await sha256File(join(dir, f))}\n`);
  return h.digest('hex');
}

const MAX_WARNINGS = 50;

/**
 * Imports every feed found in a mirror directory laid out like shared/vulndb into the database at dbPath.
 * Incremental: a feed whose files are unchanged is skipped; within a changed feed, a record is rewritten
 * only when its `modified` is newer, and records gone from the feed are removed. Each feed is imported in
 * one transaction, so a failure (or a killed process) leaves that feed's previous data in place.
 */
export async function importMirror(dir: string, dbPath: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const started = Date.now();
  const logger = opts.logger ?? createLogger();
  const limits = withLimits(opts.limits);
  const wanted = opts.sources ? new Set(opts.sources) : undefined;
  if (wanted) {
    for (const id of wanted) if (!registry.has(id)) throw new InputError({ file: dir, field: 'sources', message: `unknown source ${JSON.stringify(id)}; known: ${[...registry.keys()].join(', ')}` });
  }
  const vdb = VulnDb.open(dbPath);
  const results: SourceImport[] = [];
  try {
    for (const source of registry.values()) {
      if (wanted && !wanted.has(source.id)) continue;
      const t0 = Date.now();
      const files = await source.locate(dir);
      const base: SourceImport = { id: source.id, status: 'absent', files, written: 0, kept: 0, removed: 0, rows: 0, warnings: [], durationMs: 0 };
      if (files.length === 0) {
        results.push(base);
        continue;
      }
      const checksum = await checksumOf(dir, source, files);
      const prev = vdb.db.prepare('SELECT checksum FROM sources WHERE id = ?').get(source.id) as { checksum: string } | undefined;
      if (!opts.force && prev?.checksum === checksum) {
        results.push({ ...base, status: 'unchanged', durationMs: Date.now() - t0 });
        logger.info('source unchanged', { source: source.id });
        continue;
      }
      const r = await importSource(vdb, dir, source, files, checksum, { logger, limits, opts });
      r.durationMs = Date.now() - t0;
      results.push(r);
      if (r.status === 'failed') logger.error('source import failed; previous data kept', { source: source.id, error: r.error });
      else logger.info('source imported', { source: source.id, written: r.written, kept: r.kept, removed: r.removed, rows: r.rows, ms: r.durationMs });
    }
    if (results.some((r) => r.status === 'imported')) {
      vdb.db.prepare("INSERT INTO meta (key, value) VALUES ('updated_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(new Date().toISOString());
      vdb.db.pragma('wal_checkpoint(TRUNCATE)');
    }
  } finally {
    vdb.close();
  }
  return { dbPath, dir, sources: results, durationMs: Date.now() - started, ok: !results.some((r) => r.status === 'failed') };
}

interface Counts {
  advisories: number;
  kev: number;
  epss: number;
  cve: number;
  ecosystems: Record<string, number>;
}

async function importSource(
  vdb: VulnDb,
  dir: string,
  source: Source,
  files: string[],
  checksum: string,
  env: { logger: Logger; limits: Limits; opts: ImportOptions },
): Promise<SourceImport> {
  const db = vdb.db;
  const result: SourceImport = { id: source.id, status: 'imported', files, written: 0, kept: 0, removed: 0, rows: 0, warnings: [], durationMs: 0 };
  let warned = 0;
  const warn = (message: string, fields?: Record<string, unknown>): void => {
    warned++;
    if (result.warnings.length < MAX_WARNINGS) result.warnings.push(fields?.file ? message : fields ? `${message} ${JSON.stringify(fields)}` : message);
    env.logger.warn(message, { source: source.id, ...(fields ?? {}) });
  };
  const ctx: ImportContext = { limits: env.limits, logger: env.logger.child({ source: source.id }), warn };

  const existing = new Map<string, { rowid: number; modified: string }>();
  for (const r of db.prepare('SELECT rowid, id, modified FROM advisories WHERE source = ?').iterate(source.id) as Iterable<{ rowid: number; id: string; modified: string }>) {
    existing.set(r.id, { rowid: r.rowid, modified: r.modified });
  }
  const seen = new Set<string>();
  const insertAdvisory = db.prepare('INSERT INTO advisories (source, id, feed, modified, withdrawn, record) VALUES (?, ?, ?, ?, ?, ?)');
  const updateAdvisory = db.prepare('UPDATE advisories SET feed = ?, modified = ?, withdrawn = ?, record = ? WHERE rowid = ?');
  const deleteAffected = db.prepare('DELETE FROM affected WHERE advisory = ?');
  const deleteAliases = db.prepare('DELETE FROM aliases WHERE advisory = ?');
  const deleteAdvisory = db.prepare('DELETE FROM advisories WHERE rowid = ?');
  const insertAffected = db.prepare('INSERT OR IGNORE INTO affected (ecosystem, name, advisory) VALUES (?, ?, ?)');
  const insertAlias = db.prepare('INSERT OR IGNORE INTO aliases (alias, advisory) VALUES (?, ?)');
  const insertKev = db.prepare('INSERT OR REPLACE INTO kev (cve, date_added, due_date, ransomware, required_action) VALUES (?, ?, ?, ?, ?)');
  const insertEpss = db.prepare('INSERT OR REPLACE INTO epss (cve, score, percentile) VALUES (?, ?, ?)');
  const insertCve = db.prepare('INSERT OR REPLACE INTO cve_enrichment_by_source (cve, source, data) VALUES (?, ?, ?)');
  const counts: Counts = { advisories: 0, kev: 0, epss: 0, cve: 0, ecosystems: {} };
  const unknownEcosystems = new Map<string, string[]>();
  // null: the feed says its data carries no date (no fallback to the records' `modified`).
  let snapshot: string | null | undefined;
  let newestModified = '';
  let total: number | undefined;
  let n = 0;

  const index = (rowid: number, record: OsvRecord): void => {
    for (const a of record.affected ?? []) {
      if (!a.package) continue;
      const eco = normalizeEcosystem(a.package.ecosystem);
      insertAffected.run(eco, normalizePackageName(eco, a.package.name), rowid);
    }
    for (const alias of [...(record.aliases ?? []), ...(record.upstream ?? [])]) insertAlias.run(alias, rowid);
  };

  const writeAdvisory = (record: OsvRecord, feed: string): void => {
    // The OSV bucket puts a multi-ecosystem record in each ecosystem's zip: the same id again is expected.
    if (seen.has(record.id)) {
      const prior = existing.get(record.id);
      if (prior && prior.modified >= new Date(record.modified).toISOString()) return;
    } else {
      counts.advisories++;
    }
    seen.add(record.id);
    const modified = new Date(record.modified).toISOString();
    if (modified > newestModified) newestModified = modified;
    for (const a of record.affected ?? []) {
      if (!a.package) continue;
      const eco = a.package.ecosystem;
      counts.ecosystems[eco] = (counts.ecosystems[eco] ?? 0) + 1;
      if (!isKnownEcosystem(eco)) {
        const ids = unknownEcosystems.get(eco) ?? [];
        if (ids.length < 3) ids.push(record.id);
        unknownEcosystems.set(eco, ids);
      }
    }
    const old = existing.get(record.id);
    if (old && old.modified >= modified) {
      result.kept++;
      return;
    }
    const blob = encodeRecord(record);
    if (old) {
      updateAdvisory.run(feed, modified, record.withdrawn ?? null, blob, old.rowid);
      deleteAffected.run(old.rowid);
      deleteAliases.run(old.rowid);
      index(old.rowid, record);
      existing.set(record.id, { rowid: old.rowid, modified });
    } else {
      const rowid = Number(insertAdvisory.run(source.id, record.id, feed, modified, record.withdrawn ?? null, blob).lastInsertRowid);
      index(rowid, record);
      existing.set(record.id, { rowid, modified });
    }
    result.written++;
  };

  db.exec('BEGIN IMMEDIATE');
  try {
    // Enrichment tables are replaced whole: a re-import of KEV/EPSS/CVE is the new truth.
    if (source.id === 'kev') db.exec('DELETE FROM kev');
    if (source.id === 'epss') db.exec('DELETE FROM epss');
    db.prepare('DELETE FROM cve_enrichment_by_source WHERE source = ?').run(source.id);
    for await (const item of source.read(dir, files, ctx)) {
      n++;
      env.opts.onItem?.(source.id, n);
      switch (item.kind) {
        case 'advisory':
          writeAdvisory(item.record, item.feed ?? source.id);
          break;
        case 'kev':
          insertKev.run(item.cve, item.info.dateAdded, item.info.dueDate ?? null, item.info.knownRansomwareCampaignUse ?? null, item.info.requiredAction ?? null);
          counts.kev++;
          result.rows++;
          break;
        case 'epss':
          insertEpss.run(item.cve, item.info.score, item.info.percentile);
          counts.epss++;
          result.rows++;
          break;
        case 'cve':
          insertCve.run(item.cve, source.id, encodeJson(item.enrichment));
          counts.cve++;
          result.rows++;
          break;
        case 'snapshot':
          snapshot = item.date;
          break;
        case 'total':
          total = (total ?? 0) + item.total;
          break;
      }
      if (n % 2000 === 0) env.opts.onProgress?.({ source: source.id, done: n, ...(total !== undefined ? { total } : {}) });
    }
    for (const [id, old] of existing) {
      if (seen.has(id)) continue;
      deleteAffected.run(old.rowid);
      deleteAliases.run(old.rowid);
      deleteAdvisory.run(old.rowid);
      result.removed++;
    }
    for (const [eco, ids] of unknownEcosystems) {
      warn(`unknown ecosystem ${JSON.stringify(eco)} in record ${ids.join(', ')}${(counts.ecosystems[eco] ?? 0) > ids.length ? ` and ${counts.ecosystems[eco] - ids.length} more entries` : ''}; imported, but no version scheme may match it`);
    }
    if (warned > result.warnings.length) result.warnings.push(`… ${warned - result.warnings.length} more warnings`);
    db.prepare(
      `INSERT INTO sources (id, version, checksum, files, imported_at, snapshot_date, record_count, counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, checksum = excluded.checksum, files = excluded.files,
         imported_at = excluded.imported_at, snapshot_date = excluded.snapshot_date, record_count = excluded.record_count, counts = excluded.counts`,
    ).run(source.id, source.version, checksum, JSON.stringify(files), new Date().toISOString(), snapshot === undefined ? newestModified || null : snapshot, counts.advisories + counts.kev + counts.epss + counts.cve, JSON.stringify(counts));
    db.exec('COMMIT');
    env.opts.onProgress?.({ source: source.id, done: n, ...(total !== undefined ? { total } : {}) });
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    return { ...result, status: 'failed', written: 0, kept: 0, removed: 0, rows: 0, error: describeError(e) };
  }
  return result;
}
