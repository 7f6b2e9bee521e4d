import { attr } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import { statementsIn, trivy } from '../helpers.js';

const POLICY: Record<string, string> = { aws_sqs_queue_policy: 'policy', aws_sqs_queue: 'policy', 'AWS::SQS::QueuePolicy': 'PolicyDocument' };

export const wildcardActions = defineCloudRule({
  id: 'BLW-AWS-166',
  title: 'SQS queue policy allows all actions',
  severity: 'high',
  description: 'An Allow statement with Action "*" or "sqs:*" lets the principal also change, purge or delete the queue, and silently grants actions SQS adds later.',
  remediation: 'List the specific SQS actions the principal needs (for example sqs:SendMessage).',
  references: ['https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html'],
  aliases: trivy('0097'),
  resourceTypes: Object.keys(POLICY),
  check: (r, model) => {
    const p = POLICY[r.type]!;
    const bad = statementsIn(model, attr(r, p)).filter((s) => s.effect === 'Allow' && s.actions.some((a) => a === '*' || a.toLowerCase() === 'sqs:*'));
    return bad.length ? [{ message: 'Queue policy allows every action ("*" or "sqs:*").', path: [p] }] : [];
  },
});
