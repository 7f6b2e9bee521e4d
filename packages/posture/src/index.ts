export type { DocPath, Fix, Rule, RuleMeta, RuleTarget, Violation } from './rules/types.js';
export * from './corpus/score.js';
export { findingOf, runRules } from './engine/finding.js';
export type { FindingContext } from './engine/finding.js';

export { parseKubernetes } from './kubernetes/parse.js';
export type { K8sResource, ParseOptions as KubernetesParseOptions } from './kubernetes/parse.js';
export { scanKubernetesFiles } from './kubernetes/scan.js';
export type { K8sInput, K8sRule } from './kubernetes/rule.js';
export { kubernetesRules } from './rules/kubernetes/registry.js';

export { parseDockerfile } from './dockerfile/parse.js';
export { isDockerfilePath, scanDockerfile } from './dockerfile/scan.js';
export type { DockerfileRule } from './dockerfile/rule.js';
export { dockerfileRules } from './rules/dockerfile/all.js';

export { parseCompose } from './compose/parse.js';
export { isComposePath, scanCompose } from './compose/scan.js';
export { composeRules } from './compose/all.js';

export { loadTerraform, parsePlan, scanTerraform } from './terraform/terraform.js';
export type { SourceFile, TerraformOptions } from './terraform/terraform.js';
export { loadCloudFormation, looksLikeCloudFormation, parseCloudFormation, scanCloudFormation } from './cloudformation/cloudformation.js';
export { cloudRules } from './terraform/registry.js';
export type { CloudRule } from './terraform/cloud-rule.js';
export type { CloudModel, CloudResource } from './terraform/cloud-model.js';

export { analyzeRbac, createRbacEngine, formatPath, formatRbacReport, rbacRisks, rbacRules, scanRbacFiles } from './rbac/index.js';
export * as netpol from './netpol/index.js';
export * from './corpus/areas.js';
export { scoreNetpolCorpus } from './netpol/corpus.js';
export type { NetpolCaseResult } from './netpol/corpus.js';
export * from './config-scan/index.js';
export * from './compliance/index.js';
export * from './policy/index.js';
export * as cluster from './cluster/index.js';
export { FIX_DEFAULTS, formatUnifiedDiff, planFixes } from './fix/index.js';
export type { FixChange, FixDefaults, FixPlan, PlanOptions } from './fix/index.js';
