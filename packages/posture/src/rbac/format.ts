import type { EscalationPath, RbacReport } from './model.js';
import { subjectKey } from './model.js';

/** `User:jane --(create pods in namespace ci running as deployer)--> ServiceAccount:ci/deployer --(...)--> cluster-admin` */
export function formatPath(p: EscalationPath): string {
  return [subjectKey(p.subject), ...p.steps.map((s) => `--(${s.how})--> ${s.to}`)].join(' ');
}

/** Plain-text report: risky grants by severity, then escalation chains. */
export function formatRbacReport(report: RbacReport): string {
  const order = { critical: 0, high: 1, medium: 2, low: 3 } as const;
  const lines: string[] = [`RBAC: ${report.roles.length} roles, ${report.bindings.length} bindings, ${report.subjects.length} subjects`];
  const grants = [...report.riskyGrants].sort((a, b) => order[a.severity] - order[b.severity] || a.ruleId.localeCompare(b.ruleId) || a.object.localeCompare(b.object));
  lines.push('', `Risky grants (${grants.length}):`);
  for (const g of grants) lines.push(`  ${g.severity.toUpperCase().padEnd(8)} ${g.ruleId}  ${g.object}  ${g.message}`);
  lines.push('', `Escalation paths to cluster-admin (${report.escalationPaths.length}):`);
  for (const p of report.escalationPaths) lines.push(`  ${formatPath(p)}`);
  if (report.skipped.length > 0) {
    lines.push('', `Skipped objects (${report.skipped.length}):`);
    for (const s of report.skipped) lines.push(`  #${s.index}: ${s.reason}`);
  }
  return lines.join('\n');
}
