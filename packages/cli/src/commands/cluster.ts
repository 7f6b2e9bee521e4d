import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { analyzeRbac, cluster, formatPath, formatRbacReport } from '@bulwark/posture';
import { checkFormat } from './config.js';
import { clusterSourceOptions, readClusterObjects } from './cluster-source.js';
import type { ClusterSourceOptions } from './cluster-source.js';

interface ClusterCliOptions extends ClusterSourceOptions {
  format: string;
  output?: string;
  subject?: string;
}

function emit(text: string, output: string | undefined, warnings: readonly string[]): void {
  if (output) writeFileSync(output, text);
  else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  for (const w of warnings) process.stderr.write(`bulwark: warning: ${w}\n`);
}

async function objectsOf(opts: ClusterSourceOptions): Promise<{ objects: cluster.KubeObject[]; warnings: string[] }> {
  const read = await readClusterObjects(opts);
  return { objects: read.items.map((i) => i.object as cluster.KubeObject), warnings: read.warnings };
}

async function runInventory(opts: ClusterCliOptions): Promise<void> {
  const format = checkFormat(opts.format, ['table', 'json'] as const);
  const { objects, warnings } = await objectsOf(opts);
  const inv = cluster.buildInventory(objects);
  emit(format === 'json' ? JSON.stringify(inv, null, 2) : cluster.formatInventory(inv), opts.output, warnings);
}

async function runRbac(opts: ClusterCliOptions): Promise<void> {
  const format = checkFormat(opts.format, ['table', 'json'] as const);
  const { objects, warnings } = await objectsOf(opts);
  const report = analyzeRbac(objects);
  if (opts.subject) {
    const perms = report.permissionsOf(opts.subject);
    const paths = report.escalationPaths.filter((p) => `${p.subject.kind}:${p.subject.namespace ? `${p.subject.namespace}/` : ''}${p.subject.name}` === opts.subject);
    const text =
      format === 'json'
        ? JSON.stringify({ subject: opts.subject, permissions: perms, escalationPaths: paths }, null, 2)
        : [
            `Effective permissions of ${opts.subject} (${perms.length}):`,
            ...perms.map((p) => `  ${p.verb} ${p.nonResourceURL ?? `${p.apiGroup ? `${p.apiGroup}/` : ''}${p.resource}${p.resourceName ? `/${p.resourceName}` : ''}`}${p.namespace ? ` in ${p.namespace}` : ' cluster-wide'}`),
            '',
            paths.length ? 'Escalation paths to cluster-admin:' : 'No escalation path to cluster-admin.',
            ...paths.map((p) => `  ${formatPath(p)}`),
          ].join('\n');
    emit(text, opts.output, warnings);
    return;
  }
  const json = { roles: report.roles.length, bindings: report.bindings.length, subjects: report.subjects, riskyGrants: report.riskyGrants, escalationPaths: report.escalationPaths.map((p) => ({ ...p, text: formatPath(p) })), skipped: report.skipped };
  emit(format === 'json' ? JSON.stringify(json, null, 2) : formatRbacReport(report), opts.output, warnings);
}

export function registerClusterCommands(program: Command): void {
  const cmd = program.command('cluster').description('live Kubernetes cluster posture: inventory with relations, RBAC effective permissions and escalation paths');
  const common = (c: Command): Command =>
    clusterSourceOptions(c).option('-f, --format <format>', 'output format: table, json', 'table').option('-o, --output <file>', 'write to a file instead of stdout');
  common(cmd.command('inventory').description('every node, namespace, workload, pod, service, endpoint, ingress, secret (metadata only), PV/PVC, RBAC object and NetworkPolicy, with relations (workload → pods → node, service → pods, ingress → service)'))
    .addHelpText('after', `\nExamples:\n  bulwark cluster inventory --context prod\n  bulwark cluster inventory --snapshot cluster.json -f json\n\nA snapshot for --snapshot:\n  ${cluster.KUBECTL_COMMAND}`)
    .action(async (opts: ClusterCliOptions) => runInventory(opts));
  common(cmd.command('rbac').description('RBAC analysis: risky grants, escalation paths to cluster-admin, and one subject\'s effective permissions'))
    .option('--subject <subject>', 'show one subject: User:jane, Group:devs, ServiceAccount:ns/name')
    .addHelpText('after', '\nExamples:\n  bulwark cluster rbac --context prod\n  bulwark cluster rbac --snapshot cluster.json --subject ServiceAccount:ci/deployer')
    .action(async (opts: ClusterCliOptions) => runRbac(opts));
}
