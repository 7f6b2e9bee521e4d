import type { RuleMeta } from '../rules/types.js';
import type { Grant } from './engine.js';
import type { WorkloadInfo } from './load.js';
import type { BindingInfo, PolicyRule, RbacSeverity, RoleInfo, Subject } from './model.js';

/** What a binding check sees: the binding and the role it refers to (undefined when not among the objects). */
export interface BindingContext {
  binding: BindingInfo;
  role: RoleInfo | undefined;
}

/** What a workload check sees: the workload, the service account it runs as and the grants bound to that account itself. */
export interface WorkloadContext {
  workload: WorkloadInfo;
  serviceAccount: Subject;
  /** Grants whose binding names the service account (not those it only gets through its implicit groups). */
  grants: readonly Grant[];
}

interface RiskBase extends Omit<RuleMeta, 'target' | 'severity'> {
  readonly severity: RbacSeverity;
}

/**
 * A check over the effective rules of one Role/ClusterRole (aggregation folded in). It reports on the role whether a
 * binding in the scanned set grants it or not; the finding names the subjects that hold it.
 */
export interface RoleRisk extends RiskBase {
  readonly on: 'role';
  /** Role kinds checked (Trivy splits ClusterRole and Role checks); all when absent. */
  readonly kinds?: readonly ('Role' | 'ClusterRole')[];
  /** What the rules grant that is risky ("can get/list/watch secrets"), or undefined. */
  test(rules: readonly PolicyRule[], role: RoleInfo): string | undefined;
}

/** A check over one RoleBinding/ClusterRoleBinding (its subjects and the role it grants). */
export interface BindingRisk extends RiskBase {
  readonly on: 'binding';
  /** Field the finding points at. */
  readonly field: 'subjects' | 'roleRef';
  test(ctx: BindingContext): string | undefined;
}

/** A check over one workload that mounts its service-account token. */
export interface WorkloadRisk extends RiskBase {
  readonly on: 'workload';
  test(ctx: WorkloadContext): string | undefined;
}

/** One RBAC rule as the engine evaluates it: metadata plus a check over roles, bindings or workloads. */
export type RbacRisk = RoleRisk | BindingRisk | WorkloadRisk;
