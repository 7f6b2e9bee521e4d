import { Command, CommanderError } from 'commander';
import { BULWARK_VERSION, describeError, isBulwarkError } from '@bulwark/core';
import { registerScanCommands } from './commands/scan.js';
import { registerDbCommands } from './commands/db.js';
import { registerVersionCommands } from './commands/version.js';
import { registerVulndbCommands } from './commands/vulndb.js';
import { registerRulesCommands } from './commands/rules.js';
import { registerComplianceCommands } from './commands/compliance.js';
import { registerNetpolCommands } from './commands/netpol.js';
import { registerClusterCommands } from './commands/cluster.js';
import { registerServerCommands } from './commands/server.js';
import { registerWorkerCommands } from './commands/worker.js';
import { registerAdminCommands } from './commands/admin.js';
import { CliExit } from './exit.js';

// commander: the de-facto CLI parser for Node (sub-commands, generated --help on every command).

export function buildProgram(): Command {
  const program = new Command('bulwark')
    .description('Bulwark: cloud-native application protection — scan images, filesystems and SBOMs for vulnerable packages, and configuration for misconfigurations and compliance')
    .version(BULWARK_VERSION, '-v, --version', 'print the Bulwark version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) });
  registerScanCommands(program);
  registerDbCommands(program);
  registerVersionCommands(program);
  registerVulndbCommands(program);
  registerRulesCommands(program);
  registerComplianceCommands(program);
  registerNetpolCommands(program);
  registerClusterCommands(program);
  registerServerCommands(program);
  registerWorkerCommands(program);
  registerAdminCommands(program);
  for (const cmd of allCommands(program)) cmd.exitOverride();
  return program;
}

function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap((s) => allCommands(s))];
}

/** Runs the CLI and returns the process exit code: 0 ok, 1 findings gate / internal error, 2 bad input or usage, 3 remote failure. */
export async function main(argv: string[]): Promise<number> {
  // A closed pipe (`bulwark ... | head`) ends the output quietly, as Unix tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CliExit) return e.code;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (isBulwarkError(e)) {
      process.stderr.write(`bulwark: error: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`bulwark: internal error: ${describeError(e)}\n`);
    if (process.env.BULWARK_DEBUG) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
    return 1;
  }
}
