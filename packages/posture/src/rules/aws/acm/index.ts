import * as m from './acm.js';

export const rules = Object.values(m);
