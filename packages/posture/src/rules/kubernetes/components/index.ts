import { componentRules } from './components.js';

export const rules = [...componentRules];
