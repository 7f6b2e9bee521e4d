import * as m from './apigateway.js';

export const rules = Object.values(m);
