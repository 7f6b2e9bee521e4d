import { rbacRisks } from '../rules/kubernetes/rbac/risks.js';
import { createRbacEngine } from './engine.js';
import type { RbacReport } from './model.js';
import type { RbacRisk } from './risk.js';

export interface AnalyzeRbacOptions {
  /** Rules to evaluate (default: every rule of the Kubernetes `rbac` family). */
  risks?: readonly RbacRisk[];
}

/**
 * Analyzes plain Kubernetes objects (Roles, ClusterRoles, bindings, ServiceAccounts, workloads, token Secrets) as a
 * whole: effective permissions per subject, risky grants and escalation paths to cluster-admin. Pure; malformed
 * objects are skipped and listed in `skipped`.
 */
export function analyzeRbac(objects: readonly unknown[], opts: AnalyzeRbacOptions = {}): RbacReport {
  const engine = createRbacEngine(objects);
  return {
    roles: engine.objects.roles,
    bindings: engine.objects.bindings,
    subjects: [...engine.subjects],
    permissionsOf: engine.permissionsOf,
    can: engine.can,
    riskyGrants: (opts.risks ?? rbacRisks).flatMap((r) => engine.evaluate(r)),
    escalationPaths: engine.escalationPaths(),
    skipped: engine.objects.skipped,
  };
}
