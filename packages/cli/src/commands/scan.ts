import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, InputError, SEVERITIES, cacheDir, createLogger, defaultDbPath, isSeverity } from '@bulwark/core';
import type { ScanReport, Severity, TargetKind } from '@bulwark/core';
import { VulnDb, isStale, newestSnapshot } from '@bulwark/vulndb';
import { exitCodeFor, filterFindings, isReportFormat, reportFormats, scanTarget, writeReport } from '@bulwark/scanner';
import { applySuppressionFiles } from '../suppressions.js';
import { createProgress } from '../progress.js';
import { CliExit } from '../exit.js';
import { registerConfigScanCommands } from './config.js';
import { addUploadOptions, readSbomSubject, sendUpload, uploadTarget, type UploadCliOptions } from '../upload/cli.js';
import { vulnerabilityUpload } from '../upload/vulns.js';

interface ScanCliOptions extends UploadCliOptions {
  format: string;
  output?: string;
  severity?: string;
  ignoreUnfixed?: boolean;
  exitCode?: string;
  ignorefile?: string;
  vex?: string[];
  db?: string;
  skipDb?: boolean;
  cacheDir?: string;
  cache?: boolean;
  progress?: boolean;
  showSuppressed?: boolean;
  platform?: string;
  insecure?: boolean;
  username?: string;
  password?: string;
  maxLayerBytes?: number;
  maxTotalBytes?: number;
  maxFileBytes?: number;
}

/** Accepts plain byte counts and 512k / 64M / 2G suffixes. */
function parseBytes(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(raw.trim());
  if (!m) throw new ConfigError('size', `expected a byte count such as 1048576, 512M or 4G, got "${raw}"`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(Number(m[1]) * mult);
}

const FORMAT_ALIASES: Record<string, string> = { spdx: 'spdx-json' };
const FORMAT_NAMES = [...reportFormats.keys(), ...Object.keys(FORMAT_ALIASES)];

const TARGETS: { kind: TargetKind; name: string; arg: string; description: string; example: string }[] = [
  {
    kind: 'image',
    name: 'image',
    arg: '<image>',
    description: 'scan a container image: a docker-archive tar (also .tar.gz), an OCI layout (directory or tar), or a registry reference',
    example: 'bulwark scan image ./app.tar\n  bulwark scan image 127.0.0.1:5000/team/app:1.2 --insecure --format sarif -o app.sarif',
  },
  { kind: 'rootfs', name: 'rootfs', arg: '<dir>', description: 'scan a root filesystem (a running host or an unpacked image)', example: 'bulwark scan rootfs /' },
  { kind: 'fs', name: 'fs', arg: '<dir>', description: 'scan a project directory: lockfiles, manifests and vendored packages', example: 'bulwark scan fs . --severity HIGH,CRITICAL --exit-code 1' },
  { kind: 'sbom', name: 'sbom', arg: '<file>', description: 'scan a CycloneDX or SPDX JSON SBOM for vulnerable packages', example: 'bulwark scan sbom app.cdx.json' },
];

export function registerScanCommands(program: Command): void {
  const scan = program.command('scan').description('scan an artifact for vulnerable packages, or configuration for misconfigurations');
  for (const t of TARGETS) {
    const cmd = scan
      .command(t.name)
      .description(t.description)
      .argument(t.arg, 'what to scan')
      .option('-f, --format <format>', `output format: ${FORMAT_NAMES.join(', ')}`, 'table')
      .option('-o, --output <file>', 'write the report to a file instead of stdout')
      .option('-s, --severity <list>', `only report these severities (comma-separated: ${SEVERITIES.join(',')})`)
      .option('--ignore-unfixed', 'hide vulnerabilities that have no fixed version yet')
      .option('--exit-code <n>', 'exit with this code when a reported vulnerability remains (CI gate)')
      .option('--ignorefile <file>', 'ignore file (ids with optional expiry and reason)', '.bulwarkignore')
      .option('--vex <files...>', 'OpenVEX documents marking findings not affected')
      .option('--show-suppressed', 'also list findings suppressed by the ignore file or VEX')
      .option('--db <path>', 'vulnerability database file (default: $BULWARK_DB or the user cache directory)')
      .option('--skip-db', 'list packages only; do not match vulnerabilities')
      .option('--cache-dir <dir>', 'cache directory for per-layer results')
      .option('--no-cache', 'do not read or write the layer cache')
      .option('--no-progress', 'no progress bar')
      .option('--max-layer-bytes <n>', 'refuse a layer that decompresses past this many bytes', parseBytes)
      .option('--max-total-bytes <n>', 'refuse an artifact whose layers decompress past this many bytes in all', parseBytes)
      .option('--max-file-bytes <n>', 'skip (with a warning) files larger than this that a cataloger would read', parseBytes);
    if (t.kind === 'image') {
      cmd
        .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image index (default linux/amd64)')
        .option('--insecure', 'allow plain HTTP and unverified TLS for the registry')
        .option('--username <user>', 'registry user name (else ~/.docker/config.json, or anonymous)')
        .option('--password <password>', 'registry password or token (or $BULWARK_REGISTRY_PASSWORD)');
    }
    addUploadOptions(cmd);
    cmd.addHelpText('after', `\nExamples:\n  ${t.example}\n  BULWARK_TOKEN=… ${t.example.split('\n')[0]} --upload https://bulwark.example.com`);
    cmd.action(async (target: string, opts: ScanCliOptions) => runScan(t.kind, target, opts));
  }
  registerConfigScanCommands(scan);
}

async function runScan(kind: TargetKind, target: string, opts: ScanCliOptions): Promise<void> {
  const format = FORMAT_ALIASES[opts.format] ?? opts.format;
  if (!isReportFormat(format)) throw new ConfigError('--format', `expected one of ${FORMAT_NAMES.join(', ')}, got "${opts.format}"`);
  const severities = parseSeverities(opts.severity);
  const exitCode = opts.exitCode === undefined ? undefined : Number.parseInt(opts.exitCode, 10);
  if (exitCode !== undefined && (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255)) throw new ConfigError('--exit-code', 'expected an integer 0-255');
  if (kind !== 'image' && !existsSync(target)) throw new InputError({ file: target, message: 'no such file or directory' });
  const upload = uploadTarget(opts);
  const startedAt = new Date();

  const logger = createLogger();
  let vdb: VulnDb | undefined;
  let dataAsOf: string | undefined;
  if (!opts.skipDb) {
    const dbPath = opts.db ?? defaultDbPath();
    if (!existsSync(dbPath)) {
      throw new ConfigError('db', `no vulnerability database at ${dbPath}; run \`bulwark db import <mirror-dir>\` or \`bulwark db update\` first, or pass --skip-db to list packages only`);
    }
    vdb = VulnDb.open(dbPath, { readonly: true });
  }
  const progress = createProgress('scanning', opts.progress !== false && Boolean(process.stderr.isTTY) && !process.env.CI);
  let report: ScanReport;
  try {
    let dbInfo: ScanReport['db'];
    if (vdb) {
      const status = vdb.status();
      const stale = isStale(status, new Date());
      dataAsOf = newestSnapshot(status);
      dbInfo = { path: opts.db ?? defaultDbPath(), stale, ...(status.updatedAt ? { updatedAt: status.updatedAt } : {}) };
    }
    report = await scanTarget({
      kind,
      target,
      ...(vdb ? { lookup: vdb } : {}),
      ...(dbInfo ? { db: dbInfo } : {}),
      cacheDir: opts.cache === false ? undefined : (opts.cacheDir ?? cacheDir()),
      ...(opts.platform ? { platform: opts.platform } : {}),
      insecure: Boolean(opts.insecure),
      ...(opts.username ? { username: opts.username } : {}),
      ...((opts.password ?? process.env.BULWARK_REGISTRY_PASSWORD) ? { password: opts.password ?? process.env.BULWARK_REGISTRY_PASSWORD } : {}),
      ignoreUnfixed: Boolean(opts.ignoreUnfixed),
      limits: {
        ...(opts.maxLayerBytes !== undefined ? { maxLayerBytes: opts.maxLayerBytes } : {}),
        ...(opts.maxTotalBytes !== undefined ? { maxTotalBytes: opts.maxTotalBytes } : {}),
        ...(opts.maxFileBytes !== undefined ? { maxFileBytes: opts.maxFileBytes } : {}),
      },
      logger,
      onProgress: (e) => progress.update(e.label, e.done, e.total),
    });
  } finally {
    progress.stop();
    vdb?.close();
  }
  const finishedAt = new Date();
  if (report.db?.stale) {
    report.status.warnings.push(
      `the vulnerability data is older than 7 days (newest feed data ${dataAsOf?.slice(0, 10) ?? 'undated'}, imported ${report.db.updatedAt?.slice(0, 10) ?? 'never'}); run \`bulwark db update\``,
    );
  }
  applySuppressionFiles(report, {
    ...(existsSync(opts.ignorefile ?? '') ? { ignoreFile: opts.ignorefile } : {}),
    vexFiles: opts.vex ?? [],
    now: new Date(),
  });
  const gate = report.vulnerabilities;
  // Suppressed findings stay in the report (JSON and CycloneDX carry their analysis); writers hide them where they should.
  report.vulnerabilities = filterFindings(report.vulnerabilities, { ...(severities ? { severities } : {}), ignoreUnfixed: Boolean(opts.ignoreUnfixed), showSuppressed: true });
  const text = writeReport(format, report, {
    showSuppressed: Boolean(opts.showSuppressed),
    color: !opts.output && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  });
  if (opts.output) writeFileSync(opts.output, text);
  else process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  for (const w of report.status.warnings) process.stderr.write(`bulwark: warning: ${w}\n`);
  for (const f of report.status.fileErrors) logger.warn('file skipped', { path: f.path, error: f.error });
  if (report.status.fileErrors.length > 0) {
    process.stderr.write(`bulwark: warning: ${report.status.fileErrors.length} file(s) could not be read or parsed (BULWARK_LOG_LEVEL=warn lists them)\n`);
  }
  if (upload) {
    // The whole scan, not the display filters (--severity, --ignore-unfixed): findings left out would be marked fixed.
    const body = vulnerabilityUpload(report, gate, { startedAt, finishedAt, ...(kind === 'sbom' ? { sbomSubject: readSbomSubject(target) } : {}) });
    await sendUpload(upload, body);
  }
  if (exitCode !== undefined) {
    const code = exitCodeFor(gate, { exitCode, ...(severities ? { severities } : {}), ignoreUnfixed: Boolean(opts.ignoreUnfixed) });
    if (code !== 0) throw new CliExit(code);
  }
}

function parseSeverities(raw: string | undefined): Severity[] | undefined {
  if (!raw) return undefined;
  const out: Severity[] = [];
  for (const part of raw.split(',')) {
    const s = part.trim().toLowerCase();
    if (!isSeverity(s)) throw new ConfigError('--severity', `unknown severity "${part}"; expected ${SEVERITIES.join(', ')}`);
    out.push(s);
  }
  return out;
}
