import { attr, blocks, isFalse, isSet, refersTo, resourcesOf } from '../../../terraform/cloud-model.js';
import type { CloudModel, CloudResource } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';

const BUCKET = ['alicloud_oss_bucket'];
const MLPS = [{ framework: 'mlps-2.0', control: '8.1.4.2' }];

/** The bucket ACL: inline `acl` (provider < 1.220) or an alicloud_oss_bucket_acl resource. */
function aclOf(b: CloudResource, model: CloudModel): { value: unknown; r: CloudResource } | undefined {
  const own = attr(b, 'acl');
  if (typeof own === 'string') return { value: own, r: b };
  const res = resourcesOf(model, 'alicloud_oss_bucket_acl').find((a) => refersTo(attr(a, 'bucket'), b, ['bucket']));
  return res ? { value: attr(res, 'acl'), r: res } : undefined;
}

export const ossPublicAcl = defineCloudRule({
  id: 'BLW-ALI-001',
  title: 'OSS bucket is readable or writable by the public',
  severity: 'high',
  description: 'A public-read or public-read-write ACL lets anyone on the internet list, read or overwrite objects.',
  remediation: 'Set acl = "private" (alicloud_oss_bucket_acl) and share objects through signed URLs or CDN origins.',
  references: ['https://www.alibabacloud.com/help/en/oss/user-guide/bucket-acls'],
  aliases: ['CKV_ALI_1'],
  frameworks: MLPS,
  resourceTypes: BUCKET,
  check: (b, model) => {
    const acl = aclOf(b, model);
    if (acl?.value !== 'public-read' && acl?.value !== 'public-read-write') return [];
    return [{ message: `Bucket ACL is ${String(acl.value)}.`, path: ['acl'], ...(acl.r !== b ? { resource: acl.r.label } : {}) }];
  },
});

export const ossEncryption = defineCloudRule({
  id: 'BLW-ALI-002',
  title: 'OSS bucket has no server-side encryption',
  severity: 'medium',
  description: 'Objects are stored without server-side encryption by default.',
  remediation: 'Add server_side_encryption_rule { sse_algorithm = "KMS" } (or an alicloud_oss_bucket_server_side_encryption resource).',
  references: ['https://www.alibabacloud.com/help/en/oss/user-guide/server-side-encryption-8'],
  aliases: [],
  frameworks: [{ framework: 'mlps-2.0', control: '8.1.4.8' }],
  resourceTypes: BUCKET,
  check: (b, model) => {
    if (blocks(b, 'server_side_encryption_rule').length > 0) return [];
    if (resourcesOf(model, 'alicloud_oss_bucket_server_side_encryption').some((x) => refersTo(attr(x, 'bucket'), b, ['bucket']))) return [];
    return [{ message: `${b.label} has no server-side encryption.` }];
  },
});

export const ossLogging = defineCloudRule({
  id: 'BLW-ALI-003',
  title: 'OSS bucket access logging is disabled',
  severity: 'medium',
  description: 'Without access logs, requests to the bucket cannot be audited.',
  remediation: 'Add a logging { target_bucket = ... } block (or alicloud_oss_bucket_logging).',
  references: ['https://www.alibabacloud.com/help/en/oss/user-guide/logging'],
  aliases: [],
  frameworks: [{ framework: 'mlps-2.0', control: '8.1.4.3' }],
  resourceTypes: BUCKET,
  check: (b, model) => {
    if (blocks(b, 'logging').length > 0 && !isFalse(attr(b, 'logging_isenable'))) return [];
    if (resourcesOf(model, 'alicloud_oss_bucket_logging').some((x) => refersTo(attr(x, 'bucket'), b, ['bucket']))) return [];
    // The bucket that receives other buckets' access logs is not itself logged (it would log its own log writes).
    if (resourcesOf(model, 'alicloud_oss_bucket').some((x) => x !== b && refersTo(attr(x, 'logging.target_bucket'), b, ['bucket']))) return [];
    return [{ message: `${b.label} has no access logging.`, ...(isSet(attr(b, 'logging_isenable')) ? { path: ['logging_isenable'] } : {}) }];
  },
});
