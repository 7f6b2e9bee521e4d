import * as iam from './iam.js';

export const rules = Object.values(iam);
