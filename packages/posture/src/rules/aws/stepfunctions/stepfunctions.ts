import { isTrue } from '../../../terraform/cloud-model.js';
import { attrRule } from '../helpers.js';

export const executionDataLogging = attrRule({
  id: 'BLW-AWS-190',
  title: 'Step Functions state machine does not log execution data',
  severity: 'low',
  description: 'Without include_execution_data the execution history in CloudWatch Logs lacks the input, output and state data needed to investigate a run.',
  remediation: 'Add logging_configuration { log_destination = ..., level = "ERROR" or "ALL", include_execution_data = true } (CloudFormation: LoggingConfiguration.IncludeExecutionData: true; SAM: Logging.IncludeExecutionData).',
  references: ['https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html'],
  aliases: ['CKV_AWS_285'],
  paths: {
    aws_sfn_state_machine: 'logging_configuration.include_execution_data',
    'AWS::StepFunctions::StateMachine': 'LoggingConfiguration.IncludeExecutionData',
    'AWS::Serverless::StateMachine': 'Logging.IncludeExecutionData',
  },
  ok: isTrue,
});
