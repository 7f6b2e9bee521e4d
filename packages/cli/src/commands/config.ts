import { closeSync, existsSync, openSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { BULWARK_VERSION, ConfigError, InputError, SEVERITIES, isSeverity, unwrap } from '@bulwark/core';
import type { FileError, Severity } from '@bulwark/core';
import { configFormats, configReportChunks, configSummary, isExpired, parseIgnoreFile } from '@bulwark/scanner';
import type { ConfigFormat, ConfigReport, ConfigRuleInfo, ReportedConfigFinding } from '@bulwark/scanner';
import { cluster, findRule, formatUnifiedDiff, loadPolicies, planFixes, ruleCatalog, scanConfigTree, scanKubernetesObjects, unknownRuleNames } from '@bulwark/posture';
import type { FixPlan } from '@bulwark/posture';
import type { ConfigScanResult, K8sRule, RuleMeta } from '@bulwark/posture';
import { CliExit } from '../exit.js';
import { clusterSourceOptions, readClusterObjects } from './cluster-source.js';
import type { ClusterSourceOptions } from './cluster-source.js';
import { createProgress } from '../progress.js';
import { addUploadOptions, sendUpload, uploadTarget, type UploadCliOptions } from '../upload/cli.js';
import { configUpload } from '../upload/config-upload.js';
import { k8sUpload } from '../upload/k8s.js';

export interface ConfigCliOptions extends UploadCliOptions {
  format: string;
  output?: string;
  severity?: string;
  exitCode?: string;
  ignorefile?: string;
  rules?: string[];
  skipRules?: string[];
  showSuppressed?: boolean;
  progress?: boolean;
  maxFileBytes?: string;
  policy?: string[];
  fix?: string | boolean;
}

type FixMode = 'write' | 'diff';

function fixMode(raw: string | boolean | undefined): FixMode | undefined {
  if (raw === undefined || raw === false) return undefined;
  if (raw === true || raw === 'write') return 'write';
  if (raw === 'diff') return 'diff';
  throw new ConfigError('--fix', `expected --fix (write the files) or --fix=diff (print a unified diff), got "--fix=${raw}"`);
}

/**
 * Plans the mechanical fixes for the Kubernetes manifests and Dockerfiles a scan read. Paths in the plans are those
 * of the scan (relative to the root); `abs` maps them back to the files.
 */
function planTreeFixes(root: string, scan: ConfigScanResult, rules: string[] | undefined): { plans: FixPlan[]; abs: (p: string) => string } {
  const single = isFile(root);
  const abs = (p: string): string => (single ? root : join(root, p));
  const files = scan.files.filter((f) => f.type === 'kubernetes' || f.type === 'dockerfile').map((f) => ({ path: f.path, content: readFileSync(abs(f.path)) }));
  const plans = planFixes(files, rules ? { rules } : {}).filter((p) => p.after !== p.before);
  return { plans, abs };
}

/** Replaces a file through a temporary sibling and a rename, so an interrupted write never leaves half a manifest. */
function replaceFile(path: string, text: string): void {
  const tmp = `${path}.bulwark-fix-${process.pid}`;
  writeFileSync(tmp, text, { mode: statSync(path).mode });
  renameSync(tmp, path);
}

const POLICY_FILE = /\.(ya?ml|json)$/i;

/** Policy files under a path: the file itself, or every .yaml/.yml/.json below a directory (sorted, no symlinks). */
function policyFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new InputError({ file: path, field: '--policy', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
  if (st.isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 16) return;
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) walk(p, depth + 1);
      else if (e.isFile() && POLICY_FILE.test(e.name)) out.push(p);
    }
  };
  walk(path, 0);
  return out;
}

/**
 * Loads CEL policies (Bulwark policy files and ValidatingAdmissionPolicies) from `--policy` files or directories.
 * Any bad policy stops the command (exit 2) with every error, file and line: a policy silently dropped would let
 * violations through a CI gate.
 */
export function loadPolicyPaths(paths: string[] | undefined): K8sRule[] | undefined {
  if (!paths || paths.length === 0) return undefined;
  const files = paths.flatMap(policyFiles).map((p) => ({ path: p, content: readFileSync(p) }));
  if (files.length === 0) throw new InputError({ file: paths.join(', '), field: '--policy', expected: 'policy files (.yaml, .yml, .json)', message: 'no policy file found' });
  const { rules, errors } = loadPolicies(files);
  const first = errors[0];
  if (first) {
    const text = (e: InputError): string => (e.file === first.file && e.message.startsWith(`${e.file}: `) ? e.message.slice(e.file.length + 2) : e.message);
    throw new InputError({ file: first.file, message: errors.map(text).join('\n  ') + (errors.length > 1 ? `\n  (${errors.length} policy errors)` : '') });
  }
  const builtIn = rules.find((r) => findRule(r.id)?.id === r.id);
  if (builtIn) throw new InputError({ file: paths.join(', '), field: '--policy', message: `policy id ${builtIn.id} is a built-in rule id; choose another` });
  return rules;
}

/** Accepts plain byte counts and 512k / 64M / 2G suffixes. */
export function parseBytes(raw: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(raw.trim());
  if (!m) throw new ConfigError(flag, `expected a byte count such as 1048576, 512k or 8M, got "${raw}"`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(Number(m[1]) * mult);
}

export function parseSeverities(raw: string | undefined): Severity[] | undefined {
  if (!raw) return undefined;
  return raw.split(',').map((part) => {
    const s = part.trim().toLowerCase();
    if (!isSeverity(s)) throw new ConfigError('--severity', `unknown severity "${part}"; expected ${SEVERITIES.join(', ')}`);
    return s;
  });
}

export function parseExitCode(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 255) throw new ConfigError('--exit-code', `expected an integer 0-255, got "${raw}"`);
  return n;
}

export function checkFormat<T extends string>(raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError('--format', `expected one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

/** Rule names from `--rules a,b c`: split on commas too, and refuse names that are no rule id or alias. */
export function ruleNames(list: string[] | undefined, flag: string, custom: readonly RuleMeta[] = []): string[] | undefined {
  if (!list || list.length === 0) return undefined;
  const names = list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const customNames = new Set(custom.flatMap((r) => [r.id, ...r.aliases]).map((n) => n.toUpperCase()));
  const unknown = unknownRuleNames(names).filter((n) => !customNames.has(n.toUpperCase()));
  if (unknown.length > 0) throw new ConfigError(flag, `unknown rule ${unknown.map((u) => `"${u}"`).join(', ')} (see \`bulwark rules list\`)`);
  return names;
}

function pathMatches(rulePath: string, path: string): boolean {
  const a = rulePath.replace(/^\.?\/+/, '');
  return a === path || path.startsWith(a.endsWith('/') ? a : `${a}/`);
}

/**
 * Marks findings that an ignore-file entry covers: the entry's id equals the rule id or one of its aliases (Trivy's
 * KSV017, Checkov's CKV_K8S_16...), and its paths (if any) contain the finding's file. Entries naming packages
 * (purls) are about vulnerabilities and never match. Expired entries are warned about and skipped.
 */
export function applyConfigIgnoreFile(findings: ReportedConfigFinding[], file: string, now: Date, warnings: string[]): ReportedConfigFinding[] {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (e) {
    throw new InputError({ file, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
  const rules = unwrap(parseIgnoreFile(content, file)).filter((r) => r.id !== undefined && r.purls.length === 0);
  const active = rules.filter((r) => {
    if (!isExpired(r, now)) return true;
    warnings.push(`${r.at}: ignore rule for ${r.id} expired on ${r.expires}; no longer applied`);
    return false;
  });
  if (active.length === 0) return findings;
  return findings.map((f) => {
    const ids = new Set([f.ruleId, ...f.aliases].map((x) => x.toUpperCase()));
    const hit = active.find((r) => ids.has(r.id!.toUpperCase()) && (r.paths.length === 0 || r.paths.some((p) => pathMatches(p, f.file))));
    if (!hit) return f;
    return { ...f, suppressed: { by: 'ignore-file', source: file, ...(hit.reason ? { reason: hit.reason } : {}) } };
  });
}

function ruleInfo(id: string, custom: readonly RuleMeta[]): ConfigRuleInfo | undefined {
  const builtIn = findRule(id);
  const r = builtIn?.id === id ? builtIn : custom.find((c) => c.id === id);
  if (!r) return undefined;
  return {
    id: r.id, title: r.title, severity: r.severity, description: r.description, remediation: r.remediation,
    references: [...r.references], aliases: [...r.aliases], frameworks: r.frameworks.map((f) => ({ ...f })),
    targets: 'targets' in r ? [...(r as { targets: string[] }).targets] : [r.target],
  };
}

/** Turns a scan result into the report every format renders; suppressions and the severity filter applied. */
export function buildConfigReport(
  scan: ConfigScanResult,
  target: ConfigReport['target'],
  opts: { severities?: Severity[]; ignoreFile?: string; now?: Date; customRules?: readonly RuleMeta[] },
): ConfigReport {
  const warnings = [...scan.warnings];
  let findings: ReportedConfigFinding[] = scan.findings;
  if (opts.ignoreFile) findings = applyConfigIgnoreFile(findings, opts.ignoreFile, opts.now ?? new Date(), warnings);
  if (opts.severities) {
    const keep = new Set(opts.severities);
    findings = findings.filter((f) => keep.has(f.severity));
  }
  const rules: ConfigRuleInfo[] = [];
  for (const id of [...new Set(findings.map((f) => f.ruleId))].sort()) {
    const info = ruleInfo(id, opts.customRules ?? []);
    if (info) rules.push(info);
  }
  const files = [...scan.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    schemaVersion: 1,
    reportType: 'config',
    tool: { name: 'bulwark', version: BULWARK_VERSION },
    createdAt: new Date().toISOString(),
    target,
    files,
    findings,
    rules,
    summary: configSummary(findings, files.length),
    status: { fileErrors: scan.errors, warnings },
  };
}

/** Writes the text to -o or stdout, then warnings and file errors (with file and line) to stderr. */
export function emit(text: string, output: string | undefined, warnings: readonly string[], fileErrors: readonly FileError[]): void {
  if (output) writeFileSync(output, text);
  else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  warn(warnings, fileErrors);
}

/** Warnings and skipped files (with file and line) on stderr. */
function warn(warnings: readonly string[], fileErrors: readonly FileError[]): void {
  for (const w of warnings) process.stderr.write(`bulwark: warning: ${w}\n`);
  for (const e of fileErrors) process.stderr.write(`bulwark: warning: skipped ${e.error.startsWith(e.path) ? e.error : `${e.path}: ${e.error}`}\n`);
}

/**
 * Writes a report given in pieces to -o (through one file descriptor, ~1 MiB writes) or stdout (waiting for the
 * pipe to drain), so a report larger than memory allows as one string still goes out; then warnings and file errors.
 */
export async function emitChunks(chunks: Iterable<string>, output: string | undefined, warnings: readonly string[], fileErrors: readonly FileError[]): Promise<void> {
  let pending: string[] = [];
  let size = 0;
  let last = '';
  const fd = output ? openSync(output, 'w') : undefined;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    size = 0;
    if (fd !== undefined) writeSync(fd, text);
    else if (!process.stdout.write(text)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
  };
  try {
    for (const c of chunks) {
      if (c.length === 0) continue;
      pending.push(c);
      size += c.length;
      last = c;
      if (size >= 1 << 20) await flush();
    }
    if (fd === undefined && !last.endsWith('\n')) pending.push('\n');
    await flush();
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  warn(warnings, fileErrors);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Runs the config scan of a path. A file the user named on its own must be a configuration file that parses:
 * otherwise an InputError (exit 2). In a tree, a bad file is reported and skipped.
 */
export async function runConfigScan(
  path: string,
  opts: { include?: string[]; exclude?: string[]; maxFileBytes?: number; progress: boolean; inventory?: boolean; policyRules?: readonly K8sRule[] },
): Promise<ConfigScanResult> {
  if (!existsSync(path)) throw new InputError({ file: path, message: 'no such file or directory' });
  const progress = createProgress('scanning', opts.progress);
  let scan: ConfigScanResult;
  try {
    scan = await scanConfigTree(path, {
      ...(opts.include ? { include: opts.include } : {}),
      ...(opts.exclude ? { exclude: opts.exclude } : {}),
      ...(opts.maxFileBytes !== undefined ? { limits: { maxFileBytes: opts.maxFileBytes } } : {}),
      ...(opts.inventory ? { inventory: true } : {}),
      ...(opts.policyRules ? { policyRules: opts.policyRules } : {}),
      onProgress: (e) => progress.update(e.phase, e.done, e.total),
    });
  } finally {
    progress.stop();
  }
  if (isFile(path)) {
    const first = scan.errors[0];
    if (first) throw new InputError({ file: path, message: first.error.startsWith(first.path) ? first.error.slice(first.path.length).replace(/^:\s*/, '') : first.error });
    if (scan.files.length === 0) {
      throw new InputError({ file: path, expected: 'a Kubernetes manifest, Dockerfile, Terraform (.tf, .tfvars, plan JSON), CloudFormation template or docker-compose file', message: `not a configuration file Bulwark scans${scan.warnings[0] ? ` (${scan.warnings[0]})` : ''}` });
    }
  }
  return scan;
}

function gate(report: ConfigReport, exitCode: number | undefined): void {
  if (exitCode === undefined || exitCode === 0) return;
  if (report.findings.some((f) => !f.suppressed)) throw new CliExit(exitCode);
}

function commonOptions(cmd: Command): Command {
  return cmd
    .option('-f, --format <format>', `output format: ${configFormats.join(', ')}`, 'table')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-s, --severity <list>', `only report these severities (comma-separated: ${SEVERITIES.join(',')})`)
    .option('--exit-code <n>', 'exit with this code when a reported finding remains (CI gate)')
    .option('--ignorefile <file>', 'ignore file: rule ids or aliases, optional paths/expiry/reason', '.bulwarkignore')
    .option('--show-suppressed', 'also list findings suppressed by the ignore file (table, SARIF)')
    .option('--rules <ids...>', 'run only these rules (ids or aliases, e.g. BLW-K8S-016 KSV017 CKV_K8S_16)')
    .option('--skip-rules <ids...>', 'do not run these rules (ids or aliases)')
    .option('--policy <paths...>', 'also run CEL policies: Bulwark policy files or ValidatingAdmissionPolicy objects (files or directories)')
    .option('--no-progress', 'no progress bar');
}

async function runScanConfig(path: string, opts: ConfigCliOptions): Promise<void> {
  const format = checkFormat<ConfigFormat>(opts.format, configFormats);
  const severities = parseSeverities(opts.severity);
  const exitCode = parseExitCode(opts.exitCode);
  const policyRules = loadPolicyPaths(opts.policy);
  const include = ruleNames(opts.rules, '--rules', policyRules);
  const exclude = ruleNames(opts.skipRules, '--skip-rules', policyRules);
  const maxFileBytes = opts.maxFileBytes === undefined ? undefined : parseBytes(opts.maxFileBytes, '--max-file-bytes');
  const mode = fixMode(opts.fix);
  const upload = uploadTarget(opts);
  if (upload && mode === 'diff') throw new ConfigError('--upload', 'cannot be combined with --fix=diff, which scans nothing it reports');
  const startedAt = new Date();
  const scanOpts = {
    ...(policyRules ? { policyRules } : {}),
    ...(include ? { include } : {}),
    ...(exclude ? { exclude } : {}),
    ...(maxFileBytes !== undefined ? { maxFileBytes } : {}),
    progress: opts.progress !== false && Boolean(process.stderr.isTTY) && !process.env.CI,
  };
  let scan = await runConfigScan(path, scanOpts);
  if (mode) {
    const { plans, abs } = planTreeFixes(path, scan, include);
    const fixed = plans.reduce((n, p) => n + p.applied.length, 0);
    if (mode === 'diff') {
      emit(formatUnifiedDiff(plans), opts.output, [`${fixed} finding(s) fixable in ${plans.length} file(s); nothing written (--fix=diff)`], []);
      return;
    }
    for (const p of plans) replaceFile(abs(p.path), p.after);
    process.stderr.write(`bulwark: fixed ${fixed} finding(s) in ${plans.length} file(s)${plans.length ? `: ${plans.map((p) => p.path).join(', ')}` : ''}\n`);
    if (plans.length > 0) scan = await runConfigScan(path, scanOpts);
  }
  const finishedAt = new Date();
  const reportOpts = {
    ...(policyRules ? { customRules: policyRules } : {}),
    ...(opts.ignorefile && existsSync(opts.ignorefile) ? { ignoreFile: opts.ignorefile } : {}),
  };
  const report = buildConfigReport(scan, { kind: 'config', name: path }, { ...reportOpts, ...(severities ? { severities } : {}) });
  const chunks = configReportChunks(format, report, { showSuppressed: Boolean(opts.showSuppressed), color: !opts.output && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR });
  await emitChunks(chunks, opts.output, report.status.warnings, report.status.fileErrors);
  if (upload) {
    // The whole scan, not the --severity display filter: findings left out would be marked fixed.
    const all = severities ? buildConfigReport(scan, { kind: 'config', name: path }, reportOpts) : report;
    await sendUpload(upload, configUpload(all.findings, { path, startedAt, finishedAt }));
  }
  gate(report, exitCode);
}

type ClusterSelection = { include?: string[]; exclude?: string[]; inventory?: boolean; policyRules?: readonly K8sRule[] };

/** Scans a cluster — a dump streamed from disk or the live API — with the Kubernetes rules (RBAC included). */
export async function scanCluster(source: ClusterSourceOptions, sel: ClusterSelection): Promise<ConfigScanResult> {
  return (await scanClusterObjects(source, sel)).scan;
}

/** `scanCluster`, keeping the objects read (the upload builds the cluster's assets from them). */
async function scanClusterObjects(source: ClusterSourceOptions, sel: ClusterSelection): Promise<{ scan: ConfigScanResult; objects: cluster.KubeObject[]; file: string }> {
  const objects = await readClusterObjects(source);
  const scan = scanKubernetesObjects(objects.file, objects.items, {
    ...(sel.include ? { include: sel.include } : {}),
    ...(sel.exclude ? { exclude: sel.exclude } : {}),
    ...(sel.inventory ? { inventory: true } : {}),
    ...(sel.policyRules ? { policyRules: sel.policyRules } : {}),
  });
  scan.warnings.push(...objects.warnings);
  return { scan, objects: objects.items.map((i) => i.object as cluster.KubeObject), file: objects.file };
}

/** The cluster's name in asset keys: --cluster-name, else the kubeconfig context, else the snapshot's file name. */
function clusterNameOf(opts: { clusterName?: string; snapshot?: string }, file: string): string {
  const name = opts.clusterName ?? (file.startsWith('cluster:') ? file.slice('cluster:'.length) : basename(file, extname(file)));
  if (!/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,252}$/.test(name)) throw new ConfigError('--cluster-name', `expected a name of letters, digits and . _ : @ -, got "${name}"`);
  return name;
}

async function runScanK8s(opts: ConfigCliOptions & ClusterSourceOptions & { clusterName?: string }): Promise<void> {
  const format = checkFormat<ConfigFormat>(opts.format, configFormats);
  const severities = parseSeverities(opts.severity);
  const exitCode = parseExitCode(opts.exitCode);
  const policyRules = loadPolicyPaths(opts.policy);
  const include = ruleNames(opts.rules, '--rules', policyRules);
  const exclude = ruleNames(opts.skipRules, '--skip-rules', policyRules);
  const upload = uploadTarget(opts);
  if (opts.clusterName !== undefined && !upload) throw new ConfigError('--cluster-name', 'is only used with --upload <url>');
  const startedAt = new Date();
  const { scan, objects, file } = await scanClusterObjects(opts, { ...(include ? { include } : {}), ...(exclude ? { exclude } : {}), ...(policyRules ? { policyRules } : {}) });
  const clusterName = upload ? clusterNameOf(opts, file) : '';
  const finishedAt = new Date();
  const target = scan.files[0]!.path;
  const reportTarget = { kind: opts.snapshot ? ('k8s-snapshot' as const) : ('k8s-cluster' as const), name: target };
  const reportOpts = {
    ...(policyRules ? { customRules: policyRules } : {}),
    ...(opts.ignorefile && existsSync(opts.ignorefile) ? { ignoreFile: opts.ignorefile } : {}),
  };
  const report = buildConfigReport(scan, reportTarget, { ...reportOpts, ...(severities ? { severities } : {}) });
  const chunks = configReportChunks(format, report, { showSuppressed: Boolean(opts.showSuppressed), color: !opts.output && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR });
  await emitChunks(chunks, opts.output, report.status.warnings, report.status.fileErrors);
  if (upload) {
    const all = severities ? buildConfigReport(scan, reportTarget, reportOpts) : report;
    const { body, folded } = k8sUpload(objects, all.findings, { clusterName, source: opts.snapshot ? 'snapshot' : 'live', startedAt, finishedAt });
    await sendUpload(upload, body, folded > 0 ? `${folded} findings on controller-owned pods, ReplicaSets and Jobs folded into their controller` : undefined);
  }
  gate(report, exitCode);
}

/** Adds `scan config` and `scan k8s` under the `scan` command. */
export function registerConfigScanCommands(scan: Command): void {
  addUploadOptions(commonOptions(
    scan
      .command('config')
      .description('scan configuration files for misconfigurations: Kubernetes manifests, Dockerfiles, Terraform, CloudFormation, docker-compose')
      .argument('<path>', 'a directory (walked recursively, skipping .git, node_modules, vendor) or one file'),
  ))
    .option('--max-file-bytes <n>', 'skip (with a warning) files larger than this (default 8M)')
    .option('--fix [mode]', 'correct what has a mechanical fix (securityContext, resources, probes, USER...) in place, or print a unified diff with --fix=diff; the report then shows what remains')
    .addHelpText(
      'after',
      `\nFile types are detected by name and content: Kubernetes YAML/JSON (apiVersion + kind), Dockerfile / Containerfile /\n*.Dockerfile / Dockerfile.*, Terraform (.tf, .tfvars, plan JSON), CloudFormation (AWSTemplateFormatVersion or\nAWS:: resources), docker-compose (compose*.yaml, docker-compose*.yml, or services: at the top).\n\nExit codes: 0 done (malformed files in a tree are listed on stderr and skipped), 2 bad input (a named file that is\nnot a configuration file or does not parse, unknown flag values), --exit-code N when a reported finding remains.\n\nExamples:\n  bulwark scan config .\n  bulwark scan config deploy/ --severity HIGH,CRITICAL --exit-code 1\n  bulwark scan config infra/ -f sarif -o bulwark.sarif\n  bulwark scan config k8s/ --rules BLW-K8S-016 KSV017 --format json\n  bulwark scan config k8s/ --policy policies/ --exit-code 1\n  bulwark scan config deploy/ --fix=diff     (review, then --fix to write)`,
    )
    .action(async (path: string, opts: ConfigCliOptions) => runScanConfig(path, opts));

  addUploadOptions(clusterSourceOptions(commonOptions(scan.command('k8s').description('scan a Kubernetes cluster — live through a kubeconfig, or a kubectl dump — with the Kubernetes rules (RBAC included)'))))
    .option('--cluster-name <name>', 'with --upload: the cluster\'s name on the platform (default: the kubeconfig context, or the snapshot file\'s name)')
    .addHelpText(
      'after',
      `\nWithout --snapshot the cluster of the kubeconfig's context is listed through the API (read-only: list on the\ninventory kinds; kinds the credentials may not list are skipped with a warning naming the permission). A dump is\nread as a stream, Secrets reduced to metadata; take one with, for example:\n  ${cluster.KUBECTL_COMMAND}\n\nExamples:\n  bulwark scan k8s --context prod\n  bulwark scan k8s --snapshot cluster.json -f sarif -o cluster.sarif --exit-code 1\n  bulwark scan k8s --snapshot cluster.json --policy policies/`,
    )
    .action(async (opts: ConfigCliOptions & ClusterSourceOptions & { clusterName?: string }) => runScanK8s(opts));
}

/** Every rule of the library, for listings (re-exported so rules.ts has one import place). */
export { ruleCatalog, findRule };
