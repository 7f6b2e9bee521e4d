import {
  compareSeverity,
  type Advisory,
  type AdvisoryLookup,
  type FixState,
  type OsvAffected,
  type OsvRecord,
  type Package,
  type VulnerabilityFinding,
} from '@bulwark/core';
import { rate } from './severity.js';
import { compareVersions, evaluateAffected, isWithdrawn, normalizePackageName } from './vulndb.js';

export interface MatchOptions {
  /** Scan time: a record withdrawn after it still applies (reproducible scans of the past). Default: now. */
  now?: Date;
  /** Drop findings without a fixed version (Trivy's --ignore-unfixed). */
  ignoreUnfixed?: boolean;
}

export interface MatchResult {
  findings: VulnerabilityFinding[];
  warnings: string[];
}

const OS_TYPES = new Set(['deb', 'apk', 'rpm']);

/** One advisory that matched one package. */
interface Hit {
  advisory: Advisory;
  affected: OsvAffected[];
  status: 'affected' | 'unknown';
  fixed: string[];
  wontFix: boolean;
  ids: string[];
}

/**
 * Distro advisories name source packages (Debian/Ubuntu source, Alpine origin, SRPM name). Like Grype we query
 * the source name and then the binary name, so a binary named in an advisory of its own is not missed.
 */
function queryNames(p: Package): string[] {
  if (!OS_TYPES.has(p.type) || !p.source?.name || p.source.name === p.name) return [p.name];
  return [p.source.name, p.name];
}

/**
 * The version compared. Distro advisories give source package versions; a binNMU binary ("+b1") or a binary
 * versioned apart from its source carries the source version in `Source: name (version)`. Trivy
 * (`FormatSrcVersion`) and Grype (upstream package version) both compare that source version when present.
 */
export function matchVersion(p: Package): string {
  if (OS_TYPES.has(p.type) && p.source?.version) return p.source.version;
  return p.version;
}

function normalizer(ecosystem: string): (n: string) => string {
  return (n) => normalizePackageName(ecosystem, n);
}

/** "Ubuntu:22.04" also accepts the tracker's "Ubuntu:22.04:LTS"; otherwise the ecosystem must be equal. */
function sameEcosystem(recordEco: string, wanted: string): boolean {
  return recordEco === wanted || recordEco.startsWith(`${wanted}:`);
}

const WONT_FIX = /^(end-of-life|no-dsa|ignored|postponed|will[-_ ]?not[-_ ]?fix|won'?t[-_ ]?fix|deferred)$/i;

/** Debian tracker states (end-of-life, no-dsa, ignored/postponed) and similar markers importers keep. */
function markedWontFix(record: OsvRecord, affected: OsvAffected): boolean {
  const bags = [record.database_specific, affected.database_specific, affected.ecosystem_specific, ...(affected.ranges ?? []).map((r) => r.database_specific)];
  for (const bag of bags) {
    if (!bag) continue;
    for (const key of ['status', 'fix_state', 'fixState', 'urgency', 'nodsa', 'nodsa_reason', 'state']) {
      const v = bag[key];
      if (typeof v === 'string' && WONT_FIX.test(v.trim())) return true;
      if (key === 'nodsa' && (v === true || (typeof v === 'string' && v.trim() !== ''))) return true;
    }
  }
  return false;
}

/** Ids a record is known by; an Ubuntu/Debian per-CVE record ("UBUNTU-CVE-2022-1234") also by its upstream CVE. */
function idsOf(r: OsvRecord): string[] {
  const ids = [r.id, ...(r.aliases ?? [])];
  for (const u of r.upstream ?? []) if (u.startsWith('CVE-') && r.id.endsWith(u)) ids.push(u);
  return [...new Set(ids)];
}

function isCve(id: string): boolean {
  return id.startsWith('CVE-');
}

function evaluate(p: Package, name: string, adv: Advisory, version: string, warnings: Set<string>): Hit | undefined {
  const norm = normalizer(p.ecosystem);
  const wanted = norm(name);
  const entries = (adv.record.affected ?? []).filter(
    (a) => a.package !== undefined && sameEcosystem(a.package.ecosystem, p.ecosystem) && norm(a.package.name) === wanted,
  );
  const affected: OsvAffected[] = [];
  const fixed: string[] = [];
  let unknownReason: string | undefined;
  let anyAffected = false;
  let wontFix = false;
  for (const a of entries) {
    const r = evaluateAffected(a, version, p.ecosystem);
    if (r.status === 'not-affected') continue;
    if (r.status === 'affected') {
      anyAffected = true;
      if (markedWontFix(adv.record, a)) wontFix = true;
    } else {
      unknownReason ??= r.reason ?? 'versions not comparable';
    }
    affected.push(a);
    fixed.push(...r.fixedVersions);
  }
  if (affected.length === 0) return undefined;
  if (!anyAffected) warnings.add(`${p.name}@${version} (${p.ecosystem}): cannot decide ${adv.record.id}: ${unknownReason ?? 'versions not comparable'}`);
  return { advisory: adv, affected, status: anyAffected ? 'affected' : 'unknown', fixed, wontFix, ids: idsOf(adv.record) };
}

/**
 * Merges hits that name each other (a CVE and the GHSA/PYSEC/DSA records aliasing it) into groups, without ever
 * joining two different CVEs (a record aliasing several CVEs stays on its own).
 */
function groupHits(hits: Hit[]): Hit[][] {
  const parent = hits.map((_, i) => i);
  const cves = hits.map((h) => new Set(h.ids.filter(isCve)));
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const byId = new Map<string, number>();
  hits.forEach((h, i) => {
    for (const id of h.ids) {
      const j = byId.get(id);
      if (j === undefined) {
        byId.set(id, i);
        continue;
      }
      const a = find(i);
      const b = find(j);
      if (a === b) continue;
      const union = new Set([...cves[a], ...cves[b]]);
      if (union.size > 1) continue;
      parent[b] = a;
      cves[a] = union;
    }
  });
  const groups = new Map<number, Hit[]>();
  hits.forEach((h, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), h]);
  });
  return [...groups.values()];
}

function sortVersions(ecosystem: string, installed: string, versions: string[]): string[] {
  const uniq = [...new Set(versions)];
  const cmpV = (a: string, b: string): number => {
    const r = compareVersions(ecosystem, a, b);
    return r.ok ? r.value : a < b ? -1 : a > b ? 1 : 0;
  };
  const above = (v: string): boolean => {
    const r = compareVersions(ecosystem, v, installed);
    return r.ok ? r.value > 0 : true;
  };
  const up = uniq.filter(above).sort(cmpV);
  const down = uniq.filter((v) => !above(v)).sort(cmpV);
  return [...up, ...down];
}

function minIso(values: (string | undefined)[]): string | undefined {
  return values.filter((v): v is string => !!v).sort()[0];
}

function maxIso(values: (string | undefined)[]): string | undefined {
  return values.filter((v): v is string => !!v).sort().at(-1);
}

function findingOf(p: Package, version: string, group: Hit[], lookup: AdvisoryLookup): VulnerabilityFinding {
  const hits = [...group].sort((a, b) => cmpStr(a.advisory.source, b.advisory.source) || cmpStr(a.advisory.record.id, b.advisory.record.id));
  const allIds = [...new Set(hits.flatMap((h) => h.ids))];
  const cves = allIds.filter(isCve);
  const id = cves.length === 1 ? cves[0] : hits[0].advisory.record.id;
  const cve = isCve(id) ? id : undefined;
  const enrichment = cve ? lookup.enrichment(cve) : undefined;
  // The record named like the finding speaks first for title and text.
  const ordered = [...hits.filter((h) => h.advisory.record.id === id), ...hits.filter((h) => h.advisory.record.id !== id)];
  const affected = hits.some((h) => h.status === 'affected');
  const counted = affected ? hits.filter((h) => h.status === 'affected') : hits;
  const fixedVersions = sortVersions(p.ecosystem, version, counted.flatMap((h) => h.fixed));
  let fixState: FixState;
  if (fixedVersions.length > 0) fixState = 'fixed';
  else if (counted.some((h) => h.wontFix)) fixState = 'wont-fix';
  else fixState = affected ? 'not-fixed' : 'unknown';
  const rated = rate(counted.map((h) => ({ advisory: h.advisory, affected: h.affected })), enrichment?.cvss ?? []);
  const f: VulnerabilityFinding = {
    id,
    aliases: allIds.filter((x) => x !== id).sort(cmpStr),
    package: { name: p.name, version: p.version, type: p.type, ecosystem: p.ecosystem, purl: p.purl, locations: p.locations },
    matchStatus: affected ? 'affected' : 'unknown',
    fixState,
    fixedVersions,
    severity: rated.severity,
    severitySource: rated.severitySource,
    cvss: rated.cvss,
    references: [...new Set(ordered.flatMap((h) => (h.advisory.record.references ?? []).map((r) => r.url)).filter((u) => typeof u === 'string'))],
    dataSources: hits.map((h) => ({ id: h.advisory.record.id, source: h.advisory.source })),
  };
  if (p.source) f.package.source = p.source;
  const title = ordered.map((h) => h.advisory.record.summary).find((s) => s && s.trim()) ?? enrichment?.title;
  if (title) f.title = title.trim();
  const description = ordered.map((h) => h.advisory.record.details).find((s) => s && s.trim()) ?? enrichment?.description;
  if (description) f.description = description.trim();
  const published = minIso([...hits.map((h) => h.advisory.record.published), enrichment?.published]);
  if (published) f.published = published;
  const modified = maxIso(hits.map((h) => h.advisory.record.modified));
  if (modified) f.modified = modified;
  if (cve) {
    const kev = lookup.kev(cve);
    if (kev) f.kev = kev;
    const epss = lookup.epss(cve);
    if (epss) f.epss = epss;
  }
  return f;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareFindings(a: VulnerabilityFinding, b: VulnerabilityFinding): number {
  return (
    compareSeverity(a.severity, b.severity) ||
    cmpStr(a.id, b.id) ||
    cmpStr(a.package.name, b.package.name) ||
    cmpStr(a.package.version, b.package.version) ||
    cmpStr(a.package.purl, b.package.purl) ||
    cmpStr(a.package.locations[0]?.path ?? '', b.package.locations[0]?.path ?? '')
  );
}

/**
 * Matches packages against advisories: pure, no I/O beyond `lookup`. One finding per (vulnerability, package)
 * with aliases merged; ordered by severity, id, package.
 */
export function matchPackages(packages: Package[], lookup: AdvisoryLookup, opts: MatchOptions = {}): MatchResult {
  const findings: VulnerabilityFinding[] = [];
  const warnings = new Set<string>();
  let unversioned = 0;
  for (const p of packages) {
    const version = matchVersion(p);
    // No version (a Go "(devel)" main module, a jar without metadata): nothing to compare, as Trivy and Grype do.
    if (version === '') {
      unversioned++;
      continue;
    }
    const seen = new Set<string>();
    const hits: Hit[] = [];
    for (const name of queryNames(p)) {
      for (const adv of lookup.advisoriesFor(p.ecosystem, name)) {
        const key = `${adv.source}\0${adv.record.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (isWithdrawn(adv.record, opts.now ?? new Date())) continue;
        const hit = evaluate(p, name, adv, version, warnings);
        if (hit) hits.push(hit);
      }
    }
    for (const group of groupHits(hits)) {
      const f = findingOf(p, version, group, lookup);
      if (opts.ignoreUnfixed && f.fixState !== 'fixed') continue;
      findings.push(f);
    }
  }
  if (unversioned > 0) warnings.add(`${unversioned} package(s) without a version were not matched`);
  return { findings: findings.sort(compareFindings), warnings: [...warnings].sort() };
}
