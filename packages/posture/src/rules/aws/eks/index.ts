import * as m from './eks.js';

export const rules = Object.values(m);
