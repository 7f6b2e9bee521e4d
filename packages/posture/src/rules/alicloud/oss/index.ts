import * as oss from './oss.js';

export const rules = Object.values(oss);
