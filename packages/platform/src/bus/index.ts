export { JetStreamIngestQueue, type JetStreamQueueOptions } from './jetstream-queue.js';
export { runWorker, type WorkerOptions, type WorkerStats } from './worker.js';
export { splitScan, assembleScan, partFromMessage, partHeaders, partMessageId, partBudget, HEADERS as BUS_HEADERS, type ScanPart, type ScanEnvelope } from './parts.js';
export { PartStaging } from './staging.js';
export {
  INGEST_STREAM,
  INGEST_SUBJECT,
  INGEST_CONSUMER,
  DEAD_STREAM,
  DEAD_SUBJECT,
  parseNatsUrl,
  redactNats,
  ensureStreams,
  ensureConsumer,
  type StreamOptions,
  type ConsumerOptions,
} from './nats.js';
export { BUS_MIGRATIONS } from './migrations.js';
export { startMetricsEndpoint, type MetricsEndpoint } from './metrics-http.js';
