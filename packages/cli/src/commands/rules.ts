import Table from 'cli-table3';
import type { Command } from 'commander';
import { ConfigError, InputError } from '@bulwark/core';
import { stableStringify } from '@bulwark/scanner';
import type { CatalogRule } from '@bulwark/posture';
import { checkFormat, findRule, ruleCatalog } from './config.js';

const TARGETS = ['kubernetes', 'dockerfile', 'terraform', 'cloudformation', 'compose'] as const;

function plain(r: CatalogRule): Record<string, unknown> {
  return {
    id: r.id, title: r.title, severity: r.severity, target: r.targets.join(','), targets: [...r.targets], description: r.description,
    remediation: r.remediation, references: [...r.references], aliases: [...r.aliases], frameworks: r.frameworks.map((f) => `${f.framework}:${f.control}`),
    ...(r.tags ? { tags: [...r.tags] } : {}),
  };
}

function listTable(rules: readonly CatalogRule[]): string {
  const t = new Table({ head: ['ID', 'Severity', 'Target', 'Title', 'Aliases', 'Frameworks'], style: { head: [], border: [] }, wordWrap: false });
  for (const r of rules) {
    const aliases = r.aliases.join(', ');
    const fw = r.frameworks.map((f) => `${f.framework}:${f.control}`).join(', ');
    t.push([r.id, r.severity.toUpperCase(), r.targets.join(','), r.title.length > 60 ? `${r.title.slice(0, 59)}…` : r.title, aliases.length > 40 ? `${aliases.slice(0, 39)}…` : aliases, fw.length > 40 ? `${fw.slice(0, 39)}…` : fw]);
  }
  return `${t.toString()}\n${rules.length} rules\n`;
}

function showText(r: CatalogRule): string {
  const lines = [
    `${r.id}: ${r.title}`,
    `Severity:    ${r.severity.toUpperCase()}`,
    `Target:      ${r.targets.join(', ')}`,
    `Aliases:     ${r.aliases.join(', ') || '-'}`,
    `Frameworks:  ${r.frameworks.map((f) => `${f.framework} ${f.control}`).join(', ') || '-'}`,
    ...(r.tags && r.tags.length > 0 ? [`Tags:        ${r.tags.join(', ')}`] : []),
    '',
    'Description:',
    `  ${r.description}`,
    '',
    'Remediation:',
    `  ${r.remediation}`,
  ];
  if (r.references.length > 0) lines.push('', 'References:', ...r.references.map((u) => `  ${u}`));
  return lines.join('\n') + '\n';
}

export function registerRulesCommands(program: Command): void {
  const rules = program.command('rules').description('list and describe the built-in configuration rules');
  rules
    .command('list')
    .description('print the rule library: id, title, severity, target, description, remediation, references, aliases, frameworks')
    .option('-f, --format <format>', 'output format: table, json', 'table')
    .option('--target <target>', `only rules for one target: ${TARGETS.join(', ')}`)
    .addHelpText('after', '\nThe table shows the short columns; --format json carries every field.\n\nExamples:\n  bulwark rules list\n  bulwark rules list --target dockerfile\n  bulwark rules list --format json > rules.json')
    .action((opts: { format: string; target?: string }) => {
      const format = checkFormat(opts.format, ['table', 'json'] as const);
      if (opts.target !== undefined && !(TARGETS as readonly string[]).includes(opts.target)) throw new ConfigError('--target', `expected one of ${TARGETS.join(', ')}, got "${opts.target}"`);
      const list = ruleCatalog()
        .filter((r) => opts.target === undefined || r.targets.includes(opts.target as (typeof TARGETS)[number]))
        .slice()
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      process.stdout.write(format === 'json' ? stableStringify(list.map(plain)) : listTable(list));
    });
  rules
    .command('show')
    .description('describe one rule, by id or by a peer alias (KSV017, CKV_K8S_16, DL3007, C-0057...)')
    .argument('<id>', 'rule id or alias')
    .option('-f, --format <format>', 'output format: text, json', 'text')
    .addHelpText('after', '\nExamples:\n  bulwark rules show BLW-K8S-016\n  bulwark rules show DL3007')
    .action((id: string, opts: { format: string }) => {
      const format = checkFormat(opts.format, ['text', 'json'] as const);
      const r = findRule(id);
      if (!r) throw new InputError({ file: id, expected: 'a rule id or alias (see `bulwark rules list`)', message: 'no such rule' });
      process.stdout.write(format === 'json' ? stableStringify(plain(r)) : showText(r));
    });
}
