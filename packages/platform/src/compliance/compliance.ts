// The compliance API's model: per framework, the controls as the compliance report computes them (reports/data.ts,
// `buildReportData` with kind `compliance`), so the console and a report of the same scope show the same statuses
// and counts. This file only picks the report's compliance section and adds what a link needs (the asset of each
// failing finding); it computes no status of its own.
import type { SqlValue } from '../storage/driver.js';
import type { AssetKind, Store, TenantId } from '../storage/types.js';
import { buildComplianceReports, buildReportData, loadPosture } from '../reports/data.js';
import type { ReportCompliance, ReportControl, ReportScope } from '../reports/types.js';

export interface ComplianceRequest {
  scope: ReportScope;
  /** The caller's asset groups; undefined = the whole tenant. */
  assetGroups?: number[];
  /** Passed to the report builder; the answers carry no time (a live view, equal for equal data). */
  now: Date;
}

export interface FrameworkSummary {
  id: string;
  name: string;
  nameZh?: string;
  version: string;
  summary: ReportCompliance['summary'];
}

export interface ComplianceOverview {
  scope: ReportScope;
  scopeDescription: string;
  items: FrameworkSummary[];
}

/** A failing finding with the asset it is on (for links to the asset and to its findings). */
export type FailingEvidence = ReportControl['failing'][number] & { assetId?: number; assetKind?: AssetKind };

export interface ComplianceDetail {
  scope: ReportScope;
  scopeDescription: string;
  framework: ReportCompliance['framework'];
  summary: ReportCompliance['summary'];
  controls: Array<Omit<ReportControl, 'failing'> & { failing: FailingEvidence[] }>;
}

/** Ids of the registered frameworks, in registry order. */
export async function frameworkIds(): Promise<string[]> {
  return (await loadPosture()).frameworks.map((f) => f.id);
}

/** The framework's canonical id for an id or alias ("mlps", "等保2.0"); undefined when unknown. */
export async function frameworkId(name: string): Promise<string | undefined> {
  return (await loadPosture()).findFramework(name)?.id;
}

async function section(store: Store, tenant: TenantId, framework: string, req: ComplianceRequest) {
  const data = await buildReportData(
    store,
    tenant,
    { scope: req.scope, kind: 'compliance', framework, ...(req.assetGroups !== undefined ? { assetGroups: req.assetGroups } : {}) },
    req.now,
  );
  if (!data.compliance) throw new Error(`compliance report of ${framework} has no compliance section`);
  return { data, compliance: data.compliance };
}

/** Every framework with its pass / fail / not-evaluated counts for the scope (one pass over the findings). */
export async function complianceOverview(store: Store, tenant: TenantId, req: ComplianceRequest): Promise<ComplianceOverview> {
  const reports = await buildComplianceReports(
    store,
    tenant,
    { scope: req.scope, kind: 'compliance', ...(req.assetGroups !== undefined ? { assetGroups: req.assetGroups } : {}) },
    await frameworkIds(),
    req.now,
  );
  const head = reports[0]?.data;
  return {
    scope: head?.scope ?? req.scope,
    scopeDescription: head?.scopeDescription ?? '',
    items: reports.map(({ compliance }) => ({ ...compliance.framework, summary: compliance.summary })),
  };
}

/** One framework's controls with status, rules, counts and failing evidence (asset id and kind added). */
export async function complianceDetail(store: Store, tenant: TenantId, framework: string, req: ComplianceRequest): Promise<ComplianceDetail> {
  const { data, compliance } = await section(store, tenant, framework, req);
  const assets = await assetsOfFindings(
    store,
    tenant,
    compliance.controls.flatMap((c) => c.failing.map((f) => f.findingId)),
  );
  return {
    scope: data.scope,
    scopeDescription: data.scopeDescription,
    framework: compliance.framework,
    summary: compliance.summary,
    controls: compliance.controls.map((c) => ({ ...c, failing: c.failing.map((f) => ({ ...f, ...assets.get(f.findingId) })) })),
  };
}

/** finding id → its asset's id and kind, for the tenant's findings among `ids`. */
async function assetsOfFindings(store: Store, tenant: TenantId, ids: number[]): Promise<Map<number, { assetId: number; assetKind: AssetKind }>> {
  const out = new Map<number, { assetId: number; assetKind: AssetKind }>();
  const unique = [...new Set(ids)];
  const chunk = Math.max(1, Math.min(500, store.sql.maxParams - 10));
  for (let i = 0; i < unique.length; i += chunk) {
    const part = unique.slice(i, i + chunk);
    const params: SqlValue[] = [tenant, ...part];
    const rows = await store.sql.all(
      `SELECT f.id, f.asset_id, a.kind FROM findings f JOIN assets a ON a.id = f.asset_id AND a.tenant_id = f.tenant_id
        WHERE f.tenant_id = ? AND f.id IN (${part.map(() => '?').join(', ')})`,
      params,
    );
    for (const r of rows) out.set(Number(r.id), { assetId: Number(r.asset_id), assetKind: r.kind as AssetKind });
  }
  return out;
}
