import { exposureRules } from './exposure.js';

export const rules = [...exposureRules];
