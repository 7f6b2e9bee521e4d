import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, cacheDir, createLogger, defaultDbPath } from '@bulwark/core';
import { VulnDb, importMirror, isStale, updateFromUpstream } from '@bulwark/vulndb';
import type { DbStatus, ImportSummary } from '@bulwark/vulndb';
import { createProgress } from '../progress.js';

interface DbOpts {
  db?: string;
  json?: boolean;
}

function dbPathOf(opts: DbOpts): string {
  return opts.db ?? defaultDbPath();
}

export function registerDbCommands(program: Command): void {
  const db = program
    .command('db')
    .description('manage the local vulnerability database (one SQLite file; --db or BULWARK_DB to move it)');

  db.command('import')
    .description('import a local mirror laid out like the upstream feeds (OSV all.zip per ecosystem, CISA KEV, EPSS, Debian/Ubuntu/Alpine trackers, rubysec, FriendsOfPHP, CVE JSON 5)')
    .argument('<dir>', 'mirror directory')
    .option('--db <path>', 'database file (default: $BULWARK_DB or the user cache directory)')
    .option('--source <ids...>', 'import only these sources')
    .option('--json', 'print the import summary as JSON')
    .addHelpText('after', '\nExample:\n  bulwark db import ../shared/vulndb')
    .action(async (dir: string, opts: DbOpts & { source?: string[] }) => {
      if (!existsSync(dir)) throw new ConfigError('dir', `mirror directory ${dir} does not exist`);
      const path = dbPathOf(opts);
      mkdirSync(dirname(path), { recursive: true });
      const progress = createProgress('importing');
      try {
        const summary = await importMirror(dir, path, {
          ...(opts.source ? { sources: opts.source } : {}),
          onProgress: (e) => progress.update(e.source, e.done, e.total),
          logger: createLogger(),
        });
        progress.stop();
        printSummary(summary, path, opts.json);
      } finally {
        progress.stop();
      }
    });

  db.command('update')
    .description('download the feeds from their upstream URLs (or a mirror URL) and import them')
    .option('--db <path>', 'database file')
    .option('--mirror <url>', 'base URL of an HTTP mirror laid out like the upstream feeds (replaces every upstream URL)')
    .option('--json', 'print the import summary as JSON')
    .action(async (opts: DbOpts & { mirror?: string }) => {
      const path = dbPathOf(opts);
      mkdirSync(dirname(path), { recursive: true });
      const progress = createProgress('updating');
      try {
        const summary = await updateFromUpstream(path, {
          cacheDir: join(cacheDir(), 'downloads'),
          ...(opts.mirror ? { mirror: opts.mirror } : {}),
          logger: createLogger(),
          onProgress: (e) => {
            if ('done' in e) progress.update(e.source, e.done, e.total);
            else progress.update(`${e.source} (downloading)`, 0);
          },
        });
        progress.stop();
        printSummary(summary, path, opts.json);
      } finally {
        progress.stop();
      }
    });

  db.command('status')
    .description('print the sources in the database, their record counts and snapshot dates')
    .option('--db <path>', 'database file')
    .option('--json', 'print as JSON')
    .action((opts: DbOpts) => {
      const path = dbPathOf(opts);
      if (!existsSync(path)) throw new ConfigError('db', `no vulnerability database at ${path}; run \`bulwark db import <dir>\` or \`bulwark db update\``);
      const vdb = VulnDb.open(path, { readonly: true });
      try {
        const status = vdb.status();
        if (opts.json) process.stdout.write(JSON.stringify(status, null, 2) + '\n');
        else printStatus(status, path);
      } finally {
        vdb.close();
      }
    });
}

function printSummary(summary: ImportSummary, path: string, json?: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return;
  }
  process.stdout.write(`${formatSummary(summary)}\ndatabase: ${path}\n`);
}

function formatSummary(summary: ImportSummary): string {
  return JSON.stringify(summary);
}

function printStatus(status: DbStatus, path: string): void {
  process.stdout.write(`database: ${path}\n`);
  process.stdout.write(JSON.stringify(status, null, 2) + '\n');
  if (isStale(status, new Date())) process.stdout.write('warning: the data is older than 7 days; run `bulwark db update`\n');
}
