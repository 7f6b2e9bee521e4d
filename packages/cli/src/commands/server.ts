import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '@bulwark/core';
import { openStore, startServer } from '@bulwark/platform';

interface ServerCliOptions {
  data: string;
  database?: string;
  host: string;
  port: string;
}

function port(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new ConfigError('--port', `expected 0-65535, got "${raw}"`);
  return n;
}

/**
 * Runs the central server until SIGINT/SIGTERM. On an empty store it creates the `default` tenant and prints its
 * first admin API token once (only its SHA-256 is stored).
 */
async function runServer(opts: ServerCliOptions): Promise<void> {
  const listenPort = port(opts.port);
  const store = await openStore(opts.database ?? join(opts.data, 'bulwark.db'));
  try {
    if ((await store.listTenants()).length === 0) {
      const tenant = await store.createTenant({ slug: 'default', name: 'Default' });
      const { token } = await store.createApiToken(tenant.id, { name: 'first-admin', role: 'admin' });
      process.stdout.write(`first admin API token for tenant "default" (shown once, keep it now): ${token}\n`);
    }
    const { app, url } = await startServer({ store, host: opts.host, port: listenPort });
    process.stdout.write(`bulwark server listening on ${url} (storage: ${store.dialect})\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await app.close();
  } finally {
    await store.close();
  }
}

export function registerServerCommands(program: Command): void {
  program
    .command('server')
    .description('run the central server: HTTP API for scan uploads and findings, health, readiness, Prometheus metrics, OpenAPI')
    .option('--data <dir>', 'data directory of the embedded SQLite store', './data')
    .option('--database <url>', 'PostgreSQL instead of the embedded store: postgres://user@host/db[?schema=name]')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .addHelpText('after', '\nExamples:\n  bulwark server\n  bulwark server --data /var/lib/bulwark --host 0.0.0.0 --port 8443\n  bulwark server --database postgres://bulwark@db/bulwark\n\nEndpoints: /healthz, /readyz, /metrics, /openapi.json, /api/v1/... (Authorization: Bearer <token>).')
    .action(async (opts: ServerCliOptions) => runServer(opts));
}
