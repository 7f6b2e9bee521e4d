import { baseName, positional } from '../../../dockerfile/shell.js';
import type { ShellCommand } from '../../../dockerfile/shell.js';

export const hl = (id: string): string => `https://github.com/hadolint/hadolint/wiki/${id}`;

/** Subcommand and its operands: `apt-get -y install a b` → { sub: "install", operands: ["a", "b"] }. */
export function subcommand(c: ShellCommand, withValue: ReadonlySet<string> = new Set()): { sub: string; operands: string[] } | undefined {
  const pos = positional(c.args, withValue);
  if (pos.length === 0) return undefined;
  return { sub: pos[0]!, operands: pos.slice(1) };
}

export function isTool(c: ShellCommand, names: readonly string[]): boolean {
  return names.includes(baseName(c));
}

/** `rm -rf <prefix>...` among the commands, at or after index `from`. */
export function removes(commands: readonly ShellCommand[], from: number, prefixes: readonly string[]): boolean {
  return commands.slice(from).some((c) => baseName(c) === 'rm' && c.args.some((a) => prefixes.some((p) => a.startsWith(p))));
}
