import * as m from './stepfunctions.js';

export const rules = Object.values(m);
