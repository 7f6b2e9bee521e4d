export { evaluateCompliance, controlRules, effectiveControls, ruleApplies } from './evaluate.js';
export { frameworks, findFramework } from './registry.js';
export type { ComplianceReport, ControlEvidence, ControlResult, ControlSpec, ControlStatus, FrameworkSpec } from './types.js';
