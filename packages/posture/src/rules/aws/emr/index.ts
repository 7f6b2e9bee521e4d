import * as m from './emr.js';

export const rules = Object.values(m);
