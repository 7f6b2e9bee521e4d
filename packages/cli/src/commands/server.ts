import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ConfigError } from '@bulwark/core';
import {
  AlertDispatcher,
  IdentityRepository,
  JetStreamIngestQueue,
  ReportScheduler,
  RetentionPruner,
  ROLES,
  generatePassword,
  openStore,
  parseNatsUrl,
  redactNats,
  startServer,
  type OidcOptions,
  type Role,
  type Store,
} from '@bulwark/platform';
import { storeLocation } from './admin.js';

interface ServerCliOptions {
  data: string;
  database?: string;
  nats?: string;
  host: string;
  port: string;
  insecureCookies?: boolean;
  oidcIssuer?: string;
  oidcClientId?: string;
  oidcRedirectUri?: string;
  oidcProvisionRole?: string;
  console?: string | false;
}

/** The built console beside this CLI: packages/web/dist from the bundle (packages/cli/dist) or from source. */
function defaultConsoleDir(): string | undefined {
  for (const rel of ['../../web/dist/', '../../../web/dist/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

export const FIRST_ADMIN_EMAIL = 'admin@bulwark.local';

/** On an empty store: the `default` tenant, its first admin user (generated password) and an admin API token, printed once. */
async function bootstrap(store: Store): Promise<void> {
  if ((await store.listTenants()).length > 0) return;
  const tenant = await store.createTenant({ slug: 'default', name: 'Default' });
  const password = generatePassword();
  const user = await new IdentityRepository(store.sql).createUser(tenant.id, { email: FIRST_ADMIN_EMAIL, name: 'Administrator', role: 'admin', password });
  const { token } = await store.createApiToken(tenant.id, { name: 'first-admin', role: 'admin' });
  await store.appendAudit(tenant.id, { actor: 'system', action: 'tenant.bootstrap', target: `user:${user.id}`, details: { tenant: 'default', email: FIRST_ADMIN_EMAIL } });
  process.stdout.write(
    `first admin login for tenant "default" (shown once, keep it now): ${FIRST_ADMIN_EMAIL} / ${password}\n` +
      `first admin API token for tenant "default" (shown once, keep it now): ${token}\n`,
  );
}

function oidcOptions(opts: ServerCliOptions): OidcOptions | undefined {
  const given = [opts.oidcIssuer, opts.oidcClientId, opts.oidcRedirectUri].filter((x) => x !== undefined).length;
  if (given === 0) return undefined;
  if (given !== 3) throw new ConfigError('--oidc-issuer', 'OIDC login needs --oidc-issuer, --oidc-client-id and --oidc-redirect-uri together');
  if (opts.oidcProvisionRole !== undefined && !(ROLES as readonly string[]).includes(opts.oidcProvisionRole)) {
    throw new ConfigError('--oidc-provision-role', `expected one of ${ROLES.join(', ')}`);
  }
  return {
    issuer: opts.oidcIssuer as string,
    clientId: opts.oidcClientId as string,
    clientSecret: process.env.BULWARK_OIDC_CLIENT_SECRET,
    redirectUri: opts.oidcRedirectUri as string,
    provisionRole: opts.oidcProvisionRole as Role | undefined,
  };
}

function port(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new ConfigError('--port', `expected 0-65535, got "${raw}"`);
  return n;
}

/**
 * Runs the central server until SIGINT/SIGTERM. On an empty store it creates the `default` tenant and prints its
 * first admin login and API token once (only hashes are stored).
 */
async function runServer(opts: ServerCliOptions): Promise<void> {
  const listenPort = port(opts.port);
  if (opts.nats !== undefined) parseNatsUrl(opts.nats);
  const oidc = oidcOptions(opts);
  const store = await openStore(storeLocation(opts));
  // With --nats uploads are published to JetStream (202) and stored by `bulwark worker`; NATS may come up later.
  const ingest = opts.nats === undefined ? undefined : JetStreamIngestQueue.open({ url: opts.nats });
  try {
    await bootstrap(store);
    const consoleDir = opts.console === false ? undefined : (opts.console ?? defaultConsoleDir());
    if (consoleDir !== undefined && !existsSync(join(consoleDir, 'index.html'))) throw new ConfigError('--console', `no index.html in ${consoleDir}: build the console with npm run build`);
    const { app, url } = await startServer({ store, host: opts.host, port: listenPort, ingest, consoleDir, identity: { oidc, cookieSecure: !opts.insecureCookies } });
    // Alert deliveries are claimed with a lease, so every server process may run a dispatcher.
    const dispatcher = new AlertDispatcher(store, { onError: (err) => app.log.error({ err }, 'alert dispatch failed') });
    dispatcher.start();
    // Scheduled report runs are claimed with a lease too.
    const reports = new ReportScheduler({ store, onError: (err) => app.log.error({ err }, 'scheduled report failed') });
    reports.start();
    // Hourly retention prune of every tenant, leased like report runs (one process of several prunes).
    const retention = new RetentionPruner({ store, onError: (err, tenant) => app.log.error({ err, tenant }, 'retention prune failed') });
    retention.start();
    const queued = opts.nats === undefined ? '' : `, uploads queued on ${redactNats(opts.nats)}`;
    process.stdout.write(`bulwark server listening on ${url} (storage: ${store.dialect}${queued}${consoleDir ? ', console at /' : ', API only'})\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await retention.stop();
    await reports.stop();
    await dispatcher.stop();
    await app.close();
  } finally {
    await ingest?.close();
    await store.close();
  }
}

export function registerServerCommands(program: Command): void {
  program
    .command('server')
    .description('run the central server: HTTP API for scan uploads and findings, health, readiness, Prometheus metrics, OpenAPI')
    .option('--data <dir>', 'data directory of the embedded SQLite store', './data')
    .option('--database <url>', 'PostgreSQL instead of the embedded store: postgres://user@host/db[?schema=name]')
    .option('--nats <url>', 'queue uploads on NATS JetStream (nats://host:4222) for `bulwark worker` processes instead of storing them in this process; answers 202')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--console <dir>', 'directory of the built web console to serve at / (default: packages/web/dist beside this CLI)')
    .option('--no-console', 'serve the API only')
    .option('--insecure-cookies', 'send session cookies without Secure (plain http on a non-localhost address; avoid)')
    .option('--oidc-issuer <url>', 'OpenID Connect provider for console login (https://, or http:// on this machine)')
    .option('--oidc-client-id <id>', 'OIDC client id (the secret comes from BULWARK_OIDC_CLIENT_SECRET)')
    .option('--oidc-redirect-uri <url>', 'this server\'s callback as registered at the provider: https://host/api/v1/auth/oidc/callback')
    .option('--oidc-provision-role <role>', `create unknown OIDC users with this role (${ROLES.join(', ')}); default: only existing users`)
    .addHelpText('after', '\nExamples:\n  bulwark server\n  bulwark server --data /var/lib/bulwark --host 0.0.0.0 --port 8443\n  bulwark server --database postgres://bulwark@db/bulwark\n  bulwark server --database postgres://bulwark@db/bulwark --nats nats://nats:4222   (scale-out: run several, plus bulwark worker)\n\nEndpoints: /healthz, /readyz, /metrics, /openapi.json, /api/v1/... (Authorization: Bearer <token>).')
    .action(async (opts: ServerCliOptions) => runServer(opts));
}
