import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { BULWARK_VERSION, InputError, createLogger, unwrap } from '@bulwark/core';
import type { AdvisoryLookup, DbInfo, Limits, Logger, Package, ScanReport, TargetKind } from '@bulwark/core';
import { catalogArtifact, openDirectory, openImageInput, openRegistryImage, openRootfs } from './artifact/index.js';
import type { ArtifactSource, CatalogProgress } from './artifact/index.js';
import { allCatalogers } from './catalogers/all.js';
import type { Cataloger } from './catalogers/types.js';
import { matchPackages } from './match/index.js';
import { readSbom } from './sbom/index.js';

export interface ScanProgress {
  label: string;
  done: number;
  total?: number;
}

export interface ScanRequest {
  kind: TargetKind;
  /** A path, or for images a registry reference when no such path exists. */
  target: string;
  /** Vulnerability data; without it the report lists packages only. */
  lookup?: AdvisoryLookup;
  db?: DbInfo;
  /** Per-layer cache directory; undefined disables the cache. */
  cacheDir?: string | undefined;
  platform?: string;
  insecure?: boolean;
  username?: string;
  password?: string;
  ignoreUnfixed?: boolean;
  catalogers?: readonly Cataloger[];
  limits?: Partial<Limits>;
  /** Directories to skip in `fs` scans. */
  skip?: string[];
  logger?: Logger;
  onProgress?: (p: ScanProgress) => void;
  now?: Date;
}

/** Reads a target, catalogs its packages and matches them to advisories: the whole `bulwark scan` pipeline. */
export async function scanTarget(req: ScanRequest): Promise<ScanReport> {
  const logger = req.logger ?? createLogger();
  const now = req.now ?? new Date();
  const report: ScanReport = {
    schemaVersion: 1,
    tool: { name: 'bulwark', version: BULWARK_VERSION },
    createdAt: now.toISOString(),
    target: { kind: req.kind, name: req.target },
    packages: [],
    vulnerabilities: [],
    status: { fileErrors: [], warnings: [] },
  };
  if (req.db) report.db = req.db;

  if (req.kind === 'sbom') {
    const content = await readFile(req.target).catch((e: NodeJS.ErrnoException) => {
      throw new InputError({ file: req.target, message: `cannot read: ${e.code ?? e.message}` });
    });
    const sbom = unwrap(readSbom(content, req.target, req.limits ? { maxBytes: req.limits.maxDocumentBytes, maxDepth: req.limits.maxDepth } : undefined));
    report.packages = sbom.packages;
    if (sbom.os) report.os = sbom.os;
    report.status.warnings.push(...sbom.warnings);
  } else {
    const source = await openSource(req);
    try {
      const run = await catalogArtifact(source, req.catalogers ?? allCatalogers, {
        ...(req.limits ? { limits: req.limits } : {}),
        cache: req.cacheDir !== undefined,
        ...(req.cacheDir !== undefined ? { cacheDir: `${req.cacheDir}/layers` } : {}),
        onProgress: (p: CatalogProgress) => req.onProgress?.(progressOf(p)),
      });
      report.packages = run.packages;
      if (run.os) report.os = run.os;
      if (run.image) report.target.image = run.image;
      report.status.fileErrors.push(...run.fileErrors);
      report.status.warnings.push(...run.warnings);
      logger.debug('catalogued', { target: req.target, packages: run.packages.length, layersRead: run.stats.layersRead, layersCached: run.stats.layersCached });
    } finally {
      await source.close();
    }
  }

  report.packages.sort(comparePackages);
  if (req.lookup) {
    const matched = matchPackages(report.packages, req.lookup, { now, ...(req.ignoreUnfixed ? { ignoreUnfixed: true } : {}) });
    report.vulnerabilities = matched.findings;
    report.status.warnings.push(...matched.warnings);
  }
  return report;
}

async function openSource(req: ScanRequest): Promise<ArtifactSource> {
  const opts = { ...(req.limits ? { limits: req.limits } : {}), ...(req.platform ? { platform: req.platform } : {}) };
  switch (req.kind) {
    case 'rootfs':
      return openRootfs(req.target, opts);
    case 'fs':
      return openDirectory(req.target, { ...opts, ...(req.skip ? { skip: req.skip } : {}) });
    case 'image':
      if (existsSync(req.target)) return openImageInput(req.target, opts);
      return openRegistryImage(req.target, {
        ...opts,
        insecure: Boolean(req.insecure),
        ...(req.username !== undefined && req.password !== undefined ? { credentials: { username: req.username, password: req.password } } : {}),
      });
    default:
      throw new InputError({ file: req.target, message: `cannot open a ${req.kind} target as an artifact` });
  }
}

function progressOf(p: CatalogProgress): ScanProgress {
  if (p.totalBytes !== undefined && p.totalBytes > 0) {
    return { label: p.layers ? `layer ${p.layer}/${p.layers}` : `layer ${p.layer}`, done: Math.round(p.bytes / 1e6), total: Math.round(p.totalBytes / 1e6) };
  }
  return { label: p.phase, done: p.layer, ...(p.layers !== undefined ? { total: p.layers } : {}) };
}

function comparePackages(a: Package, b: Package): number {
  return a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version) || a.purl.localeCompare(b.purl);
}
