import { attr, isSet } from '../../../terraform/cloud-model.js';
import { attrRule } from '../helpers.js';

export const s3StorageCmk = attrRule({
  id: 'BLW-AWS-189',
  title: 'Amazon Connect S3 storage is not encrypted with a customer managed key',
  severity: 'medium',
  description: 'Call recordings, chat transcripts and reports that Connect writes to S3 should be encrypted with a KMS key you control.',
  remediation: 'Set storage_config.s3_config.encryption_config { encryption_type = "KMS", key_id = <key ARN> } (CloudFormation: S3Config.EncryptionConfig.KeyId).',
  references: ['https://docs.aws.amazon.com/connect/latest/adminguide/encryption-at-rest.html'],
  aliases: ['CKV_AWS_270'],
  frameworks: [{ framework: 'pci-dss-4.0', control: '3.5.1' }],
  paths: {
    aws_connect_instance_storage_config: 'storage_config.s3_config.encryption_config.key_id',
    'AWS::Connect::InstanceStorageConfig': 'S3Config.EncryptionConfig.KeyId',
  },
  ok: isSet,
  // Kinesis stream/firehose/video storage has no S3 encryption block.
  skip: (r) => {
    const type = attr(r, r.provider === 'terraform' ? 'storage_config.storage_type' : 'StorageType');
    return typeof type === 'string' && type !== 'S3';
  },
});
