import { createServer, type Server } from 'node:http';
import { Registry } from 'prom-client';

export interface MetricsEndpoint {
  registry: Registry;
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

/** A bare HTTP listener for a process without the API (`bulwark worker`): GET /metrics (Prometheus text) and /healthz. */
export async function startMetricsEndpoint(opts: { host: string; port: number }): Promise<MetricsEndpoint> {
  const registry = new Registry();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"statusCode":404,"error":"Not Found","message":"GET /metrics or /healthz"}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const a = server.address();
  const port = a && typeof a === 'object' ? a.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    registry,
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
