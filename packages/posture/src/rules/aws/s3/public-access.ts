import { attr, isTrue, listOf, lookup } from '../../../terraform/cloud-model.js';
import type { CloudModel, CloudResource } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import type { Violation } from '../../types.js';
import { linked, trivy } from '../helpers.js';

const BUCKETS = ['aws_s3_bucket', 'AWS::S3::Bucket'];
const CIS_PUBLIC = [{ framework: 'cis-aws-3.0', control: '2.1.4' }];

/** The public access block that applies to a bucket: inline (CloudFormation) or a linked Terraform resource. */
function accessBlock(bucket: CloudResource, model: CloudModel): { r: CloudResource; base: string } | undefined {
  if (bucket.provider === 'cloudformation') {
    return lookup(bucket.attributes, 'PublicAccessBlockConfiguration').value === undefined ? undefined : { r: bucket, base: 'PublicAccessBlockConfiguration.' };
  }
  const pab = linked(model, bucket, ['aws_s3_bucket_public_access_block'], 'bucket')[0];
  return pab ? { r: pab, base: '' } : undefined;
}

function blockSetting(id: string, n: string, tf: string, cfn: string, title: string, extra: string[] = []) {
  return defineCloudRule({
    id,
    title,
    severity: 'high',
    description: `The bucket's public access block does not set ${tf}, so ${title.toLowerCase().replace(/^s3 access block should /, '')} is not enforced.`,
    remediation: `Set ${tf} = true in aws_s3_bucket_public_access_block (CloudFormation: PublicAccessBlockConfiguration.${cfn}: true).`,
    references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html'],
    aliases: [...trivy(n), ...extra],
    frameworks: CIS_PUBLIC,
    resourceTypes: BUCKETS,
    check: (bucket, model): Violation[] => {
      const pab = accessBlock(bucket, model);
      if (!pab) return [{ message: `No public access block for ${bucket.label}, so ${tf} is not set.` }];
      const path = pab.base + (bucket.provider === 'terraform' ? tf : cfn);
      if (isTrue(attr(pab.r, path))) return [];
      const v: Violation = { message: `Public access block does not set ${tf} = true.`, path: path.split('.') };
      return pab.r === bucket ? [v] : [{ ...v, resource: pab.r.label, path: [tf] }];
    },
  });
}

export const blockPublicAcls = blockSetting('BLW-AWS-001', '0086', 'block_public_acls', 'BlockPublicAcls', 'S3 access block should block public ACLs', ['CKV_AWS_53']);
export const blockPublicPolicy = blockSetting('BLW-AWS-002', '0087', 'block_public_policy', 'BlockPublicPolicy', 'S3 access block should block public policy', ['CKV_AWS_54']);
export const ignorePublicAcls = blockSetting('BLW-AWS-003', '0091', 'ignore_public_acls', 'IgnorePublicAcls', 'S3 access block should ignore public ACLs', ['CKV_AWS_55']);
export const restrictPublicBuckets = blockSetting('BLW-AWS-004', '0093', 'restrict_public_buckets', 'RestrictPublicBuckets', 'S3 access block should restrict public buckets', ['CKV_AWS_56']);

export const specifyPublicAccessBlock = defineCloudRule({
  id: 'BLW-AWS-005',
  title: 'S3 bucket has no public access block',
  severity: 'low',
  description: 'Without a bucket-level public access block, a later ACL or policy change can make the bucket public.',
  remediation: 'Add an aws_s3_bucket_public_access_block for the bucket (CloudFormation: PublicAccessBlockConfiguration).',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html'],
  aliases: trivy('0094'),
  frameworks: CIS_PUBLIC,
  resourceTypes: BUCKETS,
  check: (bucket, model) => (accessBlock(bucket, model) ? [] : [{ message: `${bucket.label} has no public access block.` }]),
});

const PUBLIC_ACLS = ['public-read', 'public-read-write', 'website', 'authenticated-read', 'PublicRead', 'PublicReadWrite', 'AuthenticatedRead'];

/** The canned ACL of a bucket: inline `acl`/AccessControl or a linked aws_s3_bucket_acl. */
export function cannedAcl(bucket: CloudResource, model: CloudModel): { r: CloudResource; path: string; value: string } | undefined {
  const own = bucket.provider === 'terraform' ? 'acl' : 'AccessControl';
  const v = attr(bucket, own);
  if (typeof v === 'string') return { r: bucket, path: own, value: v };
  if (bucket.provider !== 'terraform') return undefined;
  for (const acl of linked(model, bucket, ['aws_s3_bucket_acl'], 'bucket')) {
    const a = attr(acl, 'acl');
    if (typeof a === 'string') return { r: acl, path: 'acl', value: a };
  }
  return undefined;
}

export const noPublicAcl = defineCloudRule({
  id: 'BLW-AWS-006',
  title: 'S3 bucket has a public canned ACL',
  severity: 'high',
  description: 'A public-read, public-read-write, authenticated-read or website ACL lets anyone (or any AWS user) read or write objects.',
  remediation: 'Use the private ACL (or none, with BucketOwnerEnforced object ownership) and serve public content through CloudFront.',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl'],
  aliases: [...trivy('0092'), 'CKV_AWS_20', 'CKV_AWS_57'],
  frameworks: [{ framework: 'pci-dss-4.0', control: '1.4.1' }],
  resourceTypes: BUCKETS,
  check: (bucket, model) => {
    const acl = cannedAcl(bucket, model);
    if (!acl || !PUBLIC_ACLS.includes(acl.value)) return [];
    return [{ message: `Bucket ACL is ${acl.value}.`, path: [acl.path], ...(acl.r !== bucket ? { resource: acl.r.label } : {}) }];
  },
});

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

export const globalViewAcl = defineCloudRule({
  id: 'BLW-AWS-007',
  title: 'S3 bucket ACL grants everyone READ_ACP or FULL_CONTROL',
  severity: 'high',
  description: 'A grant to the AllUsers group with READ_ACP or FULL_CONTROL exposes the bucket ACL (or the bucket) to the world.',
  remediation: 'Remove AllUsers grants from access_control_policy.',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html'],
  aliases: ['CKV_AWS_375'],
  resourceTypes: ['aws_s3_bucket_acl'],
  check: (r) => {
    const grants = listOf(attr(r, 'access_control_policy.grant'));
    for (const g of grants) {
      const gr = listOf((g as Record<string, unknown>)?.grantee as never)[0] as Record<string, unknown> | undefined;
      const perm = (g as Record<string, unknown>)?.permission;
      if (gr?.uri === ALL_USERS && (perm === 'READ_ACP' || perm === 'FULL_CONTROL')) return [{ message: `AllUsers granted ${String(perm)}.`, path: ['access_control_policy'] }];
    }
    return [];
  },
});
