// The bus_scan_parts table (migration 5): parts of multi-part uploads wait here until the upload is complete.
import type { SqlDriver } from '../storage/driver.js';
import type { TenantId } from '../storage/types.js';
import type { ScanPart } from './parts.js';

export class PartStaging {
  constructor(private readonly sql: SqlDriver) {}

  /** Keeps a part; a part already kept (a redelivery, a republished upload) changes nothing. */
  async stage(p: ScanPart): Promise<void> {
    await this.sql.run(
      `INSERT INTO bus_scan_parts (digest, part, parts, tenant_id, scan_id, data, staged_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (digest, part) DO NOTHING`,
      [p.digest, p.index, p.count, p.tenant, p.scanId, Buffer.from(p.data).toString('base64'), new Date().toISOString()],
      true,
    );
  }

  /**
   * Parts kept for an upload. Called after `stage` committed: of two workers staging the last two parts at once,
   * the one that commits last sees them all (each statement sees every committed row).
   */
  async count(digest: string): Promise<number> {
    const rows = await this.sql.all<{ n: number | string }>('SELECT count(*) AS n FROM bus_scan_parts WHERE digest = ?', [digest], true);
    return Number(rows[0]?.n ?? 0);
  }

  async load(digest: string): Promise<ScanPart[]> {
    const rows = await this.sql.all<{ part: number | string; parts: number | string; tenant_id: number | string; scan_id: string; data: string }>(
      'SELECT part, parts, tenant_id, scan_id, data FROM bus_scan_parts WHERE digest = ? ORDER BY part',
      [digest],
    );
    return rows.map((r) => ({
      digest,
      index: Number(r.part),
      count: Number(r.parts),
      tenant: Number(r.tenant_id),
      scanId: r.scan_id,
      data: Buffer.from(r.data, 'base64'),
    }));
  }

  async remove(digest: string): Promise<void> {
    await this.sql.run('DELETE FROM bus_scan_parts WHERE digest = ?', [digest]);
  }

  /** Whether the store already recorded this scan (a late part of an upload that was already ingested). */
  async scanStored(tenant: TenantId, scanId: string): Promise<boolean> {
    const rows = await this.sql.all('SELECT 1 AS x FROM scans WHERE tenant_id = ? AND id = ?', [tenant, scanId], true);
    return rows.length > 0;
  }

  /** Drops parts of uploads that never completed (their publisher died and the client gave up); returns how many. */
  async purgeStagedBefore(cutoff: Date): Promise<number> {
    return this.sql.run('DELETE FROM bus_scan_parts WHERE staged_at < ?', [cutoff.toISOString()]);
  }

  /** Parts currently kept (for tests and metrics). */
  async size(): Promise<number> {
    const rows = await this.sql.all<{ n: number | string }>('SELECT count(*) AS n FROM bus_scan_parts');
    return Number(rows[0]?.n ?? 0);
  }
}
