import { blocks, isSet, isTrue, isUnknown } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import { attrRule } from '../helpers.js';

const PCI_LOG = [{ framework: 'pci-dss-4.0', control: '10.2.1' }];
const ACCESS_LOGS = 'https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html';

export const stageAccessLogging = attrRule({
  id: 'BLW-AWS-167',
  title: 'API Gateway stage has no access logging',
  severity: 'medium',
  description: 'Without access logs there is no record of who called the API, from where and with what result.',
  remediation: 'Add access_log_settings { destination_arn = <log group ARN> } (CloudFormation/SAM: AccessLogSetting.DestinationArn).',
  references: [ACCESS_LOGS],
  // Checkov's Terraform check covers REST and HTTP/WebSocket stages under CKV_AWS_76; CloudFormation v2 stages are CKV_AWS_95.
  aliases: ['CKV_AWS_76'],
  frameworks: PCI_LOG,
  paths: {
    aws_api_gateway_stage: 'access_log_settings.destination_arn',
    aws_apigatewayv2_stage: 'access_log_settings.destination_arn',
    'AWS::ApiGateway::Stage': 'AccessLogSetting.DestinationArn',
    'AWS::Serverless::Api': 'AccessLogSetting.DestinationArn',
  },
  ok: isSet,
});

export const v2StageAccessLogging = attrRule({
  id: 'BLW-AWS-168',
  title: 'API Gateway v2 (HTTP/WebSocket) stage has no access logging',
  severity: 'medium',
  description: 'Without access logs there is no record of who called the HTTP or WebSocket API, from where and with what result.',
  remediation: 'Set AccessLogSettings.DestinationArn to a CloudWatch log group ARN.',
  references: [ACCESS_LOGS],
  aliases: ['CKV_AWS_95'],
  frameworks: PCI_LOG,
  paths: { 'AWS::ApiGatewayV2::Stage': 'AccessLogSettings.DestinationArn', 'AWS::Serverless::HttpApi': 'AccessLogSettings.DestinationArn' },
  ok: isSet,
});

export const cacheEncryption = defineCloudRule({
  id: 'BLW-AWS-169',
  title: 'API Gateway method cache is not encrypted',
  severity: 'medium',
  description: 'Cached responses are stored unencrypted when caching is on and cache_data_encrypted is not set.',
  remediation: 'Set cache_data_encrypted = true wherever caching_enabled = true (CloudFormation: MethodSettings[].CacheDataEncrypted: true).',
  references: ['https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html'],
  aliases: ['CKV_AWS_308'],
  frameworks: [{ framework: 'pci-dss-4.0', control: '3.5.1' }],
  resourceTypes: ['aws_api_gateway_method_settings', 'AWS::ApiGateway::Stage', 'AWS::Serverless::Api'],
  check: (r) => {
    const tf = r.provider === 'terraform';
    const [on, enc] = tf ? ['caching_enabled', 'cache_data_encrypted'] : ['CachingEnabled', 'CacheDataEncrypted'];
    return blocks(r, tf ? 'settings' : 'MethodSettings')
      .filter((s) => isTrue(s.value[on]) && !isTrue(s.value[enc]) && !isUnknown(s.value[enc]))
      .map((s) => ({ message: `Caching is enabled without ${enc} = true.`, path: [...s.path, enc] }));
  },
});

