import { hash } from 'node:crypto';
import { InputError, LimitError, SEVERITIES, severityRank, type Severity } from '@bulwark/core';
import {
  ASSET_KINDS,
  CRITICALITIES,
  FINDING_STATUSES,
  FINDING_TYPES,
  RELATION_KINDS,
  type AssetKind,
  type AssetRef,
  type Criticality,
  type FindingInput,
  type FindingStatus,
  type FindingType,
  type Instant,
  type PriorityFactor,
  type RelationKind,
  type ScanInput,
  type StatusChange,
  type StoreLimits,
} from './types.js';

/** Everything here throws InputError (or LimitError) naming `file` and the field path; nothing is stored before. */
const FILE = 'ingest';

export interface NormScan {
  id: string;
  target: string;
  kind: string;
  startedAt: string;
  finishedAt: string;
}

export interface NormAsset {
  kind: AssetKind;
  key: string;
  /** Undefined for an asset only referenced (by a finding or relation): its stored description is kept. */
  described?: { name: string; attributes: string; criticality: Criticality };
}

export interface NormRelation {
  from: string;
  to: string;
  kind: RelationKind;
}

export interface NormFinding {
  fingerprint: string;
  type: FindingType;
  ruleId: string;
  title: string;
  severity: Severity;
  severityRank: number;
  cvss: number | null;
  epss: number | null;
  kev: boolean;
  fixAvailable: boolean;
  assetKey: string;
  /** The affected package (payload.package: purl, else name@version), the list's package filter and groups. */
  packageKey: string | null;
  priorityScore: number;
  priorityFactors: string;
  payload: string | null;
}

export interface NormIngest {
  scan: NormScan;
  /** Distinct assets (keyed `kind\0key`), described ones first-class. */
  assets: Map<string, NormAsset>;
  relations: NormRelation[];
  /** Distinct fingerprints, sorted (stable lock order for concurrent writers), last duplicate wins. */
  findings: NormFinding[];
}

export function assetMapKey(ref: { kind: string; key: string }): string {
  return `${ref.kind}\u0000${ref.key}`;
}

/**
 * The default stable identity of a finding: its type, rule, asset and locator. Independent of the scan, so the same
 * problem on the same asset is one finding across scans and uploads.
 */
const MAX_PACKAGE_KEY = 1024;

/** A finding's package key: `payload.package.purl`, else `name@version` (or `name`); null without a package. */
export function packageKeyOf(payload: unknown): string | null {
  if (!isObject(payload) || !isObject(payload.package)) return null;
  const p = payload.package;
  const key =
    typeof p.purl === 'string' && p.purl.length > 0
      ? p.purl
      : typeof p.name === 'string' && p.name.length > 0
        ? `${p.name}${typeof p.version === 'string' && p.version.length > 0 ? `@${p.version}` : ''}`
        : null;
  return key === null || key.length > MAX_PACKAGE_KEY ? null : key;
}

export function findingFingerprint(f: { type: FindingType; ruleId: string; asset: AssetRef; locator?: string }): string {
  return hash('sha256', ['v1', f.type, f.ruleId, f.asset.kind, f.asset.key, f.locator ?? ''].join('\u0000'), 'hex');
}

function fail(field: string, expected: string, file = FILE): never {
  throw new InputError({ file, field, expected });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A lone surrogate or NUL cannot be stored faithfully by PostgreSQL (text and JSONB); refuse it on both. */
const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** The same in serialized JSON, where JSON.stringify escapes them as \u0000 / \udxxx (an odd run of backslashes). */
const BAD_JSON = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

export function text(v: unknown, field: string, limits: StoreLimits, opts: { optional?: boolean; file?: string } = {}): string | undefined {
  if (v === undefined || v === null) {
    if (opts.optional) return undefined;
    fail(field, 'a non-empty string', opts.file);
  }
  if (typeof v !== 'string' || v.length === 0) fail(field, 'a non-empty string', opts.file);
  if (v.length > limits.maxTextLength) {
    throw new LimitError({ file: opts.file ?? FILE, field, limit: `maxTextLength ${limits.maxTextLength}`, message: `text of ${v.length} characters exceeds limit ${limits.maxTextLength}` });
  }
  if (v.includes('\u0000') || (SURROGATE.test(v) && LONE_SURROGATE.test(v))) fail(field, 'text without NUL characters or lone surrogates', opts.file);
  return v;
}

function req(v: unknown, field: string, limits: StoreLimits, file?: string): string {
  return text(v, field, limits, { file }) as string;
}

export function oneOf<T extends string>(v: unknown, values: readonly T[], field: string, file?: string): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) fail(field, `one of ${values.join(', ')}`, file);
  return v as T;
}

export function instant(v: unknown, field: string, file?: string): string {
  let d: Date | undefined;
  if (v instanceof Date) d = v;
  else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) d = new Date(v);
  if (!d || Number.isNaN(d.getTime())) fail(field, 'an ISO 8601 date-time', file);
  const iso = d.toISOString();
  // Only four-digit years keep text order equal to time order.
  if (iso.length !== 24) fail(field, 'a date-time between years 0000 and 9999', file);
  return iso;
}

function num(v: unknown, field: string, min: number, max: number): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(field, `a number from ${min} to ${max}`);
  return v;
}

function bool(v: unknown, field: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') fail(field, 'true or false');
  return v;
}

/** Serializes JSON with the payload limit; rejects what either database would not store faithfully. */
function jsonPath(fieldName: string, index: number | undefined): string {
  return index === undefined ? fieldName : `findings[${index}].${fieldName}`;
}

/** `index` set: `field` is relative to findings[index] (the path is built only for an error). */
export function json(v: unknown, fieldName: string, maxBytes: number, file = FILE, index?: number): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch (e) {
    throw new InputError({ file, field: jsonPath(fieldName, index), expected: 'JSON-serializable data (no cycles, no BigInt, bounded depth)', cause: e });
  }
  if (s === undefined) fail(jsonPath(fieldName, index), 'JSON-serializable data', file);
  if (s.length > maxBytes || (s.length * 3 > maxBytes && Buffer.byteLength(s) > maxBytes)) {
    throw new LimitError({ file, field: jsonPath(fieldName, index), limit: `maxPayloadBytes ${maxBytes}`, message: `serialized size ${Buffer.byteLength(s)} bytes exceeds limit ${maxBytes}` });
  }
  if (s.includes('\\u') && BAD_JSON.test(s)) fail(jsonPath(fieldName, index), 'JSON without NUL characters or lone surrogates', file);
  return s;
}

function assetRef(v: unknown, field: string, limits: StoreLimits): AssetRef {
  if (!isObject(v)) fail(field, 'an asset {kind, key}');
  return { kind: oneOf(v.kind, ASSET_KINDS, `${field}.kind`), key: req(v.key, `${field}.key`, limits) };
}

const SCAN_KIND = /^[a-z][a-z0-9-]{0,31}$/;
const FINGERPRINT = /^[\x21-\x7e]{1,200}$/;

function priority(v: unknown, field: string, limits: StoreLimits): { score: number; factors: string } {
  if (v === undefined || v === null) return { score: 0, factors: '[]' };
  if (!isObject(v)) fail(field, 'an object {score, factors}');
  const score = num(v.score, `${field}.score`, -1e9, 1e9);
  if (score === null) fail(`${field}.score`, 'a number');
  if (!Array.isArray(v.factors) || v.factors.length > 64) fail(`${field}.factors`, 'an array of at most 64 factors');
  const factors: PriorityFactor[] = v.factors.map((f: unknown, i: number) => {
    const at = `${field}.factors[${i}]`;
    if (!isObject(f)) fail(at, 'an object {name, weight, detail?}');
    const w = num(f.weight, `${at}.weight`, -1e9, 1e9);
    if (w === null) fail(`${at}.weight`, 'a number');
    const detail = text(f.detail, `${at}.detail`, limits, { optional: true });
    return detail === undefined ? { name: req(f.name, `${at}.name`, limits), weight: w } : { name: req(f.name, `${at}.name`, limits), weight: w, detail };
  });
  return { score, factors: json(factors, `${field}.factors`, limits.maxPayloadBytes) };
}

function cleanFactor(x: PriorityFactor): PriorityFactor {
  return x.detail === undefined || x.detail === null ? { name: x.name, weight: x.weight } : { name: x.name, weight: x.weight, detail: x.detail };
}

const TYPE_SET = new Set<string>(FINDING_TYPES);
const SEVERITY_SET = new Set<string>(SEVERITIES);
const ASSET_KIND_SET = new Set<string>(ASSET_KINDS);

function okText(v: unknown, limits: StoreLimits): boolean {
  return typeof v === 'string' && v.length > 0 && v.length <= limits.maxTextLength && !v.includes('\u0000') && !(SURROGATE.test(v) && LONE_SURROGATE.test(v));
}

function okNum(v: unknown, min: number, max: number): boolean {
  return v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max);
}

/** Cheap checks, no allocation: true when `checkedFinding` would accept the finding (payload aside, checked by `json`). */
function plausibleFinding(f: FindingInput, limits: StoreLimits): boolean {
  if (!isObject(f)) return false;
  if (!TYPE_SET.has(f.type) || !SEVERITY_SET.has(f.severity) || !okText(f.ruleId, limits)) return false;
  const a = f.asset as unknown;
  if (!isObject(a) || !ASSET_KIND_SET.has(a.kind as string) || !okText(a.key, limits)) return false;
  if (f.locator !== undefined && f.locator !== null && !okText(f.locator, limits)) return false;
  if (f.title !== undefined && f.title !== null && !okText(f.title, limits)) return false;
  if (f.fingerprint !== undefined && !(typeof f.fingerprint === 'string' && FINGERPRINT.test(f.fingerprint))) return false;
  if (!okNum(f.cvss, 0, 10) || !okNum(f.epss, 0, 1)) return false;
  if (f.kev !== undefined && f.kev !== null && typeof f.kev !== 'boolean') return false;
  if (f.fixAvailable !== undefined && f.fixAvailable !== null && typeof f.fixAvailable !== 'boolean') return false;
  const p = f.priority as unknown;
  if (p !== undefined && p !== null) {
    if (!isObject(p) || typeof p.score !== 'number' || !Number.isFinite(p.score) || !okNum(p.score, -1e9, 1e9)) return false;
    if (!Array.isArray(p.factors) || p.factors.length > 64) return false;
    for (const x of p.factors as unknown[]) {
      if (!isObject(x) || !okText(x.name, limits) || typeof x.weight !== 'number' || !okNum(x.weight, -1e9, 1e9)) return false;
      if (x.detail !== undefined && x.detail !== null && !okText(x.detail, limits)) return false;
    }
  }
  return true;
}

/** The same checks as `plausibleFinding`, throwing an InputError that names the field. */
function checkedFinding(f: FindingInput, i: number, limits: StoreLimits): void {
  const at = `findings[${i}]`;
  if (!isObject(f)) fail(at, 'a finding object');
  oneOf(f.type, FINDING_TYPES, `${at}.type`);
  req(f.ruleId, `${at}.ruleId`, limits);
  // oneOf, not core's isSeverity: `'toString' in RANK` is true there.
  oneOf(f.severity, SEVERITIES, `${at}.severity`);
  assetRef(f.asset, `${at}.asset`, limits);
  text(f.locator, `${at}.locator`, limits, { optional: true });
  if (f.fingerprint !== undefined && !(typeof f.fingerprint === 'string' && FINGERPRINT.test(f.fingerprint))) {
    fail(`${at}.fingerprint`, '1–200 printable ASCII characters without spaces');
  }
  priority(f.priority, `${at}.priority`, limits);
  text(f.title, `${at}.title`, limits, { optional: true });
  num(f.cvss, `${at}.cvss`, 0, 10);
  num(f.epss, `${at}.epss`, 0, 1);
  bool(f.kev, `${at}.kev`);
  bool(f.fixAvailable, `${at}.fixAvailable`);
}

export function normalizeIngest(scanIn: ScanInput, findingsIn: FindingInput[], limits: StoreLimits): NormIngest {
  if (!isObject(scanIn)) fail('scan', 'a scan object');
  const scan: NormScan = {
    id: req(scanIn.id, 'scan.id', limits),
    target: req(scanIn.target, 'scan.target', limits),
    kind: typeof scanIn.kind === 'string' && SCAN_KIND.test(scanIn.kind) ? scanIn.kind : fail('scan.kind', 'a lowercase word like image, fs, sbom, cluster'),
    startedAt: instant(scanIn.startedAt, 'scan.startedAt'),
    finishedAt: instant(scanIn.finishedAt, 'scan.finishedAt'),
  };
  if (scan.id.length > 200) fail('scan.id', 'at most 200 characters');
  if (scan.finishedAt < scan.startedAt) fail('scan.finishedAt', 'an instant not before scan.startedAt');
  if (!Array.isArray(findingsIn)) fail('findings', 'an array');
  const max = limits.maxFindingsPerScan;
  if (findingsIn.length > max) throw new LimitError({ file: FILE, field: 'findings', limit: `maxFindingsPerScan ${max}`, message: `${findingsIn.length} findings exceed limit ${max}` });

  const assets = new Map<string, NormAsset>();
  const describedIn = scanIn.assets ?? [];
  if (!Array.isArray(describedIn) || describedIn.length > max) fail('scan.assets', `an array of at most ${max} assets`);
  describedIn.forEach((a, i) => {
    const at = `scan.assets[${i}]`;
    const ref = assetRef(a, at, limits);
    const attributes = a.attributes === undefined ? {} : a.attributes;
    if (!isObject(attributes)) fail(`${at}.attributes`, 'an object');
    assets.set(assetMapKey(ref), {
      ...ref,
      described: {
        name: text(a.name, `${at}.name`, limits, { optional: true }) ?? ref.key,
        attributes: json(attributes, `${at}.attributes`, limits.maxPayloadBytes),
        criticality: a.criticality === undefined ? 'medium' : oneOf(a.criticality, CRITICALITIES, `${at}.criticality`),
      },
    });
  });
  const reference = (ref: AssetRef): string => {
    const k = assetMapKey(ref);
    if (!assets.has(k)) assets.set(k, { kind: ref.kind, key: ref.key });
    return k;
  };

  const relationsIn = scanIn.relations ?? [];
  if (!Array.isArray(relationsIn) || relationsIn.length > max) fail('scan.relations', `an array of at most ${max} relations`);
  const relations = relationsIn.map((r, i): NormRelation => {
    const at = `scan.relations[${i}]`;
    if (!isObject(r)) fail(at, 'a relation {from, to, kind}');
    const from = reference(assetRef(r.from, `${at}.from`, limits));
    const to = reference(assetRef(r.to, `${at}.to`, limits));
    if (from === to) fail(at, 'a relation between two different assets');
    return { from, to, kind: oneOf(r.kind, RELATION_KINDS, `${at}.kind`) };
  });

  const byFingerprint = new Map<string, NormFinding>();
  for (let i = 0; i < findingsIn.length; i++) {
    const f = findingsIn[i];
    // The checked path below builds a field path per check; run it only when the cheap checks fail, so it
    // throws the precise error. At 100k findings the paths alone were a third of the validation time.
    if (!plausibleFinding(f, limits)) {
      checkedFinding(f, i, limits);
      fail(`findings[${i}]`, 'a valid finding'); // not reached unless the two checks disagree
    }
    const asset = { kind: f.asset.kind, key: f.asset.key };
    const fingerprint = f.fingerprint ?? findingFingerprint({ type: f.type, ruleId: f.ruleId, asset, locator: f.locator });
    const factors = f.priority ? f.priority.factors.map(cleanFactor) : [];
    byFingerprint.set(fingerprint, {
      fingerprint,
      type: f.type,
      ruleId: f.ruleId,
      title: f.title ?? f.ruleId,
      severity: f.severity,
      severityRank: severityRank(f.severity),
      cvss: f.cvss ?? null,
      epss: f.epss ?? null,
      kev: f.kev ?? false,
      fixAvailable: f.fixAvailable ?? false,
      assetKey: reference(asset),
      packageKey: packageKeyOf(f.payload),
      priorityScore: f.priority ? f.priority.score : 0,
      priorityFactors: factors.length === 0 ? '[]' : json(factors, 'priority.factors', limits.maxPayloadBytes, FILE, i),
      payload: f.payload === undefined ? null : json(f.payload, 'payload', limits.maxPayloadBytes, FILE, i),
    });
  }
  const findings = [...byFingerprint.values()].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  return { scan, assets, relations, findings };
}

export interface NormStatus {
  status: Exclude<FindingStatus, 'fixed'>;
  reason: string | null;
  owner: string | null;
  expiresAt: string | null;
  actor: string | undefined;
}

export function normalizeStatusChange(c: StatusChange, limits: StoreLimits): NormStatus {
  const file = 'status';
  if (!isObject(c)) fail('change', 'an object {status, reason?, owner?, expiresAt?}', file);
  const status = oneOf(c.status, FINDING_STATUSES.filter((s) => s !== 'fixed'), 'status', file) as NormStatus['status'];
  const reason = text(c.reason, 'reason', limits, { optional: true, file }) ?? null;
  const owner = text(c.owner, 'owner', limits, { optional: true, file }) ?? null;
  const expiresAt = c.expiresAt === undefined || c.expiresAt === null ? null : instant(c.expiresAt as Instant, 'expiresAt', file);
  const actor = text(c.actor, 'actor', limits, { optional: true, file });
  if (status !== 'open' && reason === null) fail('reason', `a reason for ${status}`, file);
  if (status === 'open') return { status, reason: null, owner: null, expiresAt: null, actor };
  return { status, reason, owner, expiresAt, actor };
}

export function tenantId(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) fail('tenant', 'a positive integer tenant id', 'tenant');
  return v;
}

export function positiveId(v: unknown, field: string, file: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) fail(field, 'a positive integer id', file);
  return v;
}

/** Canonical JSON: object keys sorted at every level, so equal data always hashes equally. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => {
    if (isObject(val)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(val).sort()) out[k] = val[k];
      return out;
    }
    return val;
  });
}
