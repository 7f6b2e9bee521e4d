import * as m from './ssm.js';

export const rules = Object.values(m);
