import type { CloudRule } from '../../terraform/cloud-rule.js';
import { rules as cloudtrail } from './cloudtrail/index.js';
import { rules as ec2 } from './ec2/index.js';
import { rules as ecr } from './ecr/index.js';
import { rules as eks } from './eks/index.js';
import { rules as encryption } from './encryption/index.js';
import { rules as iam } from './iam/index.js';
import { rules as lambda } from './lambda/index.js';
import { rules as rds } from './rds/index.js';
import { rules as s3 } from './s3/index.js';

/** Every AWS rule family; one line per family. */
export const rules: CloudRule[] = [...s3, ...ec2, ...iam, ...rds, ...cloudtrail, ...encryption, ...eks, ...ecr, ...lambda];
