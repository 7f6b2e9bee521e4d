import { attr, isSet, isTrue, isUnknown } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import { at } from '../helpers.js';

export const classicSecurityGroup = defineCloudRule({
  id: 'BLW-AWS-182',
  title: 'ElastiCache (EC2-Classic) security group is used',
  severity: 'low',
  description: 'ElastiCache security groups only apply to clusters outside a VPC (EC2-Classic, retired); clusters should run in a VPC and use VPC security groups.',
  remediation: 'Remove the ElastiCache security group, launch the cluster in a VPC subnet group and attach VPC security groups.',
  references: ['https://docs.aws.amazon.com/AmazonElastiCache/latest/red-ug/VPCs.html'],
  aliases: ['CKV_AWS_196'],
  resourceTypes: ['aws_elasticache_security_group', 'AWS::ElastiCache::SecurityGroup'],
  check: (r) => [{ message: `${r.label} is an EC2-Classic ElastiCache security group.` }],
});

export const transitAuth = defineCloudRule({
  id: 'BLW-AWS-183',
  title: 'ElastiCache replication group lacks TLS plus authentication',
  severity: 'high',
  description: 'A Redis replication group should encrypt connections in transit and require authentication (an AUTH token or RBAC user groups); otherwise anyone who reaches the port can read and write the cache.',
  remediation: 'Set transit_encryption_enabled = true and auth_token or user_group_ids (CloudFormation: TransitEncryptionEnabled: true and AuthToken or UserGroupIds).',
  references: ['https://docs.aws.amazon.com/AmazonElastiCache/latest/red-ug/auth.html'],
  aliases: ['CKV_AWS_31'],
  resourceTypes: ['aws_elasticache_replication_group', 'AWS::ElastiCache::ReplicationGroup'],
  check: (r) => {
    const tf = r.provider === 'terraform';
    const transitPath = tf ? 'transit_encryption_enabled' : 'TransitEncryptionEnabled';
    const transit = attr(r, transitPath);
    if (isUnknown(transit)) return [];
    if (!isTrue(transit)) return [at(r, transitPath, 'Transit encryption is not enabled.')];
    const auth = isSet(attr(r, tf ? 'auth_token' : 'AuthToken')) || isSet(attr(r, tf ? 'user_group_ids' : 'UserGroupIds'));
    return auth ? [] : [at(r, transitPath, 'TLS is on but no AUTH token or user group is required.')];
  },
});
