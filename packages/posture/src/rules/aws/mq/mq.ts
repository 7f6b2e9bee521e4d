import { isTrue } from '../../../terraform/cloud-model.js';
import { attrRule, trivy } from '../helpers.js';

export const generalLogging = attrRule({
  id: 'BLW-AWS-197',
  title: 'Amazon MQ broker does not publish general logs',
  severity: 'low',
  description: 'General logs record broker activity (connections, errors); without them incidents on the broker cannot be investigated.',
  remediation: 'Add logs { general = true } (CloudFormation: Logs.General: true).',
  references: ['https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/security-logging-monitoring.html'],
  aliases: [...trivy('0071'), 'CKV_AWS_48'],
  paths: { aws_mq_broker: 'logs.general', 'AWS::AmazonMQ::Broker': 'Logs.General' },
  ok: isTrue,
});
