import { prioritizeScan } from '../risk/prioritize.js';
import type { FindingInput, IngestResult, ScanInput, Store, TenantId } from '../storage/types.js';
import type { IngestListener, IngestQueue } from './context.js';

/**
 * Stores a scan and then tells the listeners (alert evaluation) what changed. Used by the server for in-process
 * ingestion and by `bulwark worker` for queued scans, so both paths behave the same. A duplicate scan id changes
 * nothing and notifies nobody; a listener's failure is logged, never undoes the stored scan.
 */
export class IngestPipeline {
  private readonly listeners: IngestListener[] = [];

  constructor(
    readonly store: Store,
    private readonly onListenerError: (err: unknown) => void = () => {},
  ) {}

  onIngested(listener: IngestListener): void {
    this.listeners.push(listener);
  }

  async ingest(tenant: TenantId, scan: ScanInput, findings: FindingInput[]): Promise<IngestResult> {
    // Findings without a priority get one from what the scan says about them and their assets.
    const result = await this.store.ingestScan(tenant, scan, prioritizeScan(scan, findings));
    if (!result.duplicate) {
      for (const listener of this.listeners) {
        try {
          await listener({ tenant, scan: { id: scan.id, target: scan.target, kind: scan.kind }, result });
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
    return result;
  }
}

/** The embedded default: the upload is stored before the HTTP reply. */
export class LocalIngestQueue implements IngestQueue {
  constructor(private readonly pipeline: IngestPipeline) {}

  async submit(tenant: TenantId, scan: ScanInput, findings: FindingInput[]) {
    return { queued: false as const, result: await this.pipeline.ingest(tenant, scan, findings) };
  }

  async close(): Promise<void> {}
}
