import { clusterRules } from './cluster.js';
import { resourceRules } from './resources.js';

export const rules = [...clusterRules, ...resourceRules];
