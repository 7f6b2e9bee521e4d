export { planFixes } from './plan.js';
export type { FixChange, FixPlan, PlanOptions } from './plan.js';
export { formatUnifiedDiff } from './diff.js';
export { FIX_DEFAULTS } from './defaults.js';
export type { FixDefaults } from './defaults.js';
