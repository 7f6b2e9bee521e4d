import { ruleOfRisk } from './rule.js';
import { rbacRisks } from './risks.js';

export { bindingRisks, rbacRisks, roleRisks, workloadRisk } from './risks.js';
export const rules = rbacRisks.map(ruleOfRisk);
