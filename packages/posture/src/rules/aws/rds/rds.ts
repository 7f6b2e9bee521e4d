import { attr, isSet, isTrue, listOf } from '../../../terraform/cloud-model.js';
import type { CloudResource, CloudValue } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import { attrRule, trivy } from '../helpers.js';

const INSTANCE = { tf: 'aws_db_instance', cfn: 'AWS::RDS::DBInstance' };
const CLUSTER = { tf: 'aws_rds_cluster', cfn: 'AWS::RDS::DBCluster' };
const isReplica = (r: CloudResource): boolean => isSet(attr(r, 'replicate_source_db')) || isSet(attr(r, 'SourceDBInstanceIdentifier'));

export const backupRetention = attrRule({
  id: 'BLW-AWS-070',
  title: 'RDS backup retention period is too short',
  severity: 'medium',
  description: 'A retention of 0 or 1 day leaves little or no point-in-time recovery window.',
  remediation: 'Set backup_retention_period to 2 or more days (CloudFormation: BackupRetentionPeriod).',
  aliases: [...trivy('0077'), 'CKV_AWS_133'],
  paths: { [INSTANCE.tf]: 'backup_retention_period', [CLUSTER.tf]: 'backup_retention_period', [INSTANCE.cfn]: 'BackupRetentionPeriod', [CLUSTER.cfn]: 'BackupRetentionPeriod' },
  ok: (v) => (typeof v === 'number' || typeof v === 'string') && Number(v) > 1,
  skip: isReplica,
});

const insightsOn = (r: CloudResource): boolean => isTrue(attr(r, 'performance_insights_enabled') ?? attr(r, 'EnablePerformanceInsights'));

export const insightsCmk = attrRule({
  id: 'BLW-AWS-071',
  title: 'Performance Insights data is not encrypted with a customer managed key',
  severity: 'low',
  description: 'Performance Insights stores query text; without a CMK its encryption cannot be controlled.',
  remediation: 'Set performance_insights_kms_key_id (CloudFormation: PerformanceInsightsKMSKeyId).',
  aliases: [...trivy('0078'), 'CKV_AWS_354'],
  paths: {
    [INSTANCE.tf]: 'performance_insights_kms_key_id',
    [CLUSTER.tf]: 'performance_insights_kms_key_id',
    aws_rds_cluster_instance: 'performance_insights_kms_key_id',
    [INSTANCE.cfn]: 'PerformanceInsightsKMSKeyId',
    [CLUSTER.cfn]: 'PerformanceInsightsKmsKeyId',
  },
  ok: (v) => isSet(v),
  skip: (r) => !insightsOn(r),
});

export const clusterEncryption = attrRule({
  id: 'BLW-AWS-072',
  title: 'RDS cluster storage is not encrypted',
  severity: 'high',
  description: 'Unencrypted cluster storage exposes data through snapshots and underlying storage.',
  remediation: 'Set storage_encrypted = true (CloudFormation: StorageEncrypted: true).',
  aliases: trivy('0079'),
  frameworks: [{ framework: 'cis-aws-3.0', control: '2.3.1' }],
  paths: { [CLUSTER.tf]: 'storage_encrypted', [CLUSTER.cfn]: 'StorageEncrypted' },
  ok: (v, r) => isTrue(v) || isSet(attr(r, 'kms_key_id')) || isSet(attr(r, 'KmsKeyId')),
});

export const instanceEncryption = attrRule({
  id: 'BLW-AWS-073',
  title: 'RDS instance storage is not encrypted',
  severity: 'high',
  description: 'Unencrypted instance storage exposes data through snapshots and underlying storage.',
  remediation: 'Set storage_encrypted = true (CloudFormation: StorageEncrypted: true).',
  aliases: [...trivy('0080'), 'CKV_AWS_16'],
  frameworks: [{ framework: 'cis-aws-3.0', control: '2.3.1' }],
  paths: { [INSTANCE.tf]: 'storage_encrypted', [INSTANCE.cfn]: 'StorageEncrypted' },
  ok: (v, r) => isTrue(v) || isSet(attr(r, 'kms_key_id')) || isSet(attr(r, 'KmsKeyId')),
  skip: (r) => isReplica(r) || isSet(attr(r, 'DBClusterIdentifier')),
});

export const performanceInsights = attrRule({
  id: 'BLW-AWS-074',
  title: 'RDS Performance Insights is disabled',
  severity: 'low',
  description: 'Performance Insights helps detect load problems and suspicious query activity.',
  remediation: 'Set performance_insights_enabled = true (CloudFormation: EnablePerformanceInsights: true).',
  aliases: trivy('0133'),
  paths: { [INSTANCE.tf]: 'performance_insights_enabled', [CLUSTER.tf]: 'performance_insights_enabled', [INSTANCE.cfn]: 'EnablePerformanceInsights', [CLUSTER.cfn]: 'PerformanceInsightsEnabled' },
  ok: isTrue,
});

export const publicAccess = defineCloudRule({
  id: 'BLW-AWS-075',
  title: 'RDS instance is publicly accessible',
  severity: 'critical',
  description: 'A publicly accessible database gets a public DNS name and can be reached from the internet.',
  remediation: 'Set publicly_accessible = false (CloudFormation: PubliclyAccessible: false).',
  aliases: [...trivy('0180', 'AVD-AWS-0082', 'AWS-0082'), 'CKV_AWS_17'],
  frameworks: [{ framework: 'cis-aws-3.0', control: '2.3.3' }, { framework: 'pci-dss-4.0', control: '1.4.1' }],
  resourceTypes: [INSTANCE.tf, INSTANCE.cfn, 'aws_rds_cluster_instance'],
  check: (r) => {
    const p = r.provider === 'terraform' ? 'publicly_accessible' : 'PubliclyAccessible';
    return isTrue(attr(r, p)) ? [{ message: 'Database is publicly accessible.', path: [p] }] : [];
  },
});

const IAM_AUTH_ENGINES = /^(mysql|postgres|aurora|aurora-mysql|aurora-postgresql|mariadb)$/;
const engineOf = (r: CloudResource): CloudValue | undefined => attr(r, 'engine') ?? attr(r, 'Engine');

export const instanceIamAuth = attrRule({
  id: 'BLW-AWS-076',
  title: 'RDS instance does not use IAM authentication',
  severity: 'medium',
  description: 'IAM database authentication replaces long-lived database passwords with short-lived tokens.',
  remediation: 'Set iam_database_authentication_enabled = true (CloudFormation: EnableIAMDatabaseAuthentication: true).',
  aliases: [...trivy('0176'), 'CKV_AWS_161'],
  paths: { [INSTANCE.tf]: 'iam_database_authentication_enabled', [INSTANCE.cfn]: 'EnableIAMDatabaseAuthentication' },
  ok: isTrue,
  skip: (r) => {
    const e = engineOf(r);
    return typeof e !== 'string' || !IAM_AUTH_ENGINES.test(e);
  },
});

export const clusterIamAuth = attrRule({
  id: 'BLW-AWS-077',
  title: 'RDS cluster does not use IAM authentication',
  severity: 'medium',
  description: 'IAM database authentication replaces long-lived database passwords with short-lived tokens.',
  remediation: 'Set iam_database_authentication_enabled = true (CloudFormation: EnableIAMDatabaseAuthentication: true).',
  aliases: ['CKV_AWS_162'],
  paths: { [CLUSTER.tf]: 'iam_database_authentication_enabled', [CLUSTER.cfn]: 'EnableIAMDatabaseAuthentication' },
  ok: isTrue,
});

export const clusterLogging = attrRule({
  id: 'BLW-AWS-078',
  title: 'RDS cluster does not export logs to CloudWatch',
  severity: 'medium',
  description: 'Without log exports, database audit and error logs are not retained outside the cluster.',
  remediation: 'Set enabled_cloudwatch_logs_exports (CloudFormation: EnableCloudwatchLogsExports).',
  aliases: ['CKV_AWS_324'],
  paths: { [CLUSTER.tf]: 'enabled_cloudwatch_logs_exports', [CLUSTER.cfn]: 'EnableCloudwatchLogsExports' },
  ok: (v) => listOf(v).length > 0,
});

export const clusterCmk = attrRule({
  id: 'BLW-AWS-079',
  title: 'RDS cluster is not encrypted with a customer managed key',
  severity: 'medium',
  description: 'Without a CMK, the key policy, rotation and revocation of the cluster key cannot be controlled.',
  remediation: 'Set kms_key_id (CloudFormation: KmsKeyId).',
  aliases: ['CKV_AWS_327'],
  paths: { [CLUSTER.tf]: 'kms_key_id', [CLUSTER.cfn]: 'KmsKeyId' },
  ok: isSet,
});

export const docdbLogging = attrRule({
  id: 'BLW-AWS-080',
  title: 'DocumentDB cluster does not export audit or profiler logs',
  severity: 'medium',
  description: 'Without log exports, DocumentDB audit and profiler logs are lost.',
  remediation: 'Set enabled_cloudwatch_logs_exports to ["audit", "profiler"] (CloudFormation: EnableCloudwatchLogsExports).',
  aliases: [...trivy('0020'), 'CKV_AWS_85'],
  paths: { aws_docdb_cluster: 'enabled_cloudwatch_logs_exports', 'AWS::DocDB::DBCluster': 'EnableCloudwatchLogsExports' },
  ok: (v) => listOf(v).some((x) => x === 'audit' || x === 'profiler'),
});


export const activityStreamCmk = attrRule({
  id: 'BLW-AWS-188',
  title: 'RDS cluster activity stream is not encrypted with a customer managed key',
  severity: 'medium',
  description: 'Database activity streams carry every audited statement; they should be encrypted with a KMS key you control.',
  remediation: 'Set kms_key_id on aws_rds_cluster_activity_stream to a customer managed key.',
  references: ['https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/DBActivityStreams.Overview.html'],
  aliases: ['CKV_AWS_246'],
  frameworks: [{ framework: 'pci-dss-4.0', control: '3.5.1' }],
  paths: { aws_rds_cluster_activity_stream: 'kms_key_id' },
  ok: isSet,
});
