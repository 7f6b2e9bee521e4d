import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '@bulwark/core';
import { IdentityRepository, ROLES, generatePassword, openStore, type Role, type Store } from '@bulwark/platform';
import { CliExit } from '../exit.js';

/** Where the platform's data lives: the same flags as `bulwark server`. */
export interface StoreLocationOptions {
  data: string;
  database?: string;
}

export function storeLocation(opts: StoreLocationOptions): string {
  return opts.database ?? join(opts.data, 'bulwark.db');
}

function withStoreOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'data directory of the embedded SQLite store', './data')
    .option('--database <url>', 'PostgreSQL instead of the embedded store: postgres://user@host/db[?schema=name]');
}

async function withStore<T>(opts: StoreLocationOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storeLocation(opts));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function tenantId(store: Store, slug: string): Promise<number> {
  const t = (await store.listTenants()).find((x) => x.slug === slug);
  if (!t) throw new InputError({ file: '--tenant', expected: `an existing tenant slug (have: ${(await store.listTenants()).map((x) => x.slug).join(', ') || 'none'})`, message: `no tenant "${slug}"` });
  return t.id;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** `bulwark audit verify`, `tenant`, `token create`, `user create|reset-password`: operations on the platform store without the server. */
export function registerAdminCommands(program: Command): void {
  const audit = program.command('audit').description("the platform's audit log (every user action, hash-chained per tenant)");
  withStoreOptions(
    audit
      .command('verify')
      .description('recompute every audit hash chain (or one tenant\'s) and check links, sequence and head; exit 1 when broken')
      .option('--tenant <slug>', 'only this tenant')
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (opts: StoreLocationOptions & { tenant?: string; format: string }) => {
    if (!['table', 'json'].includes(opts.format)) throw new InputError({ file: '--format', expected: 'table or json' });
    const v = await withStore(opts, async (store) => store.verifyAuditChain(opts.tenant === undefined ? undefined : await tenantId(store, opts.tenant)));
    if (opts.format === 'json') process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
    else if (v.ok) {
      process.stdout.write(`audit log intact: ${v.checked} records verified\n`);
      for (const [t, head] of Object.entries(v.heads)) process.stdout.write(`  tenant ${t}: head ${head}\n`);
      process.stdout.write('Keep the head hashes elsewhere: a later verify that ends on another head means the log was rewritten.\n');
    } else process.stdout.write(`audit log BROKEN at tenant ${v.broken?.tenantId} record ${v.broken?.seq}: ${v.broken?.reason} (${v.checked} records checked)\n`);
    if (!v.ok) throw new CliExit(1);
  });

  const tenant = program.command('tenant').description('tenants of the platform');
  withStoreOptions(tenant.command('create <slug>').description('create a tenant (slug: lowercase letters, digits, dashes)').option('--name <name>', 'display name (default: the slug)')).action(
    async (slug: string, opts: StoreLocationOptions & { name?: string }) => {
      const t = await withStore(opts, (store) => store.createTenant({ slug, name: opts.name ?? slug }));
      process.stdout.write(`tenant ${t.slug} created (id ${t.id})\n`);
    },
  );
  withStoreOptions(tenant.command('list').description('list tenants')).action(async (opts: StoreLocationOptions) => {
    for (const t of await withStore(opts, (store) => store.listTenants())) process.stdout.write(`${t.id}\t${t.slug}\t${t.name}\n`);
  });

  const token = program.command('token').description('API tokens for CI and agents');
  withStoreOptions(
    token
      .command('create')
      .description('issue an API token and print it once (only its SHA-256 is stored)')
      .requiredOption('--name <name>', 'what the token is for: "ci-main", "agent-prod"')
      .option('--role <role>', `one of ${ROLES.join(', ')}`, 'developer')
      .option('--tenant <slug>', 'tenant', 'default')
      .option('--expires <instant>', 'ISO 8601 instant after which the token is refused'),
  ).action(async (opts: StoreLocationOptions & { name: string; role: string; tenant: string; expires?: string }) => {
    if (!(ROLES as readonly string[]).includes(opts.role)) throw new InputError({ file: '--role', expected: ROLES.join(', ') });
    const t = await withStore(opts, async (store) => {
      const id = await tenantId(store, opts.tenant);
      const issued = await store.createApiToken(id, { name: opts.name, role: opts.role as Role, expiresAt: opts.expires });
      await store.appendAudit(id, { actor: 'cli', action: 'token.create', target: `token:${issued.info.id}`, details: { name: issued.info.name, role: issued.info.role } });
      return issued;
    });
    process.stdout.write(`${t.token}\n`);
  });

  const user = program.command('user').description('users of a tenant');
  withStoreOptions(
    user
      .command('reset-password')
      .description('give a user a new generated password, printed once; ends their sessions and unlocks the account')
      .requiredOption('--email <address>', 'login e-mail')
      .option('--tenant <slug>', 'tenant', 'default'),
  ).action(async (opts: StoreLocationOptions & { email: string; tenant: string }) => {
    const password = generatePassword();
    await withStore(opts, async (store) => {
      const id = await tenantId(store, opts.tenant);
      const repo = new IdentityRepository(store.sql);
      const u = (await repo.listUsers(id)).find((x) => x.email === opts.email.toLowerCase());
      if (!u) throw new InputError({ file: '--email', message: `no user ${opts.email} in tenant ${opts.tenant}` });
      await repo.updateUser(id, u.id, { password });
      await store.appendAudit(id, { actor: 'cli', action: 'user.update', target: `user:${u.id}`, details: { password: 'reset' } });
    });
    process.stdout.write(`new password for ${opts.email} (shown once): ${password}\n`);
  });
  withStoreOptions(
    user
      .command('create')
      .description('create a user; the password is read from standard input (omit --password-stdin for an OIDC-only user)')
      .requiredOption('--email <address>', 'login e-mail')
      .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
      .option('--tenant <slug>', 'tenant', 'default')
      .option('--name <name>', 'display name')
      .option('--password-stdin', 'read the password (12+ characters) from standard input'),
  ).action(async (opts: StoreLocationOptions & { email: string; role: string; tenant: string; name?: string; passwordStdin?: boolean }) => {
    if (!(ROLES as readonly string[]).includes(opts.role)) throw new InputError({ file: '--role', expected: ROLES.join(', ') });
    const password = opts.passwordStdin ? await readStdin() : undefined;
    const u = await withStore(opts, async (store) => {
      const created = await new IdentityRepository(store.sql).createUser(await tenantId(store, opts.tenant), { email: opts.email, name: opts.name, role: opts.role as Role, password });
      await store.appendAudit(created.tenant, { actor: 'cli', action: 'user.create', target: `user:${created.id}`, details: { email: created.email, role: created.role } });
      return created;
    });
    process.stdout.write(`user ${u.email} (${u.role}) created in tenant ${opts.tenant} (id ${u.id})\n`);
  });
}
