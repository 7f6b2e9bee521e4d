import { rules as alicloud } from '../rules/alicloud/index.js';
import { rules as aws } from '../rules/aws/index.js';
import { registryOf } from './cloud-rule.js';

/** Every built-in cloud rule (Terraform and CloudFormation). One line per provider family. */
export const cloudRules = registryOf([...aws, ...alicloud]);
