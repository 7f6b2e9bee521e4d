export type { DocPath, Fix, Rule, RuleMeta, RuleTarget, Violation } from './rules/types.js';
export * from './corpus/score.js';
export { findingOf, runRules } from './engine/finding.js';
export type { FindingContext } from './engine/finding.js';
