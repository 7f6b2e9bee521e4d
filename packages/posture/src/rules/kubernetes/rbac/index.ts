import { boundRules, dashboardAccess, roleRules } from './rbac.js';

export const rules = [...boundRules, dashboardAccess, ...roleRules];
