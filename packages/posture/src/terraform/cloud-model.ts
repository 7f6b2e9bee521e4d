import type { SourceRange } from '@bulwark/core';
import type { DocPath } from '../rules/types.js';

/**
 * A value the scanner cannot know statically (resource attributes computed at apply time, dynamic blocks, function
 * results). `ref` keeps the reference text ("aws_s3_bucket.logs.id") so rules can link resources.
 */
export class Unknown {
  constructor(readonly ref?: string) {}
}

export type CloudValue = string | number | boolean | null | Unknown | CloudValue[] | { [k: string]: CloudValue };

export type CloudProvider = 'terraform' | 'cloudformation';

/**
 * One resource of a Terraform module tree or a CloudFormation template. Terraform nested blocks are arrays of objects
 * under the block name (as `terraform show -json` prints them); CloudFormation `Properties` are the attributes.
 */
export interface CloudResource {
  provider: CloudProvider;
  /** "aws_s3_bucket", "alicloud_oss_bucket", "AWS::S3::Bucket"; Terraform data sources are "data.aws_ami". */
  type: string;
  /** Terraform name or CloudFormation logical id. */
  name: string;
  /** "aws_s3_bucket.logs", "module.web.aws_s3_bucket.logs", "AWS::S3::Bucket.Logs". */
  label: string;
  file: string;
  range: SourceRange;
  attributes: { [k: string]: CloudValue };
  /** Lines of an attribute path; undefined when the attribute is absent. */
  rangeOf(path: DocPath): SourceRange | undefined;
}

export interface CloudModel {
  resources: CloudResource[];
}

export function isUnknown(v: unknown): v is Unknown {
  return v instanceof Unknown;
}

export function isObject(v: unknown): v is { [k: string]: CloudValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);
}

/**
 * Reads an attribute by dotted path. A string segment that meets an array of blocks descends into the first block, so
 * "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default" reads Terraform blocks and
 * CloudFormation maps alike. Returns the value and the DocPath actually walked (for line mapping).
 */
export function lookup(root: CloudValue, dotted: string): { value: CloudValue | undefined; path: (string | number)[] } {
  let cur: CloudValue | undefined = root;
  const path: (string | number)[] = [];
  for (const seg of dotted.split('.')) {
    if (Array.isArray(cur) && !/^[0-9]+$/.test(seg)) {
      if (cur.length === 0) return { value: undefined, path };
      cur = cur[0];
      path.push(0);
    }
    if (Array.isArray(cur) && /^[0-9]+$/.test(seg)) {
      cur = cur[Number(seg)];
      path.push(Number(seg));
    } else if (isObject(cur)) {
      cur = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
      path.push(seg);
    } else return { value: isUnknown(cur) ? cur : undefined, path };
    if (cur === undefined) return { value: undefined, path };
  }
  return { value: cur, path };
}

export function attr(r: CloudResource, dotted: string): CloudValue | undefined {
  return lookup(r.attributes, dotted).value;
}

/** Every block of a repeated nested block (Terraform `ingress {}` ×n) or list property (CloudFormation `Ingress: [...]`). */
export function blocks(r: CloudResource, dotted: string): { value: { [k: string]: CloudValue }; path: (string | number)[] }[] {
  const { value, path } = lookup(r.attributes, dotted);
  if (Array.isArray(value)) return value.flatMap((v, i) => (isObject(v) ? [{ value: v, path: [...path, i] }] : []));
  if (isObject(value)) return [{ value, path }];
  return [];
}

/** true / "true" / "True" (CloudFormation and HCL both coerce strings). Unknown is not true. */
export function isTrue(v: CloudValue | undefined): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/** Explicitly false; absent and unknown are not false. */
export function isFalse(v: CloudValue | undefined): boolean {
  return v === false || (typeof v === 'string' && v.toLowerCase() === 'false');
}

/** Present and not an empty string (an unknown reference counts as set). */
export function isSet(v: CloudValue | undefined): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

export function asString(v: CloudValue | undefined): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

export function asNumber(v: CloudValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(v)) return Number(v);
  return undefined;
}

/** Values of a list attribute (a scalar counts as a one-element list). */
export function listOf(v: CloudValue | undefined): CloudValue[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/**
 * True when `v` points at resource `target`: a Terraform reference ("aws_s3_bucket.b.id", "aws_s3_bucket.b.bucket"),
 * a CloudFormation !Ref/!GetAtt (kept as Unknown with ref "Ref:Logical" / "GetAtt:Logical.Arn"), or a literal equal to
 * the target's name attribute (`bucket = "mybucket"`).
 */
export function refersTo(v: CloudValue | undefined, target: CloudResource, nameAttrs: readonly string[] = []): boolean {
  if (v instanceof Unknown && v.ref) {
    if (target.provider === 'cloudformation') return v.ref === `Ref:${target.name}` || v.ref.startsWith(`GetAtt:${target.name}.`);
    const base = target.label;
    return v.ref === base || v.ref.startsWith(base + '.') || v.ref.startsWith(base + '[');
  }
  if (typeof v === 'string') return nameAttrs.some((a) => attr(target, a) === v);
  return false;
}

/** Resources of a type (or types) in the model. */
export function resourcesOf(model: CloudModel, ...types: string[]): CloudResource[] {
  return model.resources.filter((r) => types.includes(r.type));
}
