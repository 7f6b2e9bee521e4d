import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { InputError } from '@bulwark/core';
import { runVectors } from '@bulwark/vulndb';
import { CliExit } from '../exit.js';

export function registerVulndbCommands(program: Command): void {
  const vulndb = program.command('vulndb').description('vulnerability database tools for debugging matches');
  vulndb
    .command('version-vectors')
    .description('check version comparison against a JSONL file of test vectors (the corpus/versions schema) and print pass/fail per ecosystem')
    .argument('<file>', 'JSON lines file of vectors')
    .option('--ecosystem <name>', 'only records of this ecosystem')
    .option('--show-failures <n>', 'print up to n failing records per ecosystem', '10')
    .action(async (file: string, opts: { ecosystem?: string; showFailures: string }) => {
      const lines: string[] = [];
      try {
        const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
        for await (const line of rl) lines.push(line);
      } catch (e) {
        throw new InputError({ file, message: `cannot read: ${(e as Error).message}` });
      }
      const report = runVectors(lines, opts.ecosystem ? { ecosystem: opts.ecosystem } : undefined);
      let failed = 0;
      let total = 0;
      const show = Number(opts.showFailures) || 0;
      for (const [eco, r] of Object.entries(report).sort(([a], [b]) => a.localeCompare(b))) {
        total += r.passed + r.failed;
        failed += r.failed;
        const pct = ((100 * r.passed) / Math.max(1, r.passed + r.failed)).toFixed(2);
        process.stdout.write(`${eco.padEnd(12)} ${String(r.passed).padStart(6)} passed ${String(r.failed).padStart(5)} failed  ${pct}%\n`);
        for (const f of r.failures.slice(0, show)) process.stdout.write(`  FAIL ${f.id}: ${f.line} (got ${f.got})\n`);
      }
      process.stdout.write(`${total - failed} passed, ${failed} failed\n`);
      if (failed > 0) throw new CliExit(1);
    });
}
