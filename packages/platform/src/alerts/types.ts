import type { Severity } from '@bulwark/core';
import type { AssetKind, FindingStatus, FindingType, TenantId } from '../storage/types.js';

/** How an ingest touched a finding: first seen, seen again after being fixed, or absent from a later scan. */
export type FindingChange = 'new' | 'reopened' | 'fixed';
export const FINDING_CHANGES: readonly FindingChange[] = ['new', 'reopened', 'fixed'];

/**
 * Fields a rule groups findings by; the group key (one root cause → one alert) is built from their values.
 * `ruleId` is the finding's rule (CVE/GHSA/BLW-… id), not the alert rule: alerts are always per alert rule.
 */
export type GroupField = 'ruleId' | 'asset' | 'target' | 'type' | 'severity' | 'change';
export const GROUP_FIELDS: readonly GroupField[] = ['ruleId', 'asset', 'target', 'type', 'severity', 'change'];

/** What a rule selects; every given field must match (lists: any of), absent fields match everything. */
export interface RuleMatch {
  /** Finding types: ['vulnerability', 'secret']. */
  types?: FindingType[];
  /** Exact severities: ['critical']. */
  severities?: Severity[];
  /** At least this severity: 'high' admits high and critical. */
  minSeverity?: Severity;
  /** Priority score at least this. */
  minPriority?: number;
  /** The finding's asset is in one of these asset groups. */
  assetGroupIds?: number[];
  /** Which changes alert; default ['new', 'reopened'] ("new vs existing": 'reopened' is an existing finding back again). */
  changes?: FindingChange[];
  /** Only findings on CISA's KEV list (true) or only those not on it (false). */
  kev?: boolean;
  /** Finding rule ids: ['CVE-2021-44228']. */
  ruleIds?: string[];
}

export interface AlertRuleInput {
  name: string;
  /** Default true. */
  enabled?: boolean;
  match?: RuleMatch;
  /** Default [] = one alert per rule per scan. */
  groupBy?: GroupField[];
  /** At most one alert per (rule, group key) in this many seconds; findings in between are counted. 0 = no limit. */
  rateLimitSeconds?: number;
  destinationIds: number[];
}

export interface AlertRule {
  id: number;
  name: string;
  enabled: boolean;
  match: RuleMatch;
  groupBy: GroupField[];
  rateLimitSeconds: number;
  destinationIds: number[];
  createdAt: string;
  updatedAt: string;
}

/** Findings a silence mutes while it lasts; at least one field, every given field must match. */
export interface SilenceMatch {
  /** Alert rules the silence applies to (absent: all). */
  alertRuleIds?: number[];
  /** Finding rule ids. */
  ruleIds?: string[];
  types?: FindingType[];
  severities?: Severity[];
  /** Asset keys, exact. */
  assetKeys?: string[];
  /** Scan targets, exact. */
  targets?: string[];
}

export interface SilenceInput {
  match: SilenceMatch;
  reason: string;
  /** ISO instant in the future. */
  expiresAt: string;
}

export interface Silence {
  id: number;
  match: SilenceMatch;
  reason: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * A false positive that never alerts: one finding (fingerprint), or a finding rule anywhere or on one asset.
 * Unlike a silence it may last forever.
 */
export interface AllowlistInput {
  ruleId?: string;
  assetKey?: string;
  fingerprint?: string;
  reason: string;
  expiresAt?: string;
}

export interface AllowlistEntry {
  id: number;
  ruleId: string | null;
  assetKey: string | null;
  fingerprint: string | null;
  reason: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
}

export interface DestinationInput {
  kind: string;
  name: string;
  config: Record<string, unknown>;
}

export interface Destination {
  id: number;
  kind: string;
  name: string;
  /** Secrets in clear (repository use); API reads go through `maskDestination`. */
  config: Record<string, unknown>;
  createdAt: string;
}

/** A finding as the engine sees it (what the listener loads for the ids an ingest reported). */
export interface AlertFinding {
  id: number;
  fingerprint: string;
  type: FindingType;
  ruleId: string;
  title: string;
  severity: Severity;
  priority: number;
  kev: boolean;
  fixAvailable: boolean;
  cvss: number | null;
  epss: number | null;
  asset: { id: number; kind: AssetKind; key: string };
  target: string;
  status: FindingStatus;
  change: FindingChange;
  assetGroupIds: number[];
}

/** Rate-limit state of one (rule, group key): when it last alerted and how many findings it held back since. */
export interface GroupState {
  ruleId: number;
  groupKey: string;
  lastAlertAt: string;
  suppressed: number;
}

export interface AlertFindingSummary {
  id: number;
  ruleId: string;
  title: string;
  severity: Severity;
  type: FindingType;
  priority: number;
  kev: boolean;
  asset: string;
  target: string;
  change: FindingChange;
}

/** What a delivery carries (stored as alert_deliveries.payload), formatted per destination at send time. */
export interface AlertPayload {
  version: 1;
  /** 'test' for the API's test message. */
  kind: 'alert' | 'test';
  tenant: TenantId;
  rule: { id: number; name: string };
  groupKey: string;
  /** The group's field values: { ruleId: 'CVE-…', asset: 'image:…' }. */
  group: Partial<Record<GroupField, string>>;
  title: string;
  /** Highest severity among the findings. */
  severity: Severity;
  total: number;
  counts: Record<FindingChange, number>;
  /** The first findings, most severe and highest priority first (at most the engine's maxFindingsPerAlert). */
  findings: AlertFindingSummary[];
  /** Findings of this group held back by the rate limit since its previous alert. */
  suppressedSince: number;
  scan: { id: string; target: string; kind: string };
  createdAt: string;
}

export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'dead';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'sent', 'failed', 'dead'];

/** Where people are with a fired alert: nobody looked yet, someone is on it, dealt with. */
export type AlertState = 'open' | 'acknowledged' | 'resolved';
export const ALERT_STATES: readonly AlertState[] = ['open', 'acknowledged', 'resolved'];
/** The states each state may move to; resolved goes back to open first (reopen), never straight to acknowledged. */
export const ALERT_TRANSITIONS: Readonly<Record<AlertState, readonly AlertState[]>> = {
  open: ['acknowledged', 'resolved'],
  acknowledged: ['open', 'resolved'],
  resolved: ['open'],
};

/** A change of a fired alert's workflow (PATCH /api/v1/alerts/:id); at least one field. */
export interface AlertWorkflowPatch {
  state?: AlertState;
  /** A user id of the alert's tenant (active, not scoped to asset groups); null unassigns. */
  assigneeId?: number | null;
  /** Why, or what was done; kept on the alert and in its history. */
  note?: string;
}

/** One entry of an alert's workflow history, oldest first. */
export interface AlertStateEvent {
  id: number;
  /** Audit actor of the change: "user:7", "token:ci". */
  actor: string;
  at: string;
  fromState: AlertState;
  state: AlertState;
  fromAssigneeId: number | null;
  assigneeId: number | null;
  note: string | null;
  /** Names of the users above (the actor when it is "user:<id>"), for callers that may not list users. */
  names?: { actor?: string; fromAssignee?: string; assignee?: string };
}

/**
 * One alert to one destination (the dispatcher's unit of work). `failed`: an attempt failed and a retry is
 * scheduled; `dead`: moved to dead letters. The people's workflow is on the alert (`Alert`), not here.
 */
export interface Delivery {
  id: number;
  /** The alert it delivers (null only for rows older than migration 17 that it could not link). */
  alertId: number | null;
  ruleId: number | null;
  destinationId: number;
  groupKey: string;
  payload: AlertPayload;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** A delivery as an alert lists it (API reads), with its destination's name and kind. */
export interface AlertDelivery {
  id: number;
  destinationId: number;
  destinationName: string | null;
  destinationKind: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
}

/**
 * How an alert's deliveries stand overall: the most urgent of theirs (dead, then failed, then pending; sent when
 * all were sent), `none` when it has none left (its destinations were deleted).
 */
export type OverallDeliveryStatus = DeliveryStatus | 'none';
export const OVERALL_DELIVERY_STATUSES: readonly OverallDeliveryStatus[] = ['pending', 'sent', 'failed', 'dead', 'none'];

/** The overall status of a set of delivery statuses (see OverallDeliveryStatus). */
export function overallDeliveryStatus(statuses: readonly DeliveryStatus[]): OverallDeliveryStatus {
  for (const s of ['dead', 'failed', 'pending'] as const) if (statuses.includes(s)) return s;
  return statuses.length === 0 ? 'none' : 'sent';
}

/**
 * A fired alert: one alert rule firing for one group key on one scan, delivered to each of the rule's
 * destinations. `state`, `assigneeId`, `note`, `changedBy`/`changedAt` are the people's workflow.
 */
export interface Alert {
  id: number;
  ruleId: number | null;
  groupKey: string;
  payload: AlertPayload;
  createdAt: string;
  state: AlertState;
  assigneeId: number | null;
  /** The assignee's name (null when unassigned or unknown). */
  assigneeName: string | null;
  note: string | null;
  /** Who last changed the workflow and when; null until the first change. */
  changedBy: string | null;
  changedAt: string | null;
  deliveryStatus: OverallDeliveryStatus;
  /** Oldest first. */
  deliveries: AlertDelivery[];
}

export interface DeadLetter {
  id: number;
  deliveryId: number | null;
  destinationId: number;
  payload: AlertPayload;
  error: string;
  attempts: number;
  failedAt: string;
  retriedAt: string | null;
}
