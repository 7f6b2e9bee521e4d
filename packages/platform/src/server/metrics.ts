import { Counter, Histogram, Registry } from 'prom-client';

/** One registry per server (not prom-client's global one), so several servers in a process do not collide. */
export interface ServerMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route' | 'status'>;
  ingested: Counter;
}

export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  const labelNames = ['method', 'route', 'status'] as const;
  return {
    registry,
    requests: new Counter({ name: 'bulwark_http_requests_total', help: 'HTTP requests by method, route template and status', labelNames, registers: [registry] }),
    duration: new Histogram({
      name: 'bulwark_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    ingested: new Counter({ name: 'bulwark_findings_ingested_total', help: 'Findings stored by scan uploads (duplicate scans excluded)', registers: [registry] }),
  };
}
