import type { Violation } from '../types.js';
import { defineCloudRule } from '../../terraform/cloud-rule.js';
import { attr, isObject, isUnknown, listOf, lookup, refersTo, resourcesOf } from '../../terraform/cloud-model.js';
import type { CloudModel, CloudResource, CloudValue } from '../../terraform/cloud-model.js';

/** A violation at an attribute path (dotted, Terraform or CloudFormation spelling). */
export function at(r: CloudResource, dotted: string, message: string): Violation {
  const { path } = lookup(r.attributes, dotted);
  const parts = dotted.split('.');
  return { message, path: path.length >= parts.length ? path : [...path, ...parts.slice(path.filter((p) => typeof p === 'string').length)] };
}

/** The attribute path for this resource's provider. */
export function pick(r: CloudResource, tf: string, cfn: string): string {
  return r.provider === 'terraform' ? tf : cfn;
}

/** Resources of `types` whose `linkAttr` points at `target` (aws_s3_bucket_logging.bucket → aws_s3_bucket.x). */
export function linked(model: CloudModel, target: CloudResource, types: string[], linkAttr: string, nameAttrs: readonly string[] = ['bucket']): CloudResource[] {
  return resourcesOf(model, ...types).filter((x) => refersTo(attr(x, linkAttr), target, nameAttrs));
}

/** Parses an IAM policy given as a JSON string (heredoc, jsonencode) or an object (CloudFormation PolicyDocument). */
export function policyOf(v: CloudValue | undefined): { [k: string]: CloudValue } | undefined {
  if (isObject(v)) return v;
  if (typeof v !== 'string') return undefined;
  try {
    const doc = JSON.parse(v) as unknown;
    return isObject(doc as CloudValue) ? (doc as { [k: string]: CloudValue }) : undefined;
  } catch {
    return undefined;
  }
}

export interface Statement {
  effect: string;
  actions: string[];
  notActions: string[];
  resources: string[];
  principals: CloudValue | undefined;
  condition: CloudValue | undefined;
}

/** Statements of a policy document, normalised: Effect, Action/NotAction, Resource, Principal (JSON or CFN). */
export function statementsOf(doc: { [k: string]: CloudValue } | undefined): Statement[] {
  if (!doc) return [];
  const raw = doc.Statement ?? doc.statement;
  return listOf(raw).flatMap((s) => {
    if (!isObject(s)) return [];
    const strs = (v: CloudValue | undefined): string[] => listOf(v).map((x) => (typeof x === 'string' ? x : isUnknown(x) ? '${unknown}' : JSON.stringify(x)));
    return [
      {
        effect: typeof s.Effect === 'string' ? s.Effect : 'Allow',
        actions: strs(s.Action),
        notActions: strs(s.NotAction),
        resources: strs(s.Resource),
        principals: s.Principal,
        condition: s.Condition,
      },
    ];
  });
}

/**
 * Statements of an `aws_iam_policy_document` data source referenced by `v` (`data.aws_iam_policy_document.x.json`),
 * so Terraform policies written with the data source read like JSON ones.
 */
export function policyDocumentStatements(model: CloudModel, v: CloudValue | undefined): Statement[] | undefined {
  if (!isUnknown(v) || !v.ref?.startsWith('data.aws_iam_policy_document.')) return undefined;
  const name = v.ref.split('.')[2];
  const ds = model.resources.find((r) => r.type === 'data.aws_iam_policy_document' && r.name === name);
  if (!ds) return undefined;
  return listOf(ds.attributes.statement).flatMap((s) => {
    if (!isObject(s)) return [];
    const strs = (x: CloudValue | undefined): string[] => listOf(x).map((y) => (typeof y === 'string' ? y : '${unknown}'));
    const principals: { [k: string]: CloudValue } = {};
    for (const p of listOf(s.principals)) if (isObject(p) && typeof p.type === 'string') principals[p.type] = p.identifiers ?? [];
    return [
      {
        effect: typeof s.effect === 'string' ? s.effect : 'Allow',
        actions: strs(s.actions),
        notActions: strs(s.not_actions),
        resources: strs(s.resources),
        principals: Object.keys(principals).length ? principals : undefined,
        condition: s.condition,
      },
    ];
  });
}

/** Statements of a policy attribute, whichever way it is written. */
export function statementsIn(model: CloudModel, v: CloudValue | undefined): Statement[] {
  return policyDocumentStatements(model, v) ?? statementsOf(policyOf(v));
}

/** True when a Principal is everyone: "*", {"AWS": "*"}, {"AWS": ["*"]}. */
export function isPublicPrincipal(p: CloudValue | undefined): boolean {
  if (p === '*') return true;
  if (isObject(p)) return Object.values(p).some((v) => listOf(v).includes('*'));
  return false;
}

/** Looks for a key anywhere in the value (CloudFormation and plan JSON keep some settings under varying parents). */
export function hasKeyDeep(v: CloudValue | undefined, key: string, depth = 0): boolean {
  if (depth > 16 || v === undefined) return false;
  if (Array.isArray(v)) return v.some((x) => hasKeyDeep(x, key, depth + 1));
  if (isObject(v)) return Object.entries(v).some(([k, x]) => k === key || hasKeyDeep(x, key, depth + 1));
  return false;
}

/** Trivy's two spellings of one AWS check id ("AWS-0086" → ["AVD-AWS-0086", "AWS-0086"]) plus extras. */
export function trivy(n: string, ...extra: string[]): string[] {
  return [`AVD-AWS-${n}`, `AWS-${n}`, ...extra];
}

export interface AttrRuleSpec {
  id: string;
  title: string;
  severity: 'critical' | 'high' | 'medium' | 'low';
  description: string;
  remediation: string;
  references?: string[];
  aliases: string[];
  frameworks?: { framework: string; control: string }[];
  /** Terraform types → attribute path, CloudFormation types → property path. */
  paths: Record<string, string>;
  /** True when the attribute value is compliant (undefined = absent). */
  ok: (v: CloudValue | undefined, r: CloudResource) => boolean;
  /** Resources the control does not apply to (read replicas, disabled features). */
  skip?: (r: CloudResource) => boolean;
}

/** The common shape "attribute X of resource types T must satisfy P", for Terraform and CloudFormation at once. */
export function attrRule(spec: AttrRuleSpec): ReturnType<typeof defineCloudRule> {
  const { paths, ok, skip, ...meta } = spec;
  return defineCloudRule({
    ...meta,
    resourceTypes: Object.keys(paths),
    check: (r) => {
      const path = paths[r.type]!;
      if (skip?.(r)) return [];
      const v = attr(r, path);
      if (isUnknown(v) || ok(v, r)) return [];
      return [at(r, path, `${r.label}: ${spec.title.charAt(0).toLowerCase()}${spec.title.slice(1)} (${path} = ${v === undefined ? 'unset' : JSON.stringify(v)}).`)];
    },
  });
}
