import { attr, isFalse, isSet, isTrue, refersTo, resourcesOf } from '../../../terraform/cloud-model.js';
import type { CloudModel, CloudResource } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import { attrRule, trivy } from '../helpers.js';
import { cannedAcl } from '../s3/public-access.js';
import { isLogBucket } from '../s3/bucket.js';

const TRAIL = { tf: 'aws_cloudtrail', cfn: 'AWS::CloudTrail::Trail' };

export const multiRegion = attrRule({
  id: 'BLW-AWS-090',
  title: 'CloudTrail is not enabled in all regions',
  severity: 'medium',
  description: 'A single-region trail misses API activity in the other regions.',
  remediation: 'Set is_multi_region_trail = true (CloudFormation: IsMultiRegionTrail: true).',
  aliases: [...trivy('0014'), 'CKV_AWS_67'],
  frameworks: [{ framework: 'cis-aws-3.0', control: '3.1' }],
  paths: { [TRAIL.tf]: 'is_multi_region_trail', [TRAIL.cfn]: 'IsMultiRegionTrail' },
  ok: isTrue,
});

export const trailCmk = attrRule({
  id: 'BLW-AWS-091',
  title: 'CloudTrail logs are not encrypted with a customer managed key',
  severity: 'high',
  description: 'SSE-KMS with a customer managed key adds an access check on who can read the trail logs.',
  remediation: 'Set kms_key_id (CloudFormation: KMSKeyId).',
  aliases: [...trivy('0015'), 'CKV_AWS_35'],
  frameworks: [{ framework: 'cis-aws-3.0', control: '3.5' }],
  paths: { [TRAIL.tf]: 'kms_key_id', [TRAIL.cfn]: 'KMSKeyId' },
  ok: isSet,
});

export const logValidation = attrRule({
  id: 'BLW-AWS-092',
  title: 'CloudTrail log file validation is disabled',
  severity: 'high',
  description: 'Without digest files, tampering with delivered logs cannot be detected.',
  remediation: 'Set enable_log_file_validation = true (CloudFormation: EnableLogFileValidation: true).',
  aliases: [...trivy('0016'), 'CKV_AWS_36'],
  frameworks: [{ framework: 'cis-aws-3.0', control: '3.2' }],
  paths: { [TRAIL.tf]: 'enable_log_file_validation', [TRAIL.cfn]: 'EnableLogFileValidation' },
  ok: isTrue,
});

export const cloudwatchIntegration = attrRule({
  id: 'BLW-AWS-093',
  title: 'CloudTrail is not integrated with CloudWatch Logs',
  severity: 'low',
  description: 'Sending the trail to CloudWatch Logs enables real-time metric filters and alarms.',
  remediation: 'Set cloud_watch_logs_group_arn (CloudFormation: CloudWatchLogsLogGroupArn).',
  aliases: [...trivy('0162'), 'CKV2_AWS_10'],
  frameworks: [{ framework: 'cis-aws-3.0', control: '3.4' }],
  paths: { [TRAIL.tf]: 'cloud_watch_logs_group_arn', [TRAIL.cfn]: 'CloudWatchLogsLogGroupArn' },
  ok: isSet,
});

export const trailLogging = attrRule({
  id: 'BLW-AWS-094',
  title: 'CloudTrail logging is turned off',
  severity: 'high',
  description: 'A trail with logging disabled records nothing.',
  remediation: 'Remove enable_logging = false (CloudFormation: IsLogging: true).',
  aliases: ['CKV_AWS_251'],
  paths: { [TRAIL.tf]: 'enable_logging', [TRAIL.cfn]: 'IsLogging' },
  ok: (v) => !isFalse(v),
});

export const trailSns = attrRule({
  id: 'BLW-AWS-095',
  title: 'CloudTrail does not notify an SNS topic',
  severity: 'low',
  description: 'An SNS topic lets subscribers react to every log file delivery.',
  remediation: 'Set sns_topic_name (CloudFormation: SnsTopicName).',
  aliases: ['CKV_AWS_252'],
  paths: { [TRAIL.tf]: 'sns_topic_name', [TRAIL.cfn]: 'SnsTopicName' },
  ok: isSet,
});

function trailBuckets(trail: CloudResource, model: CloudModel): CloudResource[] {
  const name = attr(trail, trail.provider === 'terraform' ? 's3_bucket_name' : 'S3BucketName');
  return resourcesOf(model, 'aws_s3_bucket', 'AWS::S3::Bucket').filter((b) => refersTo(name, b, ['bucket', 'BucketName']));
}

const PUBLIC = ['public-read', 'public-read-write', 'authenticated-read', 'PublicRead', 'PublicReadWrite', 'AuthenticatedRead'];

export const trailBucketPrivate = defineCloudRule({
  id: 'BLW-AWS-096',
  title: 'The S3 bucket of a CloudTrail is publicly readable',
  severity: 'critical',
  description: 'A public trail bucket exposes the account activity log to everyone.',
  remediation: 'Make the trail bucket private and block public access.',
  aliases: trivy('0161'),
  frameworks: [{ framework: 'cis-aws-3.0', control: '3.3' }],
  resourceTypes: [TRAIL.tf, TRAIL.cfn],
  check: (t, model) =>
    trailBuckets(t, model)
      .filter((b) => PUBLIC.includes(cannedAcl(b, model)?.value ?? ''))
      .map((b) => ({ message: `Trail bucket ${b.label} has a public ACL.`, path: [t.provider === 'terraform' ? 's3_bucket_name' : 'S3BucketName'] })),
});

export const trailBucketLogging = defineCloudRule({
  id: 'BLW-AWS-097',
  title: 'The S3 bucket of a CloudTrail has no access logging',
  severity: 'low',
  description: 'Access logging on the trail bucket records who reads or deletes the trail logs.',
  remediation: 'Enable server access logging on the trail bucket.',
  aliases: trivy('0163'),
  frameworks: [{ framework: 'cis-aws-3.0', control: '3.6' }],
  resourceTypes: [TRAIL.tf, TRAIL.cfn],
  check: (t, model) =>
    trailBuckets(t, model)
      .filter((b) => {
        if (b.provider === 'cloudformation') return !isSet(attr(b, 'LoggingConfiguration'));
        if (isSet(attr(b, 'logging'))) return false;
        return !resourcesOf(model, 'aws_s3_bucket_logging').some((l) => refersTo(attr(l, 'bucket'), b, ['bucket'])) && !isLogBucket(b, model);
      })
      .map((b) => ({ message: `Trail bucket ${b.label} has no access logging.`, path: [t.provider === 'terraform' ? 's3_bucket_name' : 'S3BucketName'] })),
});
