import * as m from './config.js';

export const rules = Object.values(m);
