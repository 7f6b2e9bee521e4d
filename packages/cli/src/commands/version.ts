import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { BULWARK_VERSION, ConfigError } from '@bulwark/core';
import { compareVersions, schemeFor } from '@bulwark/vulndb';
import { CliExit } from '../exit.js';

const SIGN = { '-1': '<', '0': '=', '1': '>' } as const;

export function registerVersionCommands(program: Command): void {
  const version = program
    .command('version')
    .description('print the Bulwark version, or compare package versions (see `version compare --help`)')
    .action(() => {
      process.stdout.write(`bulwark ${BULWARK_VERSION}\n`);
    });

  version
    .command('compare')
    .description('compare two versions by the rules of an ecosystem and print <, = or > (like dpkg --compare-versions)')
    .argument('[ecosystem]', 'OSV ecosystem name: Debian, Ubuntu, Alpine, Red Hat, npm, PyPI, Go, Maven, RubyGems, NuGet, crates.io, Packagist, ...')
    .argument('[a]', 'first version')
    .argument('[b]', 'second version')
    .option('--batch', 'read JSON lines {"ecosystem","a","b"} on stdin and write one answer per line, in order')
    .addHelpText('after', '\nExamples:\n  bulwark version compare Debian 1.0~rc1 1.0        # prints <\n  echo \'{"ecosystem":"PyPI","a":"1.0.post1","b":"1.0"}\' | bulwark version compare --batch')
    .action(async (ecosystem: string | undefined, a: string | undefined, b: string | undefined, opts: { batch?: boolean }) => {
      if (opts.batch) {
        await compareBatch();
        return;
      }
      if (!ecosystem || a === undefined || b === undefined) throw new ConfigError('version compare', 'expected <ecosystem> <a> <b>, or --batch');
      if (!schemeFor(ecosystem)) throw new ConfigError('ecosystem', `unknown ecosystem "${ecosystem}"`);
      const r = compareVersions(ecosystem, a, b);
      if (!r.ok) {
        process.stderr.write(`bulwark: error: ${r.error.ecosystem} version "${r.error.version}": ${r.error.message}\n`);
        throw new CliExit(2);
      }
      process.stdout.write(`${SIGN[String(r.value) as keyof typeof SIGN]}\n`);
    });
}

async function compareBatch(): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let lineNo = 0;
  let failed = false;
  const out: string[] = [];
  const flush = (): void => {
    if (out.length) process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  };
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    let rec: { ecosystem?: unknown; a?: unknown; b?: unknown };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      out.push(`error: line ${lineNo}: expected a JSON object {"ecosystem","a","b"}`);
      failed = true;
      continue;
    }
    if (typeof rec.ecosystem !== 'string' || typeof rec.a !== 'string' || typeof rec.b !== 'string') {
      out.push(`error: line ${lineNo}: expected string fields "ecosystem", "a" and "b"`);
      failed = true;
      continue;
    }
    if (!schemeFor(rec.ecosystem)) {
      out.push(`error: line ${lineNo}: unknown ecosystem "${rec.ecosystem}"`);
      failed = true;
      continue;
    }
    const r = compareVersions(rec.ecosystem, rec.a, rec.b);
    if (r.ok) out.push(SIGN[String(r.value) as keyof typeof SIGN]);
    else {
      out.push(`error: line ${lineNo}: ${r.error.ecosystem} version "${r.error.version}": ${r.error.message}`);
      failed = true;
    }
    if (out.length >= 4096) flush();
  }
  flush();
  if (failed) throw new CliExit(2);
}
