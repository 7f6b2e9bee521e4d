import * as m from './imagebuilder.js';

export const rules = Object.values(m);
