import { admissionRules } from './admission.js';

export const rules = [...admissionRules];
