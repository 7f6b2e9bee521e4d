import type { Store, TenantId } from '../storage/types.js';
import { buildReportData } from './data.js';
import type { ReportFormat } from './format.js';
import { reportFileName } from './layout.js';
import type { NewReport, StoredRequest } from './repository.js';
import type { ReportData } from './types.js';

/** Builds the model and renders it: everything a report row needs but its ids. */
export async function renderReport(
  store: Store,
  tenant: TenantId,
  request: StoredRequest,
  format: ReportFormat,
  ctx: { now: Date; actor: string; assetGroups?: number[] },
): Promise<{ data: ReportData; report: NewReport }> {
  const data = await buildReportData(store, tenant, { ...request, assetGroups: ctx.assetGroups }, ctx.now);
  const content = await format.render(data);
  const title = data.compliance ? `${data.title}: ${data.compliance.framework.name}` : data.title;
  return {
    data,
    report: {
      title,
      kind: data.kind,
      format: format.id,
      request,
      ...(ctx.assetGroups !== undefined ? { assetGroups: ctx.assetGroups } : {}),
      summary: data.compliance ? { ...data.summary, compliance: data.compliance.summary } : data.summary,
      filename: reportFileName(data, format.extension),
      contentType: format.contentType,
      generatedAt: data.generatedAt,
      createdBy: ctx.actor,
      content,
    },
  };
}
