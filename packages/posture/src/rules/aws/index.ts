import type { CloudRule } from '../../terraform/cloud-rule.js';
import { rules as acm } from './acm/index.js';
import { rules as apigateway } from './apigateway/index.js';
import { rules as appsync } from './appsync/index.js';
import { rules as bedrock } from './bedrock/index.js';
import { rules as cloudtrail } from './cloudtrail/index.js';
import { rules as codebuild } from './codebuild/index.js';
import { rules as config } from './config/index.js';
import { rules as connect } from './connect/index.js';
import { rules as ec2 } from './ec2/index.js';
import { rules as ecr } from './ecr/index.js';
import { rules as eks } from './eks/index.js';
import { rules as elasticache } from './elasticache/index.js';
import { rules as emr } from './emr/index.js';
import { rules as encryption } from './encryption/index.js';
import { rules as glue } from './glue/index.js';
import { rules as iam } from './iam/index.js';
import { rules as imagebuilder } from './imagebuilder/index.js';
import { rules as lambda } from './lambda/index.js';
import { rules as mq } from './mq/index.js';
import { rules as opensearch } from './opensearch/index.js';
import { rules as rds } from './rds/index.js';
import { rules as s3 } from './s3/index.js';
import { rules as sagemaker } from './sagemaker/index.js';
import { rules as sqs } from './sqs/index.js';
import { rules as ssm } from './ssm/index.js';
import { rules as stepfunctions } from './stepfunctions/index.js';

/** Every AWS rule family; one line per family. */
export const rules: CloudRule[] = [
  ...s3,
  ...ec2,
  ...iam,
  ...rds,
  ...cloudtrail,
  ...encryption,
  ...eks,
  ...ecr,
  ...lambda,
  ...acm,
  ...apigateway,
  ...appsync,
  ...bedrock,
  ...codebuild,
  ...config,
  ...connect,
  ...elasticache,
  ...emr,
  ...glue,
  ...imagebuilder,
  ...mq,
  ...opensearch,
  ...sagemaker,
  ...sqs,
  ...ssm,
  ...stepfunctions,
];
