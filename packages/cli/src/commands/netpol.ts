import { existsSync, statSync } from 'node:fs';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { ConfigError, InputError } from '@bulwark/core';
import { netpol } from '@bulwark/posture';
import { stableStringify } from '@bulwark/scanner';
import { DEFAULT_WALK_LIMITS, detectConfigType, readBounded, walkTree } from '@bulwark/posture';
import { checkFormat } from './config.js';

type Protocol = 'TCP' | 'UDP' | 'SCTP';

/**
 * Reads every Kubernetes manifest under a path (or the one file). A manifest that does not parse stops the command
 * with an InputError naming file and line: a policy silently skipped would change every verdict.
 */
async function loadObjects(path: string): Promise<unknown[]> {
  if (!existsSync(path)) throw new InputError({ file: path, message: 'no such file or directory' });
  const single = statSync(path).isFile();
  const walked = await walkTree(path, (rel) => /\.(ya?ml|json)$/i.test(rel) || single, DEFAULT_WALK_LIMITS);
  const objects: unknown[] = [];
  for (const r of await readBounded(walked.files)) {
    const shown = single ? path : r.file.rel;
    if (!r.content) throw new InputError({ file: shown, message: r.error ?? 'cannot read' });
    if (!single && detectConfigType(r.file.rel, r.content) !== 'kubernetes') continue;
    const parsed = netpol.parseManifests(r.content.toString('utf8'), shown);
    if (!parsed.ok) throw parsed.error;
    objects.push(...parsed.value);
  }
  if (walked.errors[0]) throw new InputError({ file: walked.errors[0].path, message: walked.errors[0].error });
  if (objects.length === 0) throw new InputError({ file: path, expected: 'Kubernetes manifests (workloads, Services, NetworkPolicies...)', message: 'no Kubernetes object found' });
  return objects;
}

function warn(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`bulwark: warning: ${w}\n`);
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function dotId(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function renderConnList(entries: readonly netpol.ConnEntry[], format: 'txt' | 'json' | 'csv' | 'dot'): string {
  if (format === 'json') return stableStringify(entries.map((e) => ({ src: e.src, dst: e.dst, conn: e.conn })));
  if (format === 'csv') return ['src,dst,conn', ...entries.map((e) => [e.src, e.dst, e.conn].map(csvCell).join(','))].join('\n') + '\n';
  if (format === 'dot') {
    const nodes = [...new Set(entries.flatMap((e) => [e.src, e.dst]))].sort();
    const lines = ['digraph {'];
    for (const n of nodes) lines.push(`\t${dotId(n)} [label=${dotId(n)} shape=${n.includes('[External]') ? 'box' : 'ellipse'}]`);
    for (const e of entries) lines.push(`\t${dotId(e.src)} -> ${dotId(e.dst)} [label=${dotId(e.conn)}]`);
    lines.push('}');
    return lines.join('\n') + '\n';
  }
  const text = netpol.formatConnList(entries);
  return text ? `${text}\n` : '';
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) throw new ConfigError('--port', 'expected a port number 1-65535');
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535) throw new ConfigError('--port', `expected a port number 1-65535, got "${raw}"`);
  return n;
}

function parseProtocol(raw: string): Protocol {
  const p = raw.toUpperCase();
  if (p !== 'TCP' && p !== 'UDP' && p !== 'SCTP') throw new ConfigError('--protocol', `expected TCP, UDP or SCTP, got "${raw}"`);
  return p;
}

export function registerNetpolCommands(program: Command): void {
  const np = program.command('netpol').description('NetworkPolicy analysis: allowed connections, single-connection checks and external exposure');

  np.command('connlist')
    .description('list every allowed connection between workloads and IP ranges once NetworkPolicies (and Admin/Baseline policies) apply')
    .argument('<path>', 'directory or file of Kubernetes manifests')
    .option('--focus <ns/name>', 'only connections from or to this workload')
    .option('-f, --format <format>', 'output format: txt, json, csv, dot', 'txt')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .addHelpText('after', '\nOutput lines read `src => dst : conn`, as np-guard/netpol-analyzer prints them.\n\nExamples:\n  bulwark netpol connlist deploy/\n  bulwark netpol connlist deploy/ --focus shop/web -f dot | dot -Tsvg > web.svg')
    .action(async (path: string, opts: { focus?: string; format: string; output?: string }) => {
      const format = checkFormat(opts.format, ['txt', 'json', 'csv', 'dot'] as const);
      const model = netpol.buildModel(await loadObjects(path));
      if (opts.focus && !model.workloads.some((w) => `${w.namespace}/${w.name}` === opts.focus || `${w.namespace}/${w.name}[${w.kind}]` === opts.focus)) {
        throw new InputError({ file: path, field: '--focus', message: `no workload "${opts.focus}" (known: ${model.workloads.map((w) => `${w.namespace}/${w.name}`).slice(0, 20).join(', ')})` });
      }
      const list = netpol.connectivityOfModel(model);
      const focus = opts.focus;
      const entries = focus ? list.entries.filter((e) => [e.src, e.dst].some((p) => p === focus || p.startsWith(`${focus}[`))) : list.entries;
      const text = renderConnList(entries, format);
      if (opts.output) (await import('node:fs')).writeFileSync(opts.output, text);
      else process.stdout.write(text);
      warn(list.warnings);
    });

  np.command('check')
    .description('decide one connection and name the policies (and rules) that allow or deny it')
    .argument('<path>', 'directory or file of Kubernetes manifests')
    .option('--from <peer>', 'source: ns/name of a workload (or pod owner), ns/name[Kind], an IPv4 address or CIDR')
    .option('--to <peer>', 'destination: same forms as --from')
    .option('--port <port>', 'destination port')
    .option('--protocol <protocol>', 'TCP, UDP or SCTP', 'TCP')
    .option('-f, --format <format>', 'output format: txt, json', 'txt')
    .addHelpText('after', '\nExamples:\n  bulwark netpol check deploy/ --from shop/frontend --to shop/db --port 5432\n  bulwark netpol check deploy/ --from 0.0.0.0/0 --to shop/web --port 443')
    .action(async (path: string, opts: { from?: string; to?: string; port?: string; protocol: string; format: string }) => {
      const format = checkFormat(opts.format, ['txt', 'json'] as const);
      if (!opts.from) throw new ConfigError('--from', 'expected the source workload (ns/name) or IP');
      if (!opts.to) throw new ConfigError('--to', 'expected the destination workload (ns/name) or IP');
      const port = parsePort(opts.port);
      const protocol = parseProtocol(opts.protocol);
      const model = netpol.buildModel(await loadObjects(path));
      const r = netpol.isAllowed(model, { src: opts.from, dst: opts.to, port, protocol });
      const unknown = r.by.find((b) => b.startsWith('unknown peer '));
      if (unknown) {
        const which = unknown.slice('unknown peer '.length);
        throw new InputError({ file: path, field: which === opts.from ? '--from' : '--to', message: `no workload "${which}" (known: ${model.workloads.map((w) => `${w.namespace}/${w.name}`).slice(0, 20).join(', ')})` });
      }
      if (format === 'json') process.stdout.write(stableStringify({ from: opts.from, to: opts.to, protocol, port, allowed: r.allowed, by: r.by }));
      else {
        const why = r.by.length > 0 ? r.by : ['no policy selects either side: Kubernetes allows the connection by default'];
        process.stdout.write(`${r.allowed ? 'allowed' : 'denied'}: ${opts.from} -> ${opts.to} ${protocol} ${port}\n${why.map((b) => `  ${b}\n`).join('')}`);
      }
      warn(model.warnings);
    });

  np.command('exposure')
    .description('list workloads reachable from outside the cluster (LoadBalancer/NodePort Services, Ingress, Route) with what policies leave open')
    .argument('<path>', 'directory or file of Kubernetes manifests')
    .option('-f, --format <format>', 'output format: table, json', 'table')
    .addHelpText('after', '\nExamples:\n  bulwark netpol exposure deploy/\n  bulwark netpol exposure deploy/ -f json')
    .action(async (path: string, opts: { format: string }) => {
      const format = checkFormat(opts.format, ['table', 'json'] as const);
      const model = netpol.buildModel(await loadObjects(path));
      const list = netpol.exposureOfModel(model);
      if (format === 'json') process.stdout.write(stableStringify(list));
      else {
        const t = new Table({ head: ['Workload', 'Exposed via', 'Reachable connections', 'Reachable'], style: { head: [], border: [] } });
        for (const e of list) t.push([e.workload, e.via.join('\n'), e.conn, e.reachable ? 'yes' : 'no']);
        process.stdout.write(`${t.toString()}\n${list.length} exposed workload(s), ${list.filter((e) => e.reachable).length} reachable from outside\n`);
      }
      warn(model.warnings);
    });
}
