import { attr, blocks, isFalse, isObject, isTrue, isUnknown } from '../../../terraform/cloud-model.js';
import type { CloudResource } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import type { Violation } from '../../types.js';
import { trivy } from '../helpers.js';

const DOMAINS = ['aws_elasticsearch_domain', 'aws_opensearch_domain', 'AWS::Elasticsearch::Domain', 'AWS::OpenSearchService::Domain'];
const REF = 'https://docs.aws.amazon.com/opensearch-service/latest/developerguide/createdomain-configure-slow-logs.html';
const PCI_LOG = [{ framework: 'pci-dss-4.0', control: '10.2.1' }];

/**
 * Log types the domain publishes: Terraform `log_publishing_options` blocks (enabled defaults to true) or the
 * CloudFormation `LogPublishingOptions` map keyed by type. `unknown` when a block or flag cannot be read.
 */
function publishedLogs(r: CloudResource): { types: Set<string>; unknown: boolean; declared: number } {
  const types = new Set<string>();
  let unknown = false;
  if (r.provider === 'terraform') {
    if (isUnknown(attr(r, 'log_publishing_options'))) return { types, unknown: true, declared: 0 };
    const opts = blocks(r, 'log_publishing_options');
    for (const o of opts) {
      if (isUnknown(o.value.enabled) || isUnknown(o.value.log_type)) unknown = true;
      else if (!isFalse(o.value.enabled) && typeof o.value.log_type === 'string') types.add(o.value.log_type);
    }
    return { types, unknown, declared: opts.length };
  }
  const opts = attr(r, 'LogPublishingOptions');
  if (isUnknown(opts)) return { types, unknown: true, declared: 0 };
  if (!isObject(opts)) return { types, unknown, declared: 0 };
  for (const [type, o] of Object.entries(opts)) {
    if (!isObject(o)) continue;
    if (isUnknown(o.Enabled)) unknown = true;
    else if (isTrue(o.Enabled)) types.add(type);
  }
  return { types, unknown, declared: Object.keys(opts).length };
}

const optionsPath = (r: CloudResource): string[] => [r.provider === 'terraform' ? 'log_publishing_options' : 'LogPublishingOptions'];

export const auditLogging = defineCloudRule({
  id: 'BLW-AWS-193',
  title: 'OpenSearch/Elasticsearch domain does not publish audit logs',
  severity: 'medium',
  description: 'Audit logs record who accessed which index and document; they are off unless an AUDIT_LOGS publishing option is enabled.',
  remediation: 'Add log_publishing_options { log_type = "AUDIT_LOGS", cloudwatch_log_group_arn = ... } (CloudFormation: LogPublishingOptions.AUDIT_LOGS.Enabled: true) and enable audit logging in the security plugin.',
  references: ['https://docs.aws.amazon.com/opensearch-service/latest/developerguide/audit-logs.html'],
  aliases: [...trivy('0042'), 'CKV_AWS_317'],
  frameworks: PCI_LOG,
  resourceTypes: DOMAINS,
  check: (r): Violation[] => {
    const logs = publishedLogs(r);
    if (logs.unknown || logs.types.has('AUDIT_LOGS')) return [];
    return [{ message: 'No enabled AUDIT_LOGS publishing option.', path: optionsPath(r) }];
  },
});

export const domainLogging = defineCloudRule({
  id: 'BLW-AWS-194',
  title: 'OpenSearch/Elasticsearch domain publishes no logs',
  severity: 'low',
  description: 'A domain with no enabled log publishing option (index/search slow logs, application or audit logs) leaves nothing to troubleshoot or investigate with.',
  remediation: 'Add at least one enabled log_publishing_options block with a cloudwatch_log_group_arn (CloudFormation: LogPublishingOptions.<TYPE>.Enabled: true).',
  references: [REF],
  aliases: ['CKV_AWS_84'],
  resourceTypes: DOMAINS,
  check: (r): Violation[] => {
    const logs = publishedLogs(r);
    if (logs.unknown || logs.types.size > 0) return [];
    return [{ message: logs.declared ? 'Every log publishing option is disabled.' : 'No log publishing options.', path: optionsPath(r) }];
  },
});
