import { attr, blocks, isObject, isSet, listOf, refersTo, resourcesOf } from '../../../terraform/cloud-model.js';
import type { CloudModel, CloudResource, CloudValue } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import { linked, statementsIn, trivy } from '../helpers.js';
import { cannedAcl } from './public-access.js';

const BUCKETS = ['aws_s3_bucket', 'AWS::S3::Bucket'];

/** A bucket that receives server access logs (log-delivery ACL, logging service policy, or another bucket's target). */
export function isLogBucket(bucket: CloudResource, model: CloudModel): boolean {
  const acl = cannedAcl(bucket, model)?.value;
  if (acl === 'log-delivery-write' || acl === 'LogDeliveryWrite') return true;
  for (const b of resourcesOf(model, 'aws_s3_bucket', 'AWS::S3::Bucket')) {
    const target = b.provider === 'terraform' ? attr(b, 'logging.target_bucket') : attr(b, 'LoggingConfiguration.DestinationBucketName');
    if (b !== bucket && refersTo(target, bucket, ['bucket', 'BucketName'])) return true;
  }
  for (const l of resourcesOf(model, 'aws_s3_bucket_logging')) if (refersTo(attr(l, 'target_bucket'), bucket, ['bucket'])) return true;
  for (const p of linked(model, bucket, ['aws_s3_bucket_policy'], 'bucket')) {
    for (const s of statementsIn(model, attr(p, 'policy'))) {
      if (isObject(s.principals) && listOf(s.principals.Service).includes('logging.s3.amazonaws.com')) return true;
    }
  }
  return false;
}

/** The default encryption of a bucket: { algorithm, key } from inline config, a linked resource or BucketEncryption. */
function encryptionOf(bucket: CloudResource, model: CloudModel): { algorithm?: CloudValue; key?: CloudValue; r: CloudResource } | undefined {
  if (bucket.provider === 'cloudformation') {
    const rule = blocks(bucket, 'BucketEncryption.ServerSideEncryptionConfiguration')[0]?.value;
    if (!rule) return undefined;
    const d = rule.ServerSideEncryptionByDefault;
    return isObject(d) ? { algorithm: d.SSEAlgorithm, key: d.KMSMasterKeyID, r: bucket } : { r: bucket };
  }
  const path = 'rule.apply_server_side_encryption_by_default';
  const inline = blocks(bucket, 'server_side_encryption_configuration')[0];
  const source = inline ? bucket : linked(model, bucket, ['aws_s3_bucket_server_side_encryption_configuration'], 'bucket')[0];
  if (!source) return undefined;
  const base = inline ? `server_side_encryption_configuration.${path}` : path;
  return { algorithm: attr(source, `${base}.sse_algorithm`), key: attr(source, `${base}.kms_master_key_id`), r: source };
}

export const bucketEncryption = defineCloudRule({
  id: 'BLW-AWS-010',
  title: 'S3 bucket has no default encryption configured',
  severity: 'high',
  description: 'The bucket does not declare server-side encryption; objects rely on account defaults.',
  remediation: 'Add aws_s3_bucket_server_side_encryption_configuration (CloudFormation: BucketEncryption) with aws:kms or AES256.',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html'],
  aliases: [...trivy('0088'), 'CKV_AWS_19'],
  frameworks: [{ framework: 'pci-dss-4.0', control: '3.5.1' }, { framework: 'mlps-2.0', control: '8.1.4.8' }],
  resourceTypes: BUCKETS,
  check: (b, model) => (encryptionOf(b, model)?.algorithm !== undefined ? [] : [{ message: `${b.label} has no default encryption.` }]),
});

export const bucketCustomerKey = defineCloudRule({
  id: 'BLW-AWS-011',
  title: 'S3 encryption does not use a customer managed KMS key',
  severity: 'high',
  description: 'Encryption with S3-managed keys (AES256) gives no control over key policy, rotation or revocation.',
  remediation: 'Use sse_algorithm = "aws:kms" with kms_master_key_id set to a customer managed key (CloudFormation: KMSMasterKeyID).',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html'],
  aliases: [...trivy('0132'), 'CKV_AWS_145'],
  resourceTypes: BUCKETS,
  check: (b, model) => {
    if (isLogBucket(b, model)) return [];
    const enc = encryptionOf(b, model);
    if (enc && isSet(enc.key)) return [];
    return [{ message: `${b.label} is not encrypted with a customer managed key.`, ...(enc && enc.r !== b ? { resource: enc.r.label } : {}) }];
  },
});

export const bucketLogging = defineCloudRule({
  id: 'BLW-AWS-012',
  title: 'S3 bucket access logging is disabled',
  severity: 'medium',
  description: 'Without server access logs, requests to the bucket cannot be audited.',
  remediation: 'Add aws_s3_bucket_logging (or a logging block; CloudFormation: LoggingConfiguration) pointing at a log bucket.',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html'],
  aliases: [...trivy('0089', 's3-bucket-logging'), 'CKV_AWS_18'],
  frameworks: [{ framework: 'pci-dss-4.0', control: '10.2.1' }],
  resourceTypes: BUCKETS,
  check: (b, model) => {
    if (b.provider === 'cloudformation' ? isSet(attr(b, 'LoggingConfiguration')) : isSet(attr(b, 'logging')) || linked(model, b, ['aws_s3_bucket_logging'], 'bucket').length > 0) return [];
    if (isLogBucket(b, model)) return [];
    return [{ message: `${b.label} has no access logging.` }];
  },
});

function versioning(b: CloudResource, model: CloudModel): { status?: CloudValue; mfa?: CloudValue; r: CloudResource } | undefined {
  if (b.provider === 'cloudformation') return isSet(attr(b, 'VersioningConfiguration')) ? { status: attr(b, 'VersioningConfiguration.Status'), r: b } : undefined;
  const inline = blocks(b, 'versioning')[0]?.value;
  if (inline) return { status: inline.enabled === true || inline.enabled === 'true' ? 'Enabled' : 'Suspended', mfa: inline.mfa_delete === true || inline.mfa_delete === 'true' ? 'Enabled' : 'Disabled', r: b };
  const v = linked(model, b, ['aws_s3_bucket_versioning'], 'bucket')[0];
  return v ? { status: attr(v, 'versioning_configuration.status'), mfa: attr(v, 'versioning_configuration.mfa_delete'), r: v } : undefined;
}

export const bucketVersioning = defineCloudRule({
  id: 'BLW-AWS-013',
  title: 'S3 bucket versioning is disabled',
  severity: 'medium',
  description: 'Without versioning, overwritten or deleted objects cannot be recovered (ransomware, mistakes).',
  remediation: 'Enable versioning (aws_s3_bucket_versioning status = "Enabled"; CloudFormation: VersioningConfiguration.Status: Enabled).',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html'],
  aliases: [...trivy('0090'), 'CKV_AWS_21'],
  resourceTypes: BUCKETS,
  check: (b, model) => (versioning(b, model)?.status === 'Enabled' ? [] : [{ message: `${b.label} does not enable versioning.` }]),
});

export const bucketMfaDelete = defineCloudRule({
  id: 'BLW-AWS-014',
  title: 'S3 bucket does not require MFA delete',
  severity: 'low',
  description: 'MFA delete protects versioned objects from deletion with stolen credentials alone.',
  remediation: 'Set versioning_configuration.mfa_delete = "Enabled" (root account, CLI with MFA).',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html'],
  aliases: trivy('0170'),
  frameworks: [{ framework: 'cis-aws-3.0', control: '2.1.2' }],
  resourceTypes: ['aws_s3_bucket'],
  check: (b, model) => {
    const v = versioning(b, model);
    if (!v || v.mfa === 'Enabled') return [];
    return [{ message: `${b.label} versioning does not enable MFA delete.`, ...(v.r !== b ? { resource: v.r.label } : {}) }];
  },
});

/** Whether some CloudTrail logs object-level events of `bucket` with a read_write_type in `types`. */
function objectLogging(b: CloudResource, model: CloudModel, rw: string[]): boolean {
  const name = attr(b, 'bucket');
  for (const t of resourcesOf(model, 'aws_cloudtrail')) {
    for (const sel of blocks(t, 'event_selector')) {
      const type = sel.value.read_write_type ?? 'All';
      if (typeof type !== 'string' || !rw.includes(type)) continue;
      for (const dr of listOf(sel.value.data_resource)) {
        if (!isObject(dr) || dr.type !== 'AWS::S3::Object') continue;
        for (const v of listOf(dr.values)) {
          if (v === 'arn:aws:s3' || v === 'arn:aws:s3:::') return true;
          if (typeof v === 'string' && typeof name === 'string' && v.startsWith(`arn:aws:s3:::${name}/`)) return true;
        }
      }
    }
  }
  return false;
}

export const objectReadLogging = defineCloudRule({
  id: 'BLW-AWS-015',
  title: 'S3 object-level read events are not logged by CloudTrail',
  severity: 'low',
  description: 'GetObject and other read data events of the bucket are not recorded by any trail.',
  remediation: 'Add an event_selector with read_write_type "All" or "ReadOnly" and a data_resource of type AWS::S3::Object for the bucket.',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-cloudtrail-logging-for-s3.html'],
  aliases: trivy('0172'),
  frameworks: [{ framework: 'cis-aws-3.0', control: '3.9' }],
  resourceTypes: ['aws_s3_bucket'],
  check: (b, model) => (objectLogging(b, model, ['All', 'ReadOnly']) ? [] : [{ message: `No trail logs object reads of ${b.label}.` }]),
});

export const objectWriteLogging = defineCloudRule({
  id: 'BLW-AWS-016',
  title: 'S3 object-level write events are not logged by CloudTrail',
  severity: 'low',
  description: 'PutObject and other write data events of the bucket are not recorded by any trail.',
  remediation: 'Add an event_selector with read_write_type "All" or "WriteOnly" and a data_resource of type AWS::S3::Object for the bucket.',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-cloudtrail-logging-for-s3.html'],
  aliases: trivy('0171'),
  frameworks: [{ framework: 'cis-aws-3.0', control: '3.8' }],
  resourceTypes: ['aws_s3_bucket'],
  check: (b, model) => (objectLogging(b, model, ['All', 'WriteOnly']) ? [] : [{ message: `No trail logs object writes of ${b.label}.` }]),
});

export const abortIncompleteUploads = defineCloudRule({
  id: 'BLW-AWS-017',
  title: 'S3 lifecycle configuration does not abort incomplete multipart uploads',
  severity: 'low',
  description: 'Incomplete multipart uploads are stored (and billed) forever unless a lifecycle rule aborts them.',
  remediation: 'Add abort_incomplete_multipart_upload { days_after_initiation = 7 } to an enabled rule that applies to the whole bucket.',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpu-abort-incomplete-mpu-lifecycle-config.html'],
  aliases: ['CKV_AWS_300'],
  resourceTypes: ['aws_s3_bucket_lifecycle_configuration'],
  check: (r) => {
    const rules = listOf(attr(r, 'rule'));
    if (rules.some((x) => !isObject(x))) return []; // dynamic rules: unknown
    const ok = rules.some((x) => {
      if (!isObject(x) || x.status !== 'Enabled' || !isSet(x.abort_incomplete_multipart_upload)) return false;
      const filter = listOf(x.filter)[0];
      if (filter === undefined) return true;
      return isObject(filter) && !isSet(filter.prefix) && !isSet(filter.and) && !isSet(filter.tag) ? true : isObject(filter) && filter.prefix === '';
    });
    return ok ? [] : [{ message: 'No enabled bucket-wide rule aborts incomplete multipart uploads.', path: ['rule'] }];
  },
});
