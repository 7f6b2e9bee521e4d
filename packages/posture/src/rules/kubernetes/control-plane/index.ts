import { flagRules } from './control-plane.js';

export const rules = [...flagRules];
