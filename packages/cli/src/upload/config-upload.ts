// `bulwark scan config` results → one platform upload: the repository as the asset, one config finding per
// (rule, file, resource), secrets written into configuration as `secret` findings.
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import type { ConfigFinding } from '@bulwark/core';
import type { ReportedConfigFinding } from '@bulwark/scanner';
import type { AssetRef, FindingInput } from '@bulwark/platform';
import { clip, repositoryOf, uniqueLocators, type RepositoryInfo } from './keys.js';
import type { ScanTiming, UploadBody } from './types.js';

/**
 * Rules whose finding is a secret value written into configuration (not a weak setting): uploaded as `secret`
 * findings. Bulwark has no content secret scanner yet; these are the secrets its rules see.
 */
export const SECRET_RULES: ReadonlySet<string> = new Set([
  'BLW-DF-040', // Secret passed through ENV or ARG (Dockerfile)
  'BLW-AWS-035', // EC2 user data contains secrets
  'BLW-AWS-162', // Lambda environment variables hold secrets
]);

/** The payload of a config finding: the scanner's finding, `frameworks` as the risk scorer reads it. */
export function configPayload(f: ConfigFinding): Record<string, unknown> {
  return {
    ruleId: f.ruleId,
    aliases: f.aliases.slice(0, 50),
    file: f.file,
    range: f.range,
    ...(f.resource !== undefined ? { resource: f.resource } : {}),
    message: clip(f.message, 4000),
    frameworks: f.frameworks.slice(0, 100),
    fixable: f.fixable,
  };
}

export interface ConfigUploadOptions extends ScanTiming {
  /** The path given to `bulwark scan config` (a directory or one file). */
  path: string;
  /** Default: found from the path (git remote, else the directory). */
  repository?: RepositoryInfo;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The upload of a config scan. Locator = the file's path from the repository root plus the resource
 * ("deploy/web.yaml Deployment/shop/web", "infra/main.tf aws_s3_bucket.logs"): lines move when files are edited, so
 * they are not part of it. Suppressed findings (ignore file) are left out.
 */
export function configUpload(findings: readonly ReportedConfigFinding[], opts: ConfigUploadOptions): UploadBody {
  const repo = opts.repository ?? repositoryOf(opts.path);
  const single = isFile(opts.path);
  const where = (file: string): string => (single ? repo.subpath || file : repo.subpath ? `${repo.subpath}/${file}` : file);
  const asset: AssetRef = { kind: 'repository', key: repo.key };
  const open = findings.filter((f) => !f.suppressed);
  const out = open.map((f) => ({
    type: SECRET_RULES.has(f.ruleId) ? ('secret' as const) : ('config' as const),
    ruleId: f.ruleId,
    title: clip(f.title, 1000),
    severity: f.severity,
    fixAvailable: f.fixable,
    asset,
    locator: f.resource !== undefined ? `${where(f.file)} ${f.resource}` : where(f.file),
    payload: configPayload(f),
  })) satisfies FindingInput[];
  return {
    scan: {
      id: opts.scanId ?? randomUUID(),
      target: `config:${repo.key}//${repo.subpath}`,
      kind: 'config',
      startedAt: opts.startedAt.toISOString(),
      finishedAt: opts.finishedAt.toISOString(),
      assets: [{ ...asset, name: repo.name, attributes: repo.attributes }],
    },
    findings: uniqueLocators(out, (i) => open[i].message),
  };
}
