import { existsSync } from 'node:fs';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { ConfigError } from '@bulwark/core';
import { stableStringify } from '@bulwark/scanner';
import { evaluateCompliance, findFramework, frameworks } from '@bulwark/posture';
import type { ComplianceReport } from '@bulwark/posture';
import { CliExit } from '../exit.js';
import type { ClusterSourceOptions } from './cluster-source.js';
import { applyConfigIgnoreFile, checkFormat, parseExitCode, runConfigScan, scanCluster } from './config.js';

interface ComplianceCliOptions extends ClusterSourceOptions {
  format: string;
  output?: string;
  exitCode?: string;
  ignorefile?: string;
  progress?: boolean;
}

function statusLabel(s: string): string {
  return s === 'pass' ? 'PASS' : s === 'fail' ? 'FAIL' : 'N/A';
}

function renderTable(r: ComplianceReport, target: string): string {
  const out = [`${r.framework.name} ${r.framework.version}${r.framework.nameZh ? ` / ${r.framework.nameZh}` : ''} — ${target}`];
  const t = new Table({ head: ['Control', 'Status', 'Title', 'Rules', 'Failing', 'Passing resources'], style: { head: [], border: [] }, wordWrap: false });
  for (const c of r.controls) {
    const title = c.titleZh ? `${c.titleZh} ${c.title}` : c.title;
    t.push([c.id, statusLabel(c.status), title.length > 70 ? `${title.slice(0, 69)}…` : title, String(c.rules.length), String(c.failing.length), `${c.passingResources}/${c.applicableResources}`]);
  }
  out.push(t.toString());
  const failed = r.controls.filter((c) => c.status === 'fail');
  if (failed.length > 0) {
    out.push('', 'Evidence (failing controls):');
    for (const c of failed) {
      out.push(`  ${c.id} ${c.titleZh ?? c.title}`);
      for (const e of c.failing.slice(0, 20)) out.push(`    ${e.ruleId}  ${e.resource}  ${e.file}:${e.line}  ${e.message}`);
      if (c.failing.length > 20) out.push(`    … ${c.failing.length - 20} more (use --format json)`);
    }
  }
  out.push('', `Controls: ${r.summary.total}, PASS: ${r.summary.pass}, FAIL: ${r.summary.fail}, N/A: ${r.summary.notApplicable}`);
  return out.join('\n') + '\n';
}

async function run(frameworkName: string, path: string | undefined, opts: ComplianceCliOptions): Promise<void> {
  const framework = findFramework(frameworkName);
  if (!framework) throw new ConfigError('framework', `unknown framework "${frameworkName}"; one of ${frameworks.map((f) => f.id).join(', ')} (see \`bulwark compliance list\`)`);
  const format = checkFormat(opts.format, ['table', 'json'] as const);
  const exitCode = parseExitCode(opts.exitCode);
  const live = Boolean(opts.kubeconfig || opts.context);
  if (path && (opts.snapshot || live)) throw new ConfigError('--snapshot', 'give either a <path>, or --snapshot <file> / --kubeconfig / --context, not both');
  if (!path && !opts.snapshot && !live) throw new ConfigError('compliance', 'expected a <path> to scan, --snapshot <file>, or a cluster (--kubeconfig / --context)');
  const scan = !path
    ? await scanCluster(opts, { inventory: true })
    : await runConfigScan(path!, { inventory: true, progress: opts.progress !== false && Boolean(process.stderr.isTTY) && !process.env.CI });
  const warnings = [...scan.warnings];
  let findings = scan.findings;
  if (opts.ignorefile && existsSync(opts.ignorefile)) findings = applyConfigIgnoreFile(findings, opts.ignorefile, new Date(), warnings).filter((f) => !('suppressed' in f && f.suppressed));
  const report = evaluateCompliance(framework, findings, scan.resources ?? []);
  const target = path ?? scan.files[0]!.path;
  const text = format === 'json' ? stableStringify({ ...report, target, files: scan.files.length, status: { fileErrors: scan.errors, warnings } }) : renderTable(report, target);
  if (opts.output) (await import('node:fs')).writeFileSync(opts.output, text);
  else process.stdout.write(text);
  for (const w of warnings) process.stderr.write(`bulwark: warning: ${w}\n`);
  for (const e of scan.errors) process.stderr.write(`bulwark: warning: skipped ${e.error.startsWith(e.path) ? e.error : `${e.path}: ${e.error}`}\n`);
  if (exitCode !== undefined && exitCode !== 0 && report.summary.fail > 0) throw new CliExit(exitCode);
}

export function registerComplianceCommands(program: Command): void {
  const compliance = program
    .command('compliance')
    .description('evaluate a compliance framework (CIS Kubernetes, NSA-CISA, PCI DSS, MLPS 2.0 / 等保2.0, CIS Docker) on configuration files, a cluster snapshot or a live cluster')
    .argument('[framework]', 'framework id (see `bulwark compliance list`)')
    .argument('[path]', 'directory or file to scan (as `bulwark scan config`)')
    .option('--snapshot <file>', 'evaluate a cluster snapshot (`kubectl get <kinds> -A -o json`) instead of files')
    .option('--kubeconfig <file>', 'evaluate the live cluster of this kubeconfig instead of files')
    .option('--context <name>', 'kubeconfig context of the live cluster')
    .option('-f, --format <format>', 'output format: table, json', 'table')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--exit-code <n>', 'exit with this code when a control fails (CI gate)')
    .option('--ignorefile <file>', 'ignore file: suppressed findings do not fail controls', '.bulwarkignore')
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      '\nA control passes when its rules checked at least one resource and found nothing, fails on any finding (the\nevidence lists resource, rule and file:line), and is not applicable when none of its rules had a resource to check.\n\nExamples:\n  bulwark compliance list\n  bulwark compliance cis-kubernetes deploy/\n  bulwark compliance mlps-2.0 infra/ --format json\n  bulwark compliance nsa-cisa --snapshot cluster.json --exit-code 1\n  bulwark compliance cis-kubernetes --context prod',
    )
    .action(async (framework: string | undefined, path: string | undefined, opts: ComplianceCliOptions) => {
      if (!framework) throw new ConfigError('compliance', 'expected a framework id (see `bulwark compliance list`) and a <path> or --snapshot <file>');
      await run(framework, path, opts);
    });
  compliance
    .command('list')
    .description('list the frameworks and their number of controls')
    .option('-f, --format <format>', 'output format: table, json', 'table')
    .action((opts: { format: string }) => listFrameworks(opts.format));

}

function listFrameworks(rawFormat: string): void {
  const format = checkFormat(rawFormat, ['table', 'json'] as const);
  if (format === 'json') {
    process.stdout.write(stableStringify(frameworks.map((f) => ({ id: f.id, name: f.name, ...(f.nameZh ? { nameZh: f.nameZh } : {}), version: f.version, controls: f.controls.length, references: f.references }))));
    return;
  }
  const t = new Table({ head: ['ID', 'Name', 'Version', 'Controls'], style: { head: [], border: [] } });
  for (const f of frameworks) t.push([f.id, f.nameZh ? `${f.name} / ${f.nameZh}` : f.name, f.version, String(f.controls.length)]);
  process.stdout.write(`${t.toString()}\n`);
}

