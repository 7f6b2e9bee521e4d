import { hardeningRules } from './hardening.js';

export const rules = [...hardeningRules];
