import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, cacheDir, createLogger, defaultDbPath } from '@bulwark/core';
import { VulnDb, importMirror, isStale, updateFromUpstream } from '@bulwark/vulndb';
import type { DbStatus, ImportSummary } from '@bulwark/vulndb';
import { createProgress } from '../progress.js';
import { CliExit } from '../exit.js';

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
    .option('--mirror <url>', 'base URL of an HTTP mirror laid out like a local mirror directory (replaces every upstream URL)')
    .option('--source <ids...>', 'update only these sources')
    .option('--json', 'print the import summary as JSON')
    .addHelpText('after', '\nExamples:\n  bulwark db update\n  bulwark db update --mirror http://mirror.internal/vulndb --source osv kev')
    .action(async (opts: DbOpts & { mirror?: string; source?: string[] }) => {
      const path = dbPathOf(opts);
      mkdirSync(dirname(path), { recursive: true });
      const progress = createProgress('updating');
      try {
        const summary = await updateFromUpstream(path, {
          cacheDir: join(cacheDir(), 'downloads'),
          ...(opts.mirror ? { mirror: opts.mirror } : {}),
          ...(opts.source ? { sources: opts.source } : {}),
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

/** Prints the summary; a feed that failed (its previous data kept) makes the command exit 1. */
function printSummary(summary: ImportSummary, path: string, json?: boolean): void {
  if (json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  else process.stdout.write(`${formatSummary(summary)}\ndatabase: ${path}\n`);
  if (!summary.ok) {
    for (const s of summary.sources.filter((x) => x.status === 'failed')) {
      process.stderr.write(`bulwark: error: ${s.id}: ${s.error ?? 'import failed'} (its previous data is kept)\n`);
    }
    throw new CliExit(1);
  }
}

function formatSummary(summary: ImportSummary): string {
  const rows = summary.sources
    .filter((s) => s.status !== 'absent')
    .map((s) => [s.id, s.status, String(s.written), String(s.kept), String(s.removed), String(s.rows), `${(s.durationMs / 1000).toFixed(1)} s`]);
  const lines = [table(['source', 'status', 'written', 'kept', 'removed', 'rows', 'time'], rows)];
  for (const s of summary.sources) {
    for (const w of s.warnings) lines.push(`warning: ${s.id}: ${w}`);
    if (s.error) lines.push(`error: ${s.id}: ${s.error}`);
  }
  lines.push(`${summary.ok ? 'imported' : 'imported with failures'} in ${(summary.durationMs / 1000).toFixed(1)} s`);
  return lines.join('\n');
}

function printStatus(status: DbStatus, path: string): void {
  process.stdout.write(`database: ${path} (schema ${status.schemaVersion}, updated ${status.updatedAt ?? 'never'})\n`);
  const rows = status.sources.map((s) => [
    s.id,
    s.snapshotDate?.slice(0, 10) ?? '-',
    s.importedAt.slice(0, 19).replace('T', ' '),
    String(s.advisories),
    String(s.kev + s.epss + s.cve),
    Object.entries(s.ecosystems)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([e, n]) => `${e} ${n}`)
      .join(', ') + (Object.keys(s.ecosystems).length > 4 ? `, +${Object.keys(s.ecosystems).length - 4} more` : ''),
  ]);
  process.stdout.write(table(['source', 'data as of', 'imported', 'advisories', 'rows', 'ecosystems (affected entries)'], rows) + '\n');
  const t = status.totals;
  process.stdout.write(`total: ${t.advisories} advisories, ${t.kev} KEV, ${t.epss} EPSS, ${t.cve} CVE records\n`);
  if (isStale(status, new Date())) process.stdout.write('warning: the data is older than 7 days; run `bulwark db update`\n');
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
