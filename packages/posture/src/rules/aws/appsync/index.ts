import * as m from './appsync.js';

export const rules = Object.values(m);
