import { attr, blocks, isTrue, isUnknown } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import { trivy } from '../helpers.js';

export const aggregatorAllRegions = defineCloudRule({
  id: 'BLW-AWS-164',
  title: 'Config aggregator does not collect from all regions',
  severity: 'high',
  description: 'Regions the configuration aggregator does not source from are not monitored, so resources created there go unnoticed.',
  remediation: 'Set all_regions = true in account_aggregation_source or organization_aggregation_source (CloudFormation: AllAwsRegions: true).',
  references: ['https://docs.aws.amazon.com/config/latest/developerguide/aggregate-data.html'],
  aliases: [...trivy('0019'), 'CKV_AWS_121'],
  resourceTypes: ['aws_config_configuration_aggregator', 'AWS::Config::ConfigurationAggregator'],
  check: (r) => {
    const tf = r.provider === 'terraform';
    const keys = tf ? ['account_aggregation_source', 'organization_aggregation_source'] : ['AccountAggregationSources', 'OrganizationAggregationSource'];
    const flag = tf ? 'all_regions' : 'AllAwsRegions';
    if (keys.some((k) => isUnknown(attr(r, k)))) return [];
    const sources = keys.flatMap((k) => blocks(r, k));
    if (sources.some((s) => isUnknown(s.value[flag]))) return [];
    if (sources.length === 0) return [{ message: `${r.label} names no aggregation source with all regions.` }];
    const partial = sources.filter((s) => !isTrue(s.value[flag]));
    return partial.map((s) => ({ message: `Aggregation source does not set ${flag} = true.`, path: [...s.path, flag] }));
  },
});
