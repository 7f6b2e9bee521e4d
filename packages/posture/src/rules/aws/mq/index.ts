import * as m from './mq.js';

export const rules = Object.values(m);
