export { analyzeRbac } from './analyze.js';
export { formatPath, formatRbacReport } from './format.js';
export { rbacRules, scanRbacFiles } from './scan.js';
export type { RbacScanResult } from './scan.js';
export { rbacRisks, workloadRisk } from './rules.js';
export type { RbacRisk } from './rules.js';
export { parseSubjectKey, subjectKey } from './model.js';
export type { BindingInfo, EscalationPath, EscalationStep, Permission, PolicyRule, RbacReport, RiskyGrant, RoleInfo, Subject } from './model.js';
