import type { CloudRule } from '../../terraform/cloud-rule.js';
import { rules as ecs } from './ecs/index.js';
import { rules as oss } from './oss/index.js';
import { rules as ram } from './ram/index.js';

/** Every Alibaba Cloud rule family; one line per family. */
export const rules: CloudRule[] = [...oss, ...ecs, ...ram];
