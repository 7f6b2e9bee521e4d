import * as m from './sqs.js';

export const rules = Object.values(m);
