import { attr, isObject, isSet } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import { attrRule, trivy } from '../helpers.js';

const FN = { tf: 'aws_lambda_function', cfn: 'AWS::Lambda::Function', sam: 'AWS::Serverless::Function' };

export const tracing = attrRule({
  id: 'BLW-AWS-160',
  title: 'Lambda function does not use active X-Ray tracing',
  severity: 'low',
  description: 'Active tracing records requests through the function for debugging and incident analysis.',
  remediation: 'Set tracing_config { mode = "Active" } (CloudFormation: TracingConfig.Mode: Active).',
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html'],
  aliases: [...trivy('0066'), 'CKV_AWS_50'],
  paths: { [FN.tf]: 'tracing_config.mode', [FN.cfn]: 'TracingConfig.Mode' },
  ok: (v) => v === 'Active',
});

export const publicPermission = defineCloudRule({
  id: 'BLW-AWS-161',
  title: 'Lambda permission lets any principal invoke the function',
  severity: 'critical',
  description: 'A permission for principal "*" without a source ARN or account lets anyone invoke the function.',
  remediation: 'Name the invoking principal and set source_arn (CloudFormation: SourceArn).',
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html'],
  aliases: [...trivy('0067'), 'CKV_AWS_301'],
  resourceTypes: ['aws_lambda_permission', 'AWS::Lambda::Permission'],
  check: (r) => {
    const tf = r.provider === 'terraform';
    const principal = attr(r, tf ? 'principal' : 'Principal');
    const restricted = isSet(attr(r, tf ? 'source_arn' : 'SourceArn')) || isSet(attr(r, tf ? 'source_account' : 'SourceAccount')) || isSet(attr(r, tf ? 'principal_org_id' : 'PrincipalOrgID'));
    return principal === '*' && !restricted ? [{ message: 'Any principal may invoke the function.', path: [tf ? 'principal' : 'Principal'] }] : [];
  },
});

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY)/i;

export const envSecrets = defineCloudRule({
  id: 'BLW-AWS-162',
  title: 'Lambda environment variables hold secrets',
  severity: 'high',
  description: 'Environment variables are visible to anyone with lambda:GetFunctionConfiguration and in the template.',
  remediation: 'Store secrets in Secrets Manager or SSM Parameter Store and read them at runtime.',
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html'],
  aliases: ['CKV_AWS_45'],
  resourceTypes: [FN.tf, FN.cfn, FN.sam],
  check: (r) => {
    const vars = attr(r, r.provider === 'terraform' ? 'environment.variables' : 'Environment.Variables');
    if (!isObject(vars)) return [];
    return Object.entries(vars)
      .filter(([k, v]) => SECRET_NAME.test(k) && typeof v === 'string' && v.length >= 6 && !v.startsWith('arn:') && !v.startsWith('{{resolve:'))
      .map(([k]) => ({ message: `Environment variable ${k} looks like a secret.`, path: [r.provider === 'terraform' ? 'environment' : 'Environment', ...(r.provider === 'terraform' ? [0] : []), 'Variables', k] }));
  },
});

export const envEncryption = defineCloudRule({
  id: 'BLW-AWS-163',
  title: 'Lambda environment variables are not encrypted with a customer managed key',
  severity: 'low',
  description: 'A function with environment variables should encrypt them with a CMK (kms_key_arn / KmsKeyArn).',
  remediation: 'Set kms_key_arn (CloudFormation/SAM: KmsKeyArn).',
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html'],
  aliases: ['CKV_AWS_173'],
  resourceTypes: [FN.tf, FN.cfn, FN.sam],
  check: (r) => {
    const tf = r.provider === 'terraform';
    if (!isSet(attr(r, tf ? 'environment.variables' : 'Environment.Variables'))) return [];
    return isSet(attr(r, tf ? 'kms_key_arn' : 'KmsKeyArn')) ? [] : [{ message: 'Environment variables without a CMK.', path: [tf ? 'environment' : 'Environment'] }];
  },
});
