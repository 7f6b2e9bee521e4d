import type { ConfigFinding } from '@bulwark/core';
import { runRules } from '../engine/finding.js';
import type { Rule, RuleMeta, Violation } from '../rules/types.js';
import type { CloudModel, CloudProvider, CloudResource } from './cloud-model.js';

/** What a cloud rule sees: one resource and the whole model (to follow links such as bucket ← public access block). */
export interface CloudInput {
  resource: CloudResource;
  model: CloudModel;
}

/**
 * A rule over cloud resources. One rule serves Terraform and CloudFormation when the control is the same: it lists
 * the resource types of both (`aws_s3_bucket`, `AWS::S3::Bucket`) and reads provider-specific property names.
 */
export interface CloudRule extends Rule<CloudInput> {
  readonly resourceTypes: readonly string[];
  readonly providers: readonly CloudProvider[];
}

export type CloudRuleSpec = Omit<RuleMeta, 'target' | 'frameworks' | 'references'> & {
  frameworks?: RuleMeta['frameworks'];
  references?: readonly string[];
  resourceTypes: readonly string[];
  check(r: CloudResource, model: CloudModel): Violation[];
};

export function defineCloudRule(spec: CloudRuleSpec): CloudRule {
  const { check, ...meta } = spec;
  const providers: CloudProvider[] = [];
  if (spec.resourceTypes.some((t) => !t.includes('::'))) providers.push('terraform');
  if (spec.resourceTypes.some((t) => t.includes('::'))) providers.push('cloudformation');
  return {
    ...meta,
    frameworks: spec.frameworks ?? [],
    references: spec.references ?? [],
    target: providers[0] ?? 'terraform',
    providers,
    check: (input: CloudInput) => check(input.resource, input.model),
  };
}

/** Runs every rule that applies to each resource's type; a throwing rule is reported through `onError`. */
export function runCloudRules(rules: readonly CloudRule[], model: CloudModel, onError?: (rule: string, e: unknown) => void): ConfigFinding[] {
  const byType = new Map<string, CloudRule[]>();
  for (const r of rules) for (const t of r.resourceTypes) (byType.get(t) ?? byType.set(t, []).get(t)!).push(r);
  const out: ConfigFinding[] = [];
  for (const resource of model.resources) {
    const applicable = byType.get(resource.type);
    if (!applicable) continue;
    out.push(
      ...runRules(applicable, { resource, model }, { file: resource.file, resource: resource.label, range: resource.range, rangeOf: resource.rangeOf }, onError),
    );
  }
  return out;
}

/** Registry check: ids unique, every rule names at least one resource type. */
export function registryOf(rules: readonly CloudRule[]): readonly CloudRule[] {
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.id)) throw new Error(`duplicate rule id ${r.id}`);
    if (r.resourceTypes.length === 0) throw new Error(`rule ${r.id} names no resource type`);
    seen.add(r.id);
  }
  return rules;
}
