import { isSet } from '../../../terraform/cloud-model.js';
import { attrRule } from '../helpers.js';

export const logging = attrRule({
  id: 'BLW-AWS-181',
  title: 'AppSync GraphQL API does not log to CloudWatch',
  severity: 'medium',
  description: 'Without a log configuration there is no record of requests, resolver errors or field-level activity on the API.',
  remediation: 'Add log_config { cloudwatch_logs_role_arn = ..., field_log_level = "ERROR" } (CloudFormation: LogConfig.CloudWatchLogsRoleArn).',
  references: ['https://docs.aws.amazon.com/appsync/latest/devguide/monitoring.html'],
  aliases: ['CKV_AWS_193'],
  frameworks: [{ framework: 'pci-dss-4.0', control: '10.2.1' }],
  paths: { aws_appsync_graphql_api: 'log_config.cloudwatch_logs_role_arn', 'AWS::AppSync::GraphQLApi': 'LogConfig.CloudWatchLogsRoleArn' },
  ok: isSet,
});
