import * as m from './ecr.js';

export const rules = Object.values(m);
