import * as m from './bedrock.js';

export const rules = Object.values(m);
