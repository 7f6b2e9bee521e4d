// Builds the report model from the same store queries the findings API uses (listFindings with the API's filter
// shape and the caller's assetGroups), so every number in a report equals what GET /api/v1/findings returns for
// the same scope. One pass over the scope's findings gives every count; formats only lay the model out.
import { InputError, SEVERITIES, severityRank, type Severity } from '@bulwark/core';
import type * as PostureModule from '@bulwark/posture';
import type { CatalogRule, FrameworkSpec } from '@bulwark/posture';
import { FINDING_STATUSES, type Finding, type FindingFilter, type FindingStatus, type FindingType, type Store, type TenantId } from '../storage/types.js';
import {
  KIND_TYPES,
  REPORT_KINDS,
  type ControlState,
  type ReportControl,
  type ReportData,
  type ReportFindingRow,
  type ReportKind,
  type ReportRequest,
  type ReportScope,
  type ReportTargetRow,
  type SeverityCounts,
} from './types.js';

const FILE = 'report';
/** Rows of the top-findings table. */
export const TOP_FINDINGS = 25;
/** Rows of the per-target table (the rest are counted in `targetsTotal`). */
export const MAX_TARGET_ROWS = 200;
/** Failing resources listed per control. */
export const MAX_FAILING_PER_CONTROL = 50;
const CONTROL_PLANE = new Set(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet']);
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,252}$/;

export interface BuildOptions {
  /** Page size of the store reads (1–1000, default 1000). */
  pageSize?: number;
}

const TITLES: Record<ReportKind, string> = {
  vulnerabilities: 'Vulnerability report',
  posture: 'Security posture report',
  compliance: 'Compliance report',
};

function fail(field: string, expected: string): never {
  throw new InputError({ file: FILE, field, expected });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(v: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) fail(`${where}.${k}`, `no such field (allowed: ${allowed.join(', ')})`);
}

/** Checks a scope from outside (API body, stored schedule); throws InputError naming the field. */
export function normalizeScope(v: unknown): ReportScope {
  if (!isObject(v)) fail('scope', 'an object {type: "tenant" | "image" | "cluster", …}');
  switch (v.type) {
    case 'tenant':
      onlyKeys(v, ['type'], 'scope');
      return { type: 'tenant' };
    case 'image':
      if (v.target !== undefined && v.assetId !== undefined) fail('scope', 'either target or assetId for an image, not both');
      if (v.assetId !== undefined) {
        onlyKeys(v, ['type', 'assetId'], 'scope');
        if (!Number.isSafeInteger(v.assetId) || (v.assetId as number) < 1) fail('scope.assetId', 'a positive integer asset id');
        return { type: 'image', assetId: v.assetId as number };
      }
      onlyKeys(v, ['type', 'target'], 'scope');
      if (typeof v.target !== 'string' || v.target.length === 0 || v.target.length > 4096 || v.target.includes('\0')) {
        fail('scope.target', 'the image reference scanned (1–4096 characters), or scope.assetId');
      }
      return { type: 'image', target: v.target };
    case 'cluster':
      onlyKeys(v, ['type', 'name'], 'scope');
      if (typeof v.name !== 'string' || !CLUSTER_NAME.test(v.name)) fail('scope.name', 'a cluster name (letters, digits, ".", "_", ":", "-"; no "/")');
      return { type: 'cluster', name: v.name };
    default:
      return fail('scope.type', 'one of tenant, image, cluster');
  }
}

export function normalizeKind(v: unknown): ReportKind {
  if (typeof v !== 'string' || !(REPORT_KINDS as readonly string[]).includes(v)) fail('kind', `one of ${REPORT_KINDS.join(', ')}`);
  return v as ReportKind;
}

type Posture = typeof PostureModule;
let posture: Promise<Posture> | undefined;
/** The posture package is loaded on first use: only compliance reports need it, and it is large. */
export function loadPosture(): Promise<Posture> {
  posture ??= import('@bulwark/posture');
  return posture;
}

/** The framework a compliance request names (ids and aliases of @bulwark/posture's `findFramework`). */
export async function resolveFramework(kind: ReportKind, framework: unknown): Promise<FrameworkSpec | undefined> {
  if (kind !== 'compliance') {
    if (framework !== undefined) fail('framework', `nothing for kind ${kind} (a framework is only for kind compliance)`);
    return undefined;
  }
  const p = await loadPosture();
  const ids = p.frameworks.map((f) => f.id).join(', ');
  if (typeof framework !== 'string' || framework.length > 64) fail('framework', `one of ${ids} for kind compliance`);
  const spec = p.findFramework(framework);
  if (!spec) fail('framework', `one of ${ids}`);
  return spec;
}

/**
 * Whether a finding belongs to cluster `name` by name: its asset key is `cluster/<name>` or under
 * `cluster/<name>/` (how scans key the cluster, its namespaces, nodes and workloads), or its scan target is, with or
 * without a scheme ("k8s:cluster/<name>" as `bulwark scan k8s --upload` names it).
 */
export function inCluster(name: string): (f: Pick<Finding, 'asset' | 'target'>) => boolean {
  const root = `cluster/${name}`;
  const under = `${root}/`;
  const named = (s: string): boolean => s === root || s.startsWith(under);
  return (f) => named(f.asset.key) || named(f.target.replace(/^[a-z][a-z0-9+.-]*:/, ''));
}

/** Images `used-by` the cluster's workloads and the packages `installed-in` them: what runs in the cluster. */
async function runningIn(store: Store, tenant: TenantId, name: string): Promise<Set<number>> {
  const under = `cluster/${name}/`;
  const workloads: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listAssets(tenant, { kind: 'workload' }, { limit: 1000, cursor });
    for (const a of page.items) if (a.key.startsWith(under)) workloads.push(a.id);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  const images = new Set<number>();
  for (const w of workloads) for (const r of await store.assetRelations(tenant, w)) if (r.kind === 'used-by' && r.toId === w) images.add(r.fromId);
  const out = new Set(images);
  for (const i of images) for (const r of await store.assetRelations(tenant, i)) if (r.kind === 'installed-in' && r.toId === i) out.add(r.fromId);
  return out;
}

/** Disjoint sets of findings, each one store filter plus an optional test on each finding. */
interface Source {
  filter: FindingFilter;
  keep?: (f: Finding) => boolean;
}

async function imageAsset(store: Store, tenant: TenantId, id: number, groups: number[] | undefined): Promise<{ key: string; members: number[] }> {
  let cursor: string | undefined;
  let key: string | undefined;
  do {
    const page = await store.listAssets(tenant, { kind: 'image' }, { limit: 1000, cursor });
    key = page.items.find((a) => a.id === id)?.key;
    cursor = page.nextCursor;
  } while (key === undefined && cursor !== undefined);
  if (key === undefined || (groups !== undefined && !(groups.length > 0 && (await store.assetInGroups(tenant, id, groups))))) {
    fail('scope.assetId', `an image asset of this tenant (no image asset ${id})`);
  }
  const rels = await store.assetRelations(tenant, id);
  const packages = rels.filter((r) => r.kind === 'installed-in' && r.toId === id).map((r) => r.fromId);
  return { key, members: [id, ...new Set(packages)] };
}

function zeroSeverities(): SeverityCounts {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
}

/** Top `n` by priority then id, both descending (the API's default order). */
function byPriority(a: Finding, b: Finding): number {
  return b.priority.score - a.priority.score || b.id - a.id;
}

/**
 * Classes of resources a rule looks at, from its catalog metadata (as posture's `ruleApplies` gates them): a
 * config finding of any rule of the same class in scope shows such resources were scanned there.
 */
function evidenceClasses(rule: CatalogRule): string[] {
  if (rule.resourceTypes && rule.resourceTypes.length > 0) return rule.resourceTypes.map((t) => `type:${t}`);
  return rule.targets.map((t) => {
    if (t !== 'kubernetes') return `target:${t}`;
    const tags = rule.tags ?? [];
    if (tags.includes('control-plane')) return `k8s:control-plane:${tags.find((x) => CONTROL_PLANE.has(x)) ?? 'other'}`;
    if (tags.includes('rbac')) return 'k8s:rbac';
    if (tags.includes('psp')) return 'k8s:psp';
    return 'k8s:workload';
  });
}

interface RuleTally {
  open: number;
  excepted: number;
  fixed: number;
  failing: ReportControl['failing'];
}

/** Builds the model of one report. `now` is its generation instant (the schedule's clock in tests). */
export async function buildReportData(store: Store, tenant: TenantId, request: ReportRequest, now: Date, opts: BuildOptions = {}): Promise<ReportData> {
  const kind = normalizeKind(request.kind);
  const framework = await resolveFramework(kind, request.framework);
  const { data, rules, ruleSeen } = await collectReportData(store, tenant, request, kind, framework !== undefined, now, opts);
  if (framework) data.compliance = await complianceOf(framework, rules, ruleSeen);
  return data;
}

/**
 * The compliance report of the same scope for several frameworks from one pass over the findings (the per-rule
 * tallies do not depend on the framework): `request.framework` is ignored, each id in `frameworks` must resolve.
 */
export async function buildComplianceReports(
  store: Store,
  tenant: TenantId,
  request: ReportRequest,
  frameworks: readonly string[],
  now: Date,
  opts: BuildOptions = {},
): Promise<Array<{ data: ReportData; compliance: NonNullable<ReportData['compliance']> }>> {
  const specs = await Promise.all(frameworks.map((id) => resolveFramework('compliance', id)));
  const { data, rules, ruleSeen } = await collectReportData(store, tenant, request, 'compliance', true, now, opts);
  const out: Array<{ data: ReportData; compliance: NonNullable<ReportData['compliance']> }> = [];
  for (const spec of specs) {
    const compliance = await complianceOf(spec!, rules, ruleSeen);
    out.push({ data: { ...data, compliance }, compliance });
  }
  return out;
}

async function collectReportData(
  store: Store,
  tenant: TenantId,
  request: ReportRequest,
  kind: ReportKind,
  tallyRules: boolean,
  now: Date,
  opts: BuildOptions,
): Promise<{ data: ReportData; rules: Map<string, RuleTally>; ruleSeen: Set<string> }> {
  const scope = normalizeScope(request.scope);
  const groups = request.assetGroups;
  const t = (await store.listTenants()).find((x) => x.id === tenant);
  if (!t) throw new InputError({ file: FILE, field: 'tenant', expected: `an existing tenant (no tenant ${tenant})` });
  const pageSize = opts.pageSize ?? 1000;
  const types = [...KIND_TYPES[kind]];
  const base: FindingFilter = { type: types, ...(groups !== undefined ? { assetGroups: groups } : {}) };

  let sources: Source[];
  let scopeDescription: string;
  switch (scope.type) {
    case 'tenant':
      sources = [{ filter: base }];
      scopeDescription = `Tenant ${t.name}: every asset`;
      break;
    case 'cluster': {
      const named = inCluster(scope.name);
      const running = await runningIn(store, tenant, scope.name);
      sources = [{ filter: base, keep: (f) => named(f) || running.has(f.asset.id) }];
      scopeDescription = `Cluster ${scope.name}: findings whose asset key or scan target is cluster/${scope.name} or under it, and findings of the images its workloads run`;
      break;
    }
    default:
      if ('assetId' in scope) {
        const img = await imageAsset(store, tenant, scope.assetId, groups);
        sources = img.members.map((assetId) => ({ filter: { ...base, assetId } }));
        scopeDescription = `Image ${img.key} (asset ${scope.assetId}) and the packages installed in it`;
      } else {
        // `bulwark scan image --upload` names its target "image:<reference>": both spellings are the image's scans.
        const targets = scope.target.startsWith('image:') ? [scope.target] : [scope.target, `image:${scope.target}`];
        sources = targets.map((target) => ({ filter: { ...base, target } }));
        scopeDescription = `Image ${scope.target}: findings of scans of this target`;
      }
  }
  if (groups !== undefined) scopeDescription += `; limited to asset groups ${groups.join(', ') || '(none)'}`;

  const byStatus = Object.fromEntries(FINDING_STATUSES.map((s) => [s, 0])) as Record<FindingStatus, number>;
  const openSeverity = zeroSeverities();
  const openType: Partial<Record<FindingType, number>> = Object.fromEntries(types.map((x) => [x, 0]));
  let total = 0;
  let openTotal = 0;
  let kev = 0;
  let fixAvailable = 0;
  let top: Finding[] = [];
  const targets = new Map<string, ReportTargetRow>();
  const rules = new Map<string, RuleTally>();
  const ruleSeen = new Set<string>();

  for (const src of sources) {
    let cursor: string | undefined;
    do {
      const page = await store.listFindings(tenant, src.filter, { by: 'priority', dir: 'desc' }, { limit: pageSize, cursor });
      cursor = page.nextCursor;
      for (const f of page.items) {
        if (src.keep && !src.keep(f)) continue;
        total++;
        byStatus[f.status]++;
        let row = targets.get(f.target);
        if (!row) targets.set(f.target, (row = { target: f.target, total: 0, open: 0, fixed: 0, bySeverity: zeroSeverities() }));
        row.total++;
        if (f.status === 'fixed') row.fixed++;
        ruleSeen.add(f.ruleId);
        if (tallyRules) {
          let r = rules.get(f.ruleId);
          if (!r) rules.set(f.ruleId, (r = { open: 0, excepted: 0, fixed: 0, failing: [] }));
          if (f.status === 'open') {
            r.open++;
            if (r.failing.length < MAX_FAILING_PER_CONTROL) r.failing.push({ findingId: f.id, ruleId: f.ruleId, severity: f.severity, resource: f.asset.key, target: f.target });
          } else if (f.status === 'fixed') r.fixed++;
          else r.excepted++;
        }
        if (f.status !== 'open') continue;
        openTotal++;
        openSeverity[f.severity]++;
        openType[f.type] = (openType[f.type] ?? 0) + 1;
        if (f.kev) kev++;
        if (f.fixAvailable) fixAvailable++;
        row.open++;
        row.bySeverity[f.severity]++;
        top.push(f);
        if (top.length >= TOP_FINDINGS * 4) top = top.sort(byPriority).slice(0, TOP_FINDINGS);
      }
    } while (cursor !== undefined);
  }

  const topFindings: ReportFindingRow[] = top
    .sort(byPriority)
    .slice(0, TOP_FINDINGS)
    .map((f) => ({
      id: f.id,
      ruleId: f.ruleId,
      title: f.title,
      severity: f.severity,
      priority: f.priority.score,
      type: f.type,
      kev: f.kev,
      fixAvailable: f.fixAvailable,
      asset: f.asset.key,
      target: f.target,
      firstSeen: f.firstSeen,
    }));
  const targetRows = [...targets.values()].sort((a, b) => b.open - a.open || b.total - a.total || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));

  const data: ReportData = {
    schemaVersion: 1,
    title: TITLES[kind],
    kind,
    tenant: { id: t.id, slug: t.slug, name: t.name },
    generatedAt: now.toISOString(),
    scope,
    scopeDescription,
    ...(groups !== undefined ? { assetGroups: [...groups] } : {}),
    types,
    summary: { total, byStatus, open: { total: openTotal, bySeverity: openSeverity, byType: openType, kev, fixAvailable } },
    topFindings,
    targets: targetRows.slice(0, MAX_TARGET_ROWS),
    targetsTotal: targetRows.length,
  };
  return { data, rules, ruleSeen };
}

async function complianceOf(framework: FrameworkSpec, tallies: Map<string, RuleTally>, seen: Set<string>): Promise<NonNullable<ReportData['compliance']>> {
  const p = await loadPosture();
  const catalog = p.ruleCatalog();
  const byId = new Map(catalog.map((r) => [r.id, r]));
  const evidence = new Set<string>();
  for (const id of seen) {
    const r = byId.get(id);
    if (r) for (const c of evidenceClasses(r)) evidence.add(c);
  }
  const mapping = p.controlRules(framework, catalog);
  const controls: ReportControl[] = p.effectiveControls(framework, catalog).map((c) => {
    const ids = mapping.get(c.id) ?? [];
    let open = 0;
    let excepted = 0;
    let fixed = 0;
    const failing: ReportControl['failing'] = [];
    let evaluated = false;
    for (const id of ids) {
      const t = tallies.get(id);
      if (t) {
        open += t.open;
        excepted += t.excepted;
        fixed += t.fixed;
        failing.push(...t.failing);
      }
      const r = byId.get(id);
      if (r && evidenceClasses(r).some((x) => evidence.has(x))) evaluated = true;
    }
    failing.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : a.findingId - b.findingId));
    const status: ControlState = open > 0 ? 'fail' : evaluated ? 'pass' : 'not-evaluated';
    return { id: c.id, title: c.title, ...(c.titleZh ? { titleZh: c.titleZh } : {}), status, rules: ids, open, excepted, fixed, failing: failing.slice(0, MAX_FAILING_PER_CONTROL) };
  });
  const count = (s: ControlState): number => controls.filter((c) => c.status === s).length;
  return {
    framework: { id: framework.id, name: framework.name, ...(framework.nameZh ? { nameZh: framework.nameZh } : {}), version: framework.version },
    summary: { pass: count('pass'), fail: count('fail'), notEvaluated: count('not-evaluated'), total: controls.length },
    controls,
  };
}

/** Severity labels in report order. */
export const SEVERITY_ORDER: readonly Severity[] = SEVERITIES;
