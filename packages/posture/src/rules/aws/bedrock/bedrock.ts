import { isSet } from '../../../terraform/cloud-model.js';
import { attrRule } from '../helpers.js';

export const agentCmk = attrRule({
  id: 'BLW-AWS-180',
  title: 'Bedrock agent is not encrypted with a customer managed key',
  severity: 'medium',
  description: 'Agent session and configuration data is encrypted with an AWS owned key unless a customer managed key is given.',
  remediation: 'Set customer_encryption_key_arn (CloudFormation: CustomerEncryptionKeyArn) to a customer managed KMS key.',
  references: ['https://docs.aws.amazon.com/bedrock/latest/userguide/encryption-agents.html'],
  aliases: ['CKV_AWS_373'],
  frameworks: [{ framework: 'pci-dss-4.0', control: '3.5.1' }],
  paths: { aws_bedrockagent_agent: 'customer_encryption_key_arn', 'AWS::Bedrock::Agent': 'CustomerEncryptionKeyArn' },
  ok: isSet,
});
