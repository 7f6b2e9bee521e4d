import { isSet } from '../../../terraform/cloud-model.js';
import { attrRule } from '../helpers.js';

const PCI = [{ framework: 'pci-dss-4.0', control: '3.5.1' }];
const REF = 'https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest.html';

export const cmk = attrRule({
  id: 'BLW-AWS-177',
  title: 'SageMaker domain or notebook instance is not encrypted with a customer managed key',
  severity: 'medium',
  description: 'Studio domain storage (EFS) and notebook instance volumes fall back to AWS managed keys when no KMS key is given, so key policy and rotation are not under your control.',
  remediation: 'Set kms_key_id (CloudFormation: KmsKeyId) to a customer managed KMS key.',
  references: [REF],
  aliases: ['CKV_AWS_187'],
  frameworks: PCI,
  paths: {
    aws_sagemaker_domain: 'kms_key_id',
    aws_sagemaker_notebook_instance: 'kms_key_id',
    'AWS::SageMaker::Domain': 'KmsKeyId',
    'AWS::SageMaker::NotebookInstance': 'KmsKeyId',
  },
  ok: isSet,
});

export const dataQualityOutputKms = attrRule({
  id: 'BLW-AWS-178',
  title: 'SageMaker data quality job does not encrypt its output with KMS',
  severity: 'medium',
  description: 'Monitoring results written to S3 by the data quality job are not encrypted with a KMS key of yours.',
  remediation: 'Set data_quality_job_output_config.kms_key_id (CloudFormation: DataQualityJobOutputConfig.KmsKeyId).',
  references: [REF],
  aliases: ['CKV_AWS_367'],
  frameworks: PCI,
  paths: {
    aws_sagemaker_data_quality_job_definition: 'data_quality_job_output_config.kms_key_id',
    'AWS::SageMaker::DataQualityJobDefinition': 'DataQualityJobOutputConfig.KmsKeyId',
  },
  ok: isSet,
});

export const dataQualityVolumeKms = attrRule({
  id: 'BLW-AWS-179',
  title: 'SageMaker data quality job does not encrypt its processing volume with KMS',
  severity: 'medium',
  description: 'The ML storage volume attached to the monitoring job is not encrypted with a KMS key of yours.',
  remediation: 'Set job_resources.cluster_config.volume_kms_key_id (CloudFormation: JobResources.ClusterConfig.VolumeKmsKeyId).',
  references: [REF],
  aliases: ['CKV_AWS_368'],
  frameworks: PCI,
  paths: {
    aws_sagemaker_data_quality_job_definition: 'job_resources.cluster_config.volume_kms_key_id',
    'AWS::SageMaker::DataQualityJobDefinition': 'JobResources.ClusterConfig.VolumeKmsKeyId',
  },
  ok: isSet,
});
