import * as m from './elasticache.js';

export const rules = Object.values(m);
