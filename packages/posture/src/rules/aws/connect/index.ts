import * as m from './connect.js';

export const rules = Object.values(m);
