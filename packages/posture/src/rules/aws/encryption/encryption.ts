import { isFalse, isObject, isSet, isTrue, listOf } from '../../../terraform/cloud-model.js';
import type { CloudValue } from '../../../terraform/cloud-model.js';
import { attrRule, trivy } from '../helpers.js';

const enc = (title: string, remediation: string): { severity: 'high'; description: string; remediation: string } => ({
  severity: 'high',
  description: `${title}: data at rest is readable by anyone who gets the storage or its snapshots.`,
  remediation,
});
const truthy = (v: CloudValue | undefined): boolean => isTrue(v);
const present = (v: CloudValue | undefined): boolean => isSet(v);
const PCI = [{ framework: 'pci-dss-4.0', control: '3.5.1' }];

export const kmsRotation = attrRule({
  id: 'BLW-AWS-100',
  title: 'KMS key rotation is disabled',
  severity: 'medium',
  description: 'Symmetric customer managed keys should rotate yearly to limit the data encrypted under one key version.',
  remediation: 'Set enable_key_rotation = true (CloudFormation: EnableKeyRotation: true).',
  aliases: [...trivy('0065'), 'CKV_AWS_7'],
  frameworks: [{ framework: 'cis-aws-3.0', control: '3.6' }],
  paths: { aws_kms_key: 'enable_key_rotation', 'AWS::KMS::Key': 'EnableKeyRotation' },
  ok: truthy,
  skip: (r) => {
    const usage = r.attributes.key_usage ?? r.attributes.KeyUsage;
    const spec = r.attributes.customer_master_key_spec ?? r.attributes.KeySpec;
    return (usage !== undefined && usage !== 'ENCRYPT_DECRYPT') || (typeof spec === 'string' && spec !== 'SYMMETRIC_DEFAULT');
  },
});

export const logGroupCmk = attrRule({
  id: 'BLW-AWS-101',
  title: 'CloudWatch log group is not encrypted with a customer managed key',
  ...enc('Log group without a CMK', 'Set kms_key_id (CloudFormation: KmsKeyId) to a customer managed key.'),
  severity: 'low',
  aliases: [...trivy('0017'), 'CKV_AWS_158'],
  paths: { aws_cloudwatch_log_group: 'kms_key_id', 'AWS::Logs::LogGroup': 'KmsKeyId' },
  ok: present,
});

export const snsEncryption = attrRule({
  id: 'BLW-AWS-102',
  title: 'SNS topic is not encrypted',
  ...enc('Unencrypted SNS topic', 'Set kms_master_key_id (CloudFormation: KmsMasterKeyId).'),
  aliases: [...trivy('0095'), 'CKV_AWS_26'],
  paths: { aws_sns_topic: 'kms_master_key_id', 'AWS::SNS::Topic': 'KmsMasterKeyId' },
  ok: present,
});

export const sqsEncryption = attrRule({
  id: 'BLW-AWS-103',
  title: 'SQS queue is not encrypted',
  ...enc('Unencrypted SQS queue', 'Set kms_master_key_id or sqs_managed_sse_enabled = true (CloudFormation: KmsMasterKeyId or SqsManagedSseEnabled).'),
  aliases: [...trivy('0096'), 'CKV_AWS_27'],
  paths: { aws_sqs_queue: 'kms_master_key_id', 'AWS::SQS::Queue': 'KmsMasterKeyId' },
  ok: (v, r) => isSet(v) || isTrue(r.attributes.sqs_managed_sse_enabled ?? r.attributes.SqsManagedSseEnabled),
});

export const sqsCmk = attrRule({
  id: 'BLW-AWS-104',
  title: 'SQS queue is not encrypted with a customer managed key',
  ...enc('SQS queue without a CMK', 'Set kms_master_key_id to a customer managed key, not alias/aws/sqs.'),
  aliases: trivy('0135'),
  paths: { aws_sqs_queue: 'kms_master_key_id', 'AWS::SQS::Queue': 'KmsMasterKeyId' },
  ok: (v) => isSet(v) && v !== 'alias/aws/sqs',
});

export const ebsVolumeEncryption = attrRule({
  id: 'BLW-AWS-105',
  title: 'EBS volume is not encrypted',
  ...enc('Unencrypted EBS volume', 'Set encrypted = true (CloudFormation: Encrypted: true).'),
  aliases: [...trivy('0026'), 'CKV_AWS_3'],
  frameworks: [{ framework: 'cis-aws-3.0', control: '2.2.1' }, ...PCI],
  paths: { aws_ebs_volume: 'encrypted', 'AWS::EC2::Volume': 'Encrypted' },
  ok: truthy,
});

export const ebsVolumeCmk = attrRule({
  id: 'BLW-AWS-106',
  title: 'EBS volume is not encrypted with a customer managed key',
  ...enc('EBS volume without a CMK', 'Set kms_key_id (CloudFormation: KmsKeyId).'),
  aliases: [...trivy('0027'), 'CKV_AWS_189'],
  paths: { aws_ebs_volume: 'kms_key_id', 'AWS::EC2::Volume': 'KmsKeyId' },
  ok: present,
});

export const ebsDefaultEncryption = attrRule({
  id: 'BLW-AWS-107',
  title: 'EBS encryption by default is disabled',
  ...enc('EBS default encryption off', 'Set enabled = true on aws_ebs_encryption_by_default (or remove the resource).'),
  aliases: ['CKV_AWS_106'],
  paths: { aws_ebs_encryption_by_default: 'enabled' },
  ok: (v) => !isFalse(v),
});

export const dynamodbCmk = attrRule({
  id: 'BLW-AWS-108',
  title: 'DynamoDB table is not encrypted with a customer managed key',
  ...enc('DynamoDB table without a CMK', 'Enable server_side_encryption with kms_key_arn (CloudFormation: SSESpecification with SSEType KMS and KMSMasterKeyId).'),
  aliases: ['CKV_AWS_119'],
  paths: { aws_dynamodb_table: 'server_side_encryption', 'AWS::DynamoDB::Table': 'SSESpecification' },
  ok: (v, r) => {
    const s = listOf(v)[0];
    if (!isObject(s)) return false;
    if (r.provider === 'terraform') return isTrue(s.enabled) && isSet(s.kms_key_arn);
    return isTrue(s.SSEEnabled) && (s.SSEType === 'KMS' || isSet(s.KMSMasterKeyId));
  },
});

export const efsEncryption = attrRule({
  id: 'BLW-AWS-109',
  title: 'EFS file system is not encrypted',
  ...enc('Unencrypted EFS', 'Set encrypted = true (CloudFormation: Encrypted: true).'),
  aliases: [...trivy('0037'), 'CKV_AWS_42'],
  paths: { aws_efs_file_system: 'encrypted', 'AWS::EFS::FileSystem': 'Encrypted' },
  ok: truthy,
});

export const efsCmk = attrRule({
  id: 'BLW-AWS-110',
  title: 'EFS file system is not encrypted with a customer managed key',
  ...enc('EFS without a CMK', 'Set kms_key_id (CloudFormation: KmsKeyId).'),
  aliases: ['CKV_AWS_184'],
  paths: { aws_efs_file_system: 'kms_key_id', 'AWS::EFS::FileSystem': 'KmsKeyId' },
  ok: present,
});

export const kinesisEncryption = attrRule({
  id: 'BLW-AWS-111',
  title: 'Kinesis stream is not encrypted with KMS',
  ...enc('Unencrypted Kinesis stream', 'Set encryption_type = "KMS" with kms_key_id (CloudFormation: StreamEncryption).'),
  aliases: [...trivy('0064'), 'CKV_AWS_43'],
  paths: { aws_kinesis_stream: 'encryption_type', 'AWS::Kinesis::Stream': 'StreamEncryption.EncryptionType' },
  ok: (v) => v === 'KMS',
});

export const searchDomainEncryption = attrRule({
  id: 'BLW-AWS-112',
  title: 'Elasticsearch/OpenSearch domain is not encrypted at rest',
  ...enc('Unencrypted search domain', 'Set encrypt_at_rest { enabled = true } (CloudFormation: EncryptionAtRestOptions.Enabled).'),
  aliases: [...trivy('0048'), 'CKV_AWS_5'],
  paths: {
    aws_elasticsearch_domain: 'encrypt_at_rest.enabled',
    aws_opensearch_domain: 'encrypt_at_rest.enabled',
    'AWS::Elasticsearch::Domain': 'EncryptionAtRestOptions.Enabled',
    'AWS::OpenSearchService::Domain': 'EncryptionAtRestOptions.Enabled',
  },
  ok: truthy,
});

export const redshiftEncryption = attrRule({
  id: 'BLW-AWS-113',
  title: 'Redshift cluster is not encrypted',
  ...enc('Unencrypted Redshift cluster', 'Set encrypted = true (CloudFormation: Encrypted: true).'),
  aliases: ['CKV_AWS_64'],
  paths: { aws_redshift_cluster: 'encrypted', 'AWS::Redshift::Cluster': 'Encrypted' },
  ok: truthy,
});

export const docdbEncryption = attrRule({
  id: 'BLW-AWS-114',
  title: 'DocumentDB cluster storage is not encrypted',
  ...enc('Unencrypted DocumentDB', 'Set storage_encrypted = true (CloudFormation: StorageEncrypted: true).'),
  aliases: [...trivy('0021'), 'CKV_AWS_74'],
  paths: { aws_docdb_cluster: 'storage_encrypted', 'AWS::DocDB::DBCluster': 'StorageEncrypted' },
  ok: truthy,
});

export const docdbCmk = attrRule({
  id: 'BLW-AWS-115',
  title: 'DocumentDB cluster is not encrypted with a customer managed key',
  ...enc('DocumentDB without a CMK', 'Set kms_key_id (CloudFormation: KmsKeyId).'),
  aliases: [...trivy('0022'), 'CKV_AWS_182'],
  paths: { aws_docdb_cluster: 'kms_key_id', 'AWS::DocDB::DBCluster': 'KmsKeyId' },
  ok: present,
});

export const docdbGlobalEncryption = attrRule({
  id: 'BLW-AWS-116',
  title: 'DocumentDB global cluster storage is not encrypted',
  ...enc('Unencrypted DocumentDB global cluster', 'Set storage_encrypted = true.'),
  aliases: ['CKV_AWS_292'],
  paths: { aws_docdb_global_cluster: 'storage_encrypted' },
  ok: truthy,
});

export const neptuneEncryption = attrRule({
  id: 'BLW-AWS-117',
  title: 'Neptune cluster storage is not encrypted',
  ...enc('Unencrypted Neptune cluster', 'Set storage_encrypted = true (CloudFormation: StorageEncrypted: true).'),
  aliases: [...trivy('0076'), 'CKV_AWS_44'],
  paths: { aws_neptune_cluster: 'storage_encrypted', 'AWS::Neptune::DBCluster': 'StorageEncrypted' },
  ok: truthy,
});

export const neptuneSnapshotEncryption = attrRule({
  id: 'BLW-AWS-118',
  title: 'Neptune cluster snapshot is not encrypted',
  ...enc('Unencrypted Neptune snapshot', 'Snapshot an encrypted cluster (storage_encrypted = true).'),
  aliases: ['CKV_AWS_279'],
  paths: { aws_neptune_cluster_snapshot: 'storage_encrypted' },
  ok: truthy,
});

export const secretCmk = attrRule({
  id: 'BLW-AWS-119',
  title: 'Secrets Manager secret is not encrypted with a customer managed key',
  ...enc('Secret without a CMK', 'Set kms_key_id to a customer managed key (CloudFormation: KmsKeyId).'),
  aliases: [...trivy('0098'), 'CKV_AWS_149'],
  paths: { aws_secretsmanager_secret: 'kms_key_id', 'AWS::SecretsManager::Secret': 'KmsKeyId' },
  ok: (v) => isSet(v) && v !== 'alias/aws/secretsmanager',
});

export const workspaceRootVolume = attrRule({
  id: 'BLW-AWS-120',
  title: 'WorkSpaces root volume is not encrypted',
  ...enc('Unencrypted WorkSpaces root volume', 'Set root_volume_encryption_enabled = true (CloudFormation: RootVolumeEncryptionEnabled).'),
  aliases: [...trivy('0109'), 'CKV_AWS_156'],
  paths: { aws_workspaces_workspace: 'root_volume_encryption_enabled', 'AWS::WorkSpaces::Workspace': 'RootVolumeEncryptionEnabled' },
  ok: truthy,
});

export const workspaceUserVolume = attrRule({
  id: 'BLW-AWS-121',
  title: 'WorkSpaces user volume is not encrypted',
  ...enc('Unencrypted WorkSpaces user volume', 'Set user_volume_encryption_enabled = true (CloudFormation: UserVolumeEncryptionEnabled).'),
  aliases: ['CKV_AWS_155'],
  paths: { aws_workspaces_workspace: 'user_volume_encryption_enabled', 'AWS::WorkSpaces::Workspace': 'UserVolumeEncryptionEnabled' },
  ok: truthy,
});

export const timestreamCmk = attrRule({
  id: 'BLW-AWS-122',
  title: 'Timestream database is not encrypted with a customer managed key',
  ...enc('Timestream database without a CMK', 'Set kms_key_id (CloudFormation: KmsKeyId).'),
  aliases: ['CKV_AWS_160'],
  paths: { aws_timestreamwrite_database: 'kms_key_id', 'AWS::Timestream::Database': 'KmsKeyId' },
  ok: present,
});

export const redshiftServerlessCmk = attrRule({
  id: 'BLW-AWS-123',
  title: 'Redshift Serverless namespace is not encrypted with a customer managed key',
  ...enc('Redshift Serverless without a CMK', 'Set kms_key_id.'),
  aliases: ['CKV_AWS_282'],
  paths: { aws_redshiftserverless_namespace: 'kms_key_id' },
  ok: present,
});

export const fsxWindowsCmk = attrRule({
  id: 'BLW-AWS-124',
  title: 'FSx for Windows file system is not encrypted with a customer managed key',
  ...enc('FSx Windows without a CMK', 'Set kms_key_id.'),
  aliases: ['CKV_AWS_179'],
  paths: { aws_fsx_windows_file_system: 'kms_key_id' },
  ok: present,
});

export const athenaWorkgroupEncryption = attrRule({
  id: 'BLW-AWS-125',
  title: 'Athena workgroup does not encrypt query results',
  ...enc('Athena results unencrypted', 'Set configuration.result_configuration.encryption_configuration with SSE_KMS or CSE_KMS.'),
  aliases: [...trivy('0006'), 'CKV_AWS_159'],
  paths: { aws_athena_workgroup: 'configuration.result_configuration.encryption_configuration' },
  ok: present,
});

export const elasticacheTransitEncryption = attrRule({
  id: 'BLW-AWS-126',
  title: 'ElastiCache replication group does not encrypt data in transit',
  severity: 'high',
  description: 'Without TLS, cached data and AUTH tokens cross the network in clear text.',
  remediation: 'Set transit_encryption_enabled = true (CloudFormation: TransitEncryptionEnabled: true).',
  aliases: [...trivy('0051'), 'CKV_AWS_30'],
  paths: { aws_elasticache_replication_group: 'transit_encryption_enabled', 'AWS::ElastiCache::ReplicationGroup': 'TransitEncryptionEnabled' },
  ok: truthy,
});

export const ebsSnapshotCopyCmk = attrRule({
  id: 'BLW-AWS-176',
  title: 'EBS snapshot copy is not encrypted with a customer managed key',
  ...enc('EBS snapshot copy without a CMK', 'Set kms_key_id (with encrypted = true) on aws_ebs_snapshot_copy.'),
  severity: 'medium',
  references: ['https://docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html'],
  aliases: ['CKV_AWS_183'],
  frameworks: PCI,
  paths: { aws_ebs_snapshot_copy: 'kms_key_id' },
  ok: present,
});
