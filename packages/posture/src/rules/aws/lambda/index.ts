import * as m from './lambda.js';

export const rules = Object.values(m);
