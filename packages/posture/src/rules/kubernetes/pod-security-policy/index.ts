import { pspRules } from './psp.js';

export const rules = [...pspRules];
