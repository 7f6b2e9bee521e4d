import * as m from './glue.js';

export const rules = Object.values(m);
