import * as m from './opensearch.js';

export const rules = Object.values(m);
