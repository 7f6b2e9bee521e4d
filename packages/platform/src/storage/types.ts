import type { Severity } from '@bulwark/core';
import type { SqlDriver } from './driver.js';

/** Tenant ids are small integers assigned by the store. */
export type TenantId = number;

export type Role = 'admin' | 'analyst' | 'developer' | 'auditor';
export const ROLES: readonly Role[] = ['admin', 'analyst', 'developer', 'auditor'];

export type AssetKind = 'image' | 'package' | 'repository' | 'cluster' | 'namespace' | 'workload' | 'node' | 'cloud-resource';
export const ASSET_KINDS: readonly AssetKind[] = ['image', 'package', 'repository', 'cluster', 'namespace', 'workload', 'node', 'cloud-resource'];

export type Criticality = 'low' | 'medium' | 'high' | 'critical';
export const CRITICALITIES: readonly Criticality[] = ['low', 'medium', 'high', 'critical'];

/**
 * Edge from a contained/running thing to what holds it, in the direction package → image → workload → node → cluster:
 * package `installed-in` image, image `used-by` workload, workload `scheduled-on` node, node/namespace/workload
 * `part-of` cluster/namespace, cloud resources `part-of` each other.
 */
export type RelationKind = 'installed-in' | 'used-by' | 'scheduled-on' | 'part-of';
export const RELATION_KINDS: readonly RelationKind[] = ['installed-in', 'used-by', 'scheduled-on', 'part-of'];

export type FindingType = 'vulnerability' | 'config' | 'secret' | 'runtime';
export const FINDING_TYPES: readonly FindingType[] = ['vulnerability', 'config', 'secret', 'runtime'];

export type FindingStatus = 'open' | 'fixed' | 'suppressed' | 'risk-accepted';
export const FINDING_STATUSES: readonly FindingStatus[] = ['open', 'fixed', 'suppressed', 'risk-accepted'];

/** An ISO 8601 instant, or a Date; stored normalized as `Date.toISOString()` text. */
export type Instant = string | Date;

export interface TenantInput {
  /** Lowercase URL-safe name, unique: "acme", "team-blue". */
  slug: string;
  name: string;
}

export interface Tenant {
  id: TenantId;
  slug: string;
  name: string;
  createdAt: string;
}

/** How a finding or a relation names an asset: kind plus a key stable within the tenant. */
export interface AssetRef {
  kind: AssetKind;
  /** "registry.example/app@sha256:…", "pkg:npm/lodash@4.17.20", "cluster/prod/ns/shop/deployment/web". */
  key: string;
}

/** An asset as a scan describes it. Criticality is the tenant's decision: a scan sets it only on creation. */
export interface AssetInput extends AssetRef {
  name?: string;
  attributes?: Record<string, unknown>;
  criticality?: Criticality;
}

export interface Asset extends AssetRef {
  id: number;
  name: string;
  attributes: Record<string, unknown>;
  criticality: Criticality;
  firstSeen: string;
  lastSeen: string;
}

export interface RelationInput {
  from: AssetRef;
  to: AssetRef;
  kind: RelationKind;
}

export interface AssetRelation {
  fromId: number;
  toId: number;
  kind: RelationKind;
}

export interface AssetGroup {
  id: number;
  name: string;
  createdAt: string;
}

export interface ScanInput {
  /** Idempotency key chosen by the uploader (a UUID): a scan id already ingested for the tenant is a no-op. */
  id: string;
  /** What was scanned, as the scanner names it; findings absent from a later scan of the same target become fixed. */
  target: string;
  /** "image", "fs", "sbom", "cluster", "cloud", "repository", … (lowercase word). */
  kind: string;
  startedAt: Instant;
  /** The instant the findings were observed: it becomes their last_seen (and first_seen when new). */
  finishedAt: Instant;
  assets?: AssetInput[];
  relations?: RelationInput[];
}

export interface PriorityFactor {
  /** "cvss", "epss", "kev", "fix", "exposure", "criticality", "compliance". */
  name: string;
  /** Contribution to the score. */
  weight: number;
  /** Human explanation: "EPSS 0.94 (top 1%)". */
  detail?: string;
}

export interface FindingInput {
  /** Stable identity within the tenant; when absent computed by `findingFingerprint`. */
  fingerprint?: string;
  type: FindingType;
  /** Vulnerability id ("CVE-2021-44228", "GHSA-…") or rule id ("BLW-K8S-016"). */
  ruleId: string;
  title?: string;
  severity: Severity;
  /** Base score 0–10. */
  cvss?: number | null;
  /** Probability 0–1. */
  epss?: number | null;
  kev?: boolean;
  fixAvailable?: boolean;
  asset: AssetRef;
  /** What distinguishes two findings of one rule on one asset (package@version, resource path); part of the fingerprint. */
  locator?: string;
  priority?: { score: number; factors: PriorityFactor[] };
  /** Anything JSON (the scanner's finding); at most `limits.maxPayloadBytes` serialized. */
  payload?: unknown;
}

export interface Finding {
  id: number;
  fingerprint: string;
  type: FindingType;
  ruleId: string;
  title: string;
  severity: Severity;
  cvss: number | null;
  epss: number | null;
  kev: boolean;
  fixAvailable: boolean;
  asset: AssetRef & { id: number };
  target: string;
  firstSeen: string;
  lastSeen: string;
  fixedAt: string | null;
  status: FindingStatus;
  statusReason: string | null;
  statusOwner: string | null;
  statusExpiresAt: string | null;
  priority: { score: number; factors: PriorityFactor[] };
  payload: unknown;
  firstScanId: string;
  lastScanId: string;
}

export interface ScanCounts {
  /** Distinct findings in the scan (after merging duplicate fingerprints). */
  findings: number;
  new: number;
  reopened: number;
  fixed: number;
  bySeverity: Partial<Record<Severity, number>>;
}

export interface IngestResult {
  scanId: string;
  /** True when this scan id had already been ingested: nothing changed, counts are the stored ones. */
  duplicate: boolean;
  counts: ScanCounts;
  /** Ids of findings first seen in this scan, reopened by it, and fixed by it (empty for a duplicate). */
  newIds: number[];
  reopenedIds: number[];
  fixedIds: number[];
}

export interface FindingFilter {
  severity?: Severity[];
  status?: FindingStatus[];
  type?: FindingType[];
  kev?: boolean;
  fixAvailable?: boolean;
  assetId?: number;
  target?: string;
  ruleId?: string;
  /** Only findings of this package key (`payload.package.purl`, else `name@version`), as groups by package name it. */
  package?: string;
  /**
   * Scope to assets in these groups (a scoped user's groups). `undefined` = no scope; `[]` = nothing visible.
   * Groups of another tenant match nothing.
   */
  assetGroups?: number[];
}

export interface TrendPoint {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  new: number;
  fixed: number;
  unresolved: number;
}

export interface FindingSummary {
  total: number;
  bySeverity: Record<Severity, number>;
  byStatus: Record<FindingStatus, number>;
  byType: Record<FindingType, number>;
  kev: number;
  fixAvailable: number;
}

/** What findings are grouped by: the vulnerability or rule id, the affected package, or the scan target. */
export type FindingGroupBy = 'rule' | 'package' | 'target';
export const FINDING_GROUP_BYS: readonly FindingGroupBy[] = ['rule', 'package', 'target'];

/** One group of the matching findings; groups sort by maxPriority desc, then count desc, then key. */
export interface FindingGroup {
  /**
   * "CVE-2021-44228" / "BLW-K8S-016" (rule); the package's purl, else "name@version", from the finding payload's
   * `package` (package; null for findings without one: config, secret…); "image:registry.example/app:1" (target).
   */
  key: string | null;
  /** rule only: the first (in text order) of the titles of the group's matching findings. */
  title?: string;
  count: number;
  bySeverity: Record<Severity, number>;
  maxPriority: number;
  /** Whether any finding of the group is in CISA KEV / has a fix. */
  kev: boolean;
  fixAvailable: boolean;
}

/** Most ids one bulk status change may list, and most findings a filter of one bulk change may match. */
export const BULK_STATUS_MAX_IDS = 1000;
export const BULK_STATUS_MAX = 10_000;

/** Which findings a bulk status change applies to: listed ids, or every finding matching a filter. */
export type FindingSelection =
  /** Ids not matching `filter` (typically only the caller's scope, `{assetGroups}`) count as not found. */
  | { ids: number[]; filter?: FindingFilter }
  /** `expectedCount`: how many findings the caller saw match; a different count changes nothing. */
  | { filter: FindingFilter; expectedCount: number };

export interface BulkStatusResult {
  /** Ids of the findings whose status was set, ascending. */
  changed: number[];
  /** Requested ids that are missing, of another tenant or outside the scope (ids selection only), ascending. */
  notFound: number[];
  /** Filter selection only: set when the matching count was not `expectedCount`; nothing was changed. */
  countMismatch?: { expected: number; actual: number };
}

export type FindingSortKey = 'priority' | 'severity' | 'lastSeen' | 'firstSeen' | 'id';

export interface FindingSort {
  by: FindingSortKey;
  /** Default 'desc'. Ties break on id in the same direction. */
  dir?: 'asc' | 'desc';
}

export interface PageRequest {
  /** 1–1000, default 100. */
  limit?: number;
  /** Opaque keyset cursor from the previous page's `nextCursor`; only valid with the same sort. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Present when more items follow. */
  nextCursor?: string;
}

export type ManualStatus = Exclude<FindingStatus, 'fixed'>;

export interface StatusChange {
  status: ManualStatus;
  /** Required for suppressed and risk-accepted. */
  reason?: string;
  owner?: string;
  /** When the decision lapses: the next scan that still sees the finding reopens it. */
  expiresAt?: Instant;
  /** When given, an audit record `finding.status` is appended in the same transaction. */
  actor?: string;
}

export interface AuditInput {
  /** "user:42", "token:ci-main", "system". */
  actor: string;
  /** Dotted verb: "finding.status", "user.login", "token.create". */
  action: string;
  /** What was acted on: "finding:123". */
  target?: string;
  details?: Record<string, unknown>;
  at?: Instant;
}

export interface AuditRecord {
  tenantId: TenantId;
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** Narrows an audit listing; every field given must match. */
export interface AuditFilter {
  /** Case-insensitive (ASCII letters) substring of the action, actor, target or details JSON ("token", "user:7"). */
  q?: string;
  /** Exact action: "finding.status", "report.generate". */
  action?: string;
  /** Exact actor: "user:42", "token:ci-main". */
  actor?: string;
}

export interface ChainVerification {
  ok: boolean;
  /** Records checked, over all chains verified. */
  checked: number;
  /** Head hash per tenant verified: keep a copy elsewhere to detect a rewrite of the whole chain. */
  heads: Record<string, string>;
  /** First broken record when not ok. */
  broken?: { tenantId: TenantId; seq: number; reason: string };
  /** Per tenant whose oldest records were pruned: the last pruned record, where verification started. */
  checkpoints?: Record<string, { seq: number; hash: string }>;
}

export interface StoreLimits {
  /** Largest serialized `payload` of one finding (bytes). Default 64 KiB. */
  maxPayloadBytes: number;
  /** Most findings in one ingest call. Default 1,000,000. */
  maxFindingsPerScan: number;
  /** Longest text field (title, reason, key…). Default 4096. */
  maxTextLength: number;
}

export const DEFAULT_STORE_LIMITS: Readonly<StoreLimits> = Object.freeze({
  maxPayloadBytes: 64 * 1024,
  maxFindingsPerScan: 1_000_000,
  maxTextLength: 4096,
});

/**
 * The platform's persistence. Every tenant-owned read and write takes the tenant first and never
 * returns or touches another tenant's rows: a foreign id behaves as a missing one.
 */
export interface ApiTokenInput {
  name: string;
  role: Role;
  /** ISO date-time after which the token is refused. */
  expiresAt?: string;
}

export interface ApiTokenInfo {
  id: number;
  tenant: TenantId;
  name: string;
  /** First characters of the secret, to recognise a token in lists. */
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt?: string;
  expiresAt?: string;
  revokedAt?: string;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** The connection pool, for repositories of other platform modules that share this schema and its migrations. */
  readonly sql: SqlDriver;
  /** Applies pending migrations in order; returns the versions applied (empty when up to date). */
  migrate(): Promise<number[]>;
  /** Highest applied migration, 0 for an empty database. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;

  createTenant(input: TenantInput): Promise<Tenant>;
  listTenants(): Promise<Tenant[]>;

  /** Issues an API token: the secret is returned once; only its SHA-256 and a short prefix are stored. */
  createApiToken(tenant: TenantId, input: ApiTokenInput): Promise<{ token: string; info: ApiTokenInfo }>;
  /** The token's tenant and role when it exists, is not revoked and has not expired (last use recorded). */
  authenticateApiToken(token: string): Promise<ApiTokenInfo | undefined>;
  listApiTokens(tenant: TenantId): Promise<ApiTokenInfo[]>;
  /** True when a live token of this tenant was revoked. */
  revokeApiToken(tenant: TenantId, id: number): Promise<boolean>;

  listAssets(tenant: TenantId, filter?: { kind?: AssetKind; groupId?: number }, page?: PageRequest): Promise<Page<Asset>>;
  /** Edges touching the asset, both directions. */
  assetRelations(tenant: TenantId, assetId: number): Promise<AssetRelation[]>;
  createAssetGroup(tenant: TenantId, name: string): Promise<AssetGroup>;
  listAssetGroups(tenant: TenantId): Promise<AssetGroup[]>;
  /** True when the tenant's asset belongs to one of these groups of the tenant. */
  assetInGroups(tenant: TenantId, assetId: number, groups: readonly number[]): Promise<boolean>;
  /** Adds assets of the tenant to its group; returns how many were added (foreign ids are ignored). */
  addAssetsToGroup(tenant: TenantId, groupId: number, assetIds: number[]): Promise<number>;

  /** Stores one scan's findings in one transaction; idempotent by scan id and by fingerprint. */
  ingestScan(tenant: TenantId, scan: ScanInput, findings: FindingInput[]): Promise<IngestResult>;
  listFindings(tenant: TenantId, filter?: FindingFilter, sort?: FindingSort, page?: PageRequest): Promise<Page<Finding>>;
  countFindings(tenant: TenantId, filter?: FindingFilter): Promise<number>;
  /**
   * Per UTC day of the last `days` days up to `now`: findings first seen, fixed, and not fixed at the day's end
   * (from first_seen and fixed_at, so a reopened finding counts from its first sighting).
   */
  findingTrends(tenant: TenantId, days: number, now: Date, filter?: FindingFilter): Promise<TrendPoint[]>;
  /** Counts of the matching findings by severity, status and type, in one query. */
  summarizeFindings(tenant: TenantId, filter?: FindingFilter): Promise<FindingSummary>;
  getFinding(tenant: TenantId, id: number): Promise<Finding | undefined>;
  /** Undefined when the finding does not exist for this tenant. */
  setFindingStatus(tenant: TenantId, id: number, change: StatusChange): Promise<Finding | undefined>;
  /**
   * Groups the matching findings by rule, package or target, keyset-paged (the cursor is only valid with the same
   * `by`). Counts come from the filtered findings only, so a scope never reveals other assets' findings.
   */
  groupFindings(tenant: TenantId, by: FindingGroupBy, filter?: FindingFilter, page?: PageRequest): Promise<Page<FindingGroup>>;
  /**
   * Sets the status of the selected findings in one transaction (at most 1000 ids, or at most
   * `BULK_STATUS_MAX` matching a filter: LimitError beyond). With an actor, one `finding.status.bulk` audit record
   * per 1000 changed findings lists their ids by previous status, in the same transaction.
   */
  setFindingsStatus(tenant: TenantId, selection: FindingSelection, change: StatusChange): Promise<BulkStatusResult>;

  appendAudit(tenant: TenantId, entry: AuditInput): Promise<AuditRecord>;
  /** Oldest first, after `afterSeq`; `filter` keeps the matching records (the page is `limit` matches). */
  listAudit(tenant: TenantId, page?: { afterSeq?: number; limit?: number }, filter?: AuditFilter): Promise<AuditRecord[]>;
  /** Recomputes every hash of one tenant's chain (or all chains) and checks links, sequence and head. */
  verifyAuditChain(tenant?: TenantId): Promise<ChainVerification>;
  /**
   * Deletes the tenant's oldest audit records dated before `before` (a verified prefix of the chain, `batch` per
   * transaction, default 5,000), keeping a checkpoint that verification starts from; returns the records deleted.
   */
  pruneAudit(tenant: TenantId, before: Instant, opts?: { batch?: number; actor?: string }): Promise<number>;
}
