import { scalingRules } from './scaling.js';

export const rules = [...scalingRules];
