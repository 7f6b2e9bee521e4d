import type { Command } from 'commander';
import { ConfigError, createLogger, describeError } from '@bulwark/core';
import { IngestPipeline, createAlertListener, openStore, parseNatsUrl, redactNats, runWorker, startMetricsEndpoint, type MetricsEndpoint } from '@bulwark/platform';
import { storeLocation } from './admin.js';

interface WorkerCliOptions {
  data: string;
  database?: string;
  nats?: string;
  concurrency: string;
  ackWait: string;
  maxDeliver: string;
  metricsPort?: string;
  metricsHost: string;
}

function int(setting: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new ConfigError(setting, `expected an integer ${min}-${max}, got "${raw}"`);
  return n;
}

/**
 * Consumes queued scan uploads from NATS JetStream and stores them, until SIGINT/SIGTERM: then it stops pulling,
 * finishes and acknowledges the scans in hand, and exits 0 (a second signal exits at once; unacknowledged
 * messages are redelivered to another worker).
 */
async function runWorkerCommand(opts: WorkerCliOptions): Promise<void> {
  if (!opts.nats) throw new ConfigError('--nats', 'required: the NATS server `bulwark server --nats` publishes uploads to, e.g. nats://127.0.0.1:4222');
  parseNatsUrl(opts.nats);
  const concurrency = int('--concurrency', opts.concurrency, 1, 64);
  const ackWaitMs = int('--ack-wait', opts.ackWait, 1, 3600) * 1000;
  const maxDeliver = int('--max-deliver', opts.maxDeliver, 1, 1000);
  const metricsPort = opts.metricsPort === undefined ? undefined : int('--metrics-port', opts.metricsPort, 0, 65535);
  const log = createLogger({ fields: { component: 'worker' } });

  const ac = new AbortController();
  let signals = 0;
  const stop = (): void => {
    if (++signals > 1) {
      process.stderr.write('bulwark worker: second signal, exiting without finishing the scans in hand (they will be redelivered)\n');
      process.exit(130);
    }
    ac.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let metrics: MetricsEndpoint | undefined;
  const store = await openStore(storeLocation(opts));
  try {
    if (metricsPort !== undefined) metrics = await startMetricsEndpoint({ host: opts.metricsHost, port: metricsPort });
    const pipeline = new IngestPipeline(store, (err) => log.warn('ingest listener failed', { error: describeError(err) }));
    // Queued scans raise alerts here, as in-process uploads do in the server.
    pipeline.onIngested(createAlertListener(store));
    const stats = await runWorker({
      store,
      natsUrl: opts.nats,
      pipeline,
      concurrency,
      ackWaitMs,
      maxDeliver,
      signal: ac.signal,
      log,
      registry: metrics?.registry,
      onReady: () =>
        process.stdout.write(
          `bulwark worker consuming from ${redactNats(opts.nats!)} (storage: ${store.dialect}, concurrency: ${concurrency}${metrics ? `, metrics: ${metrics.url}/metrics` : ''})\n`,
        ),
    });
    process.stdout.write(
      `bulwark worker stopped: ${stats.ingested} scans (${stats.findings} findings) stored, ${stats.duplicates} duplicates, ${stats.staged} parts staged, ${stats.retried} retries, ${stats.deadLettered} dead letters\n`,
    );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await metrics?.close();
    await store.close();
  }
}

export function registerWorkerCommands(program: Command): void {
  program
    .command('worker')
    .description('store scan uploads queued by `bulwark server --nats`: run as many as needed, they share the work (NATS JetStream, at-least-once, idempotent)')
    .option('--nats <url>', 'NATS server with JetStream: nats://host:4222 (comma-separate a cluster; user:password@ or token@ in the URL)')
    .option('--data <dir>', 'data directory of the embedded SQLite store (single-machine setups)', './data')
    .option('--database <url>', 'PostgreSQL shared with the servers: postgres://user@host/db[?schema=name]')
    .option('--concurrency <n>', 'scans stored at once by this process', '2')
    .option('--ack-wait <seconds>', 'how long before a scan taken by a worker that died is handed to another', '30')
    .option('--max-deliver <n>', 'deliveries after which a scan that keeps failing goes to the dead-letter stream BULWARK_INGEST_DEAD', '10')
    .option('--metrics-port <n>', 'serve Prometheus /metrics and /healthz on this port (0: any free port)')
    .option('--metrics-host <address>', 'address for --metrics-port', '127.0.0.1')
    .addHelpText(
      'after',
      '\nExamples:\n  bulwark worker --database postgres://bulwark@db/bulwark --nats nats://nats:4222\n  bulwark worker --database postgres://bulwark@db/bulwark --nats nats://nats:4222 --concurrency 4 --metrics-port 9464\n\nThe servers publish with: bulwark server --database <same> --nats <same>. SIGTERM stops after the scans in hand are stored.',
    )
    .action(async (opts: WorkerCliOptions) => runWorkerCommand(opts));
}
