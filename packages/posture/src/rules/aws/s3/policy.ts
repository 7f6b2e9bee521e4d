import { attr, blocks, isObject, isTrue, isUnknown, listOf, resourcesOf } from '../../../terraform/cloud-model.js';
import type { CloudModel, CloudResource, CloudValue } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import type { Violation } from '../../types.js';
import { statementsIn } from '../helpers.js';
import type { Statement } from '../helpers.js';

type Obj = { [k: string]: CloudValue };
const POLICY: Record<string, string> = { aws_s3_bucket: 'policy', aws_s3_bucket_policy: 'policy', 'AWS::S3::BucketPolicy': 'PolicyDocument' };

/**
 * Conditions in the JSON shape ({"Bool": {"aws:SecureTransport": "false"}}); `aws_iam_policy_document` condition
 * blocks ({test, variable, values}) are folded into it.
 */
function conditionOf(s: Statement): Obj {
  if (isObject(s.condition)) return s.condition;
  const out: Obj = {};
  for (const c of listOf(s.condition)) {
    if (!isObject(c) || typeof c.test !== 'string' || typeof c.variable !== 'string') continue;
    const op = isObject(out[c.test]) ? (out[c.test] as Obj) : (out[c.test] = {});
    op[c.variable] = c.values ?? [];
  }
  return out;
}

/** Value of a condition key inside an operator block, case-insensitively ("aws:SourceVpce" = "aws:sourcevpce"). */
function conditionKeys(block: CloudValue | undefined): Map<string, CloudValue> {
  const m = new Map<string, CloudValue>();
  if (isObject(block)) for (const [k, v] of Object.entries(block)) m.set(k.toLowerCase(), v);
  return m;
}

/** Condition keys that pin an anonymous statement to a network, organization, account or principal (Checkov's list). */
const NARROWING_KEYS = [
  'aws:sourcevpce',
  'aws:sourcevpc',
  'aws:vpceaccount',
  'aws:principalorgpaths',
  'aws:userid',
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:ec2instancesourcevpc',
  'ec2:sourceinstancearn',
  'lambda:sourcefunctionarn',
  'ssm:sourceinstancearn',
];

/** True when the condition narrows "any principal" to something specific (Checkov CKV_AWS_70 semantics). */
function narrowed(cond: Obj): boolean {
  if ('ArnNotEquals' in cond || 'ArnNotLike' in cond) return true;
  for (const op of ['ArnEquals', 'ArnLike']) {
    if (!(op in cond)) continue;
    const keys = conditionKeys(cond[op]);
    for (const k of ['aws:principalarn', 'aws:sourcearn']) {
      // An ARN pattern for every account ("arn:aws:iam::*") narrows nothing.
      if (listOf(keys.get(k)).some((v) => typeof v === 'string' && /^arn:aws:[a-z0-9-]+::\*/.test(v))) return false;
    }
    return true;
  }
  return ['StringEquals', 'StringEqualsIgnoreCase', 'StringLike'].some((op) => [...conditionKeys(cond[op]).keys()].some((k) => NARROWING_KEYS.includes(k)));
}

/** Principal "*", {"AWS": "*"}, {"AWS": ["*"]} (or an aws_iam_policy_document principals block of type "*"). */
function anyAwsPrincipal(p: CloudValue | undefined): boolean {
  if (p === '*') return true;
  return isObject(p) && (listOf(p.AWS).includes('*') || listOf(p['*']).includes('*'));
}

export const anyPrincipal = defineCloudRule({
  id: 'BLW-AWS-195',
  title: 'S3 bucket policy allows any principal',
  severity: 'critical',
  description:
    'An Allow statement for Principal "*" (or AWS "*") opens the bucket to every AWS account and anonymous callers, unless a condition pins it to a VPC endpoint, organization, account or principal ARN.',
  remediation: 'Name the allowed principals, or add a condition on aws:SourceVpce, aws:PrincipalOrgID, aws:PrincipalAccount or aws:PrincipalArn.',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status'],
  aliases: ['CKV_AWS_70'],
  frameworks: [{ framework: 'pci-dss-4.0', control: '1.4.1' }],
  resourceTypes: Object.keys(POLICY),
  check: (r, model) => {
    const p = POLICY[r.type]!;
    const open = statementsIn(model, attr(r, p)).filter((s) => s.effect === 'Allow' && anyAwsPrincipal(s.principals) && !narrowed(conditionOf(s)));
    return open.length ? [{ message: 'Bucket policy allows any principal without a narrowing condition.', path: [p] }] : [];
  },
});

/** Key linking S3 side resources to a bucket: the bucket reference without its attribute, or the literal bucket name. */
function bucketKey(v: CloudValue | undefined): string | undefined {
  if (isUnknown(v)) {
    const parts = v.ref?.split('.') ?? [];
    return parts.length >= 3 ? parts.slice(0, -1).join('.') : v.ref;
  }
  return typeof v === 'string' ? `name:${v}` : undefined;
}

function sameBucket(model: CloudModel, type: string, key: string): CloudResource[] {
  return resourcesOf(model, type).filter((x) => bucketKey(attr(x, 'bucket')) === key);
}

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

/** True when a statement enforces TLS: Allow only with aws:SecureTransport true, or Deny with it false. */
function enforcesTls(s: Statement): boolean {
  const values = listOf(conditionKeys(conditionOf(s).Bool).get('aws:securetransport')).map((v) => String(v).toLowerCase());
  if (s.effect === 'Allow') return values.includes('true');
  return s.effect === 'Deny' && values.includes('false');
}

export const publicBucketTls = defineCloudRule({
  id: 'BLW-AWS-196',
  title: 'Public S3 bucket does not enforce TLS in its bucket policy',
  severity: 'medium',
  description:
    'A bucket made public through its ACL (and not blocked by the public access block) should only be reachable over HTTPS: its policy should deny aws:SecureTransport = false (or allow only when true). Website buckets are exempt.',
  remediation: 'Add a Deny statement for "s3:*" with Condition Bool aws:SecureTransport = "false" to the bucket policy, or stop making the bucket public.',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit'],
  aliases: ['CKV_AWS_379'],
  frameworks: [{ framework: 'pci-dss-4.0', control: '4.2.1' }],
  resourceTypes: ['aws_s3_bucket_acl'],
  check: (r, model): Violation[] => {
    const key = bucketKey(attr(r, 'bucket'));
    if (!key) return [];
    const pab = sameBucket(model, 'aws_s3_bucket_public_access_block', key)[0];
    const pabFlag = (f: string): boolean | undefined => {
      const v = pab ? attr(pab, f) : false;
      return isUnknown(v) ? undefined : isTrue(v);
    };
    const acl = attr(r, 'acl');
    if (isUnknown(acl)) return [];
    let isPublic = false;
    if (acl === 'public-read' || acl === 'public-read-write') {
      const restrict = pabFlag('restrict_public_buckets');
      const blockAcls = pabFlag('block_public_acls');
      if (restrict === undefined || blockAcls === undefined) return [];
      isPublic = !restrict && !blockAcls;
    }
    if (!isPublic) {
      const grants = blocks(r, 'access_control_policy').flatMap((acp) => listOf(acp.value.grant));
      const allUsers = grants.some((g) => isObject(g) && listOf(g.grantee).some((e) => isObject(e) && e.uri === ALL_USERS));
      if (allUsers) {
        const blockAcls = pabFlag('block_public_acls');
        if (blockAcls === undefined) return [];
        isPublic = !blockAcls;
      }
    }
    if (!isPublic || sameBucket(model, 'aws_s3_bucket_website_configuration', key).length > 0) return [];
    const policy = sameBucket(model, 'aws_s3_bucket_policy', key)[0];
    // Without a bucket policy in the configuration there is nothing to judge (Checkov reports UNKNOWN too).
    if (!policy) return [];
    const doc = attr(policy, 'policy');
    const statements = statementsIn(model, doc);
    if (statements.length === 0) return [];
    return statements.some(enforcesTls) ? [] : [{ message: `Public bucket policy ${policy.label} does not require aws:SecureTransport.`, path: ['acl'] }];
  },
});
