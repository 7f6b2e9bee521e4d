import { anyAllows } from './match.js';
import type { PolicyRule } from './model.js';

const CORE = '';
const RBAC = 'rbac.authorization.k8s.io';
const READ = ['get', 'list', 'watch'];

/** `apiGroups: ["*"], resources: ["*"], verbs: ["*"]` with no resourceNames: whoever holds it administers its scope. */
export function fullWildcard(r: PolicyRule): boolean {
  return r.apiGroups.includes('*') && r.resources.includes('*') && r.verbs.includes('*') && r.resourceNames.length === 0;
}

const takeoverChecks: readonly [string, (rules: readonly PolicyRule[]) => boolean][] = [
  ['full wildcard', (rules) => rules.some(fullWildcard)],
  ['read secrets', (rules) => anyAllows(rules, READ, CORE, ['secrets'])],
  ['create pods', (rules) => anyAllows(rules, ['create'], CORE, ['pods'])],
  ['exec into pods', (rules) => anyAllows(rules, ['create', 'get'], CORE, ['pods/exec'])],
  ['bind/escalate roles', (rules) => anyAllows(rules, ['bind', 'escalate'], RBAC, ['clusterroles', 'roles'])],
  ['impersonate', (rules) => anyAllows(rules, ['impersonate'], CORE, ['users', 'groups', 'serviceaccounts'])],
  ['create service account tokens', (rules) => anyAllows(rules, ['create'], CORE, ['serviceaccounts/token'])],
  ['nodes/proxy', (rules) => anyAllows(rules, ['get', 'create'], CORE, ['nodes/proxy'])],
  ['modify admission webhooks', (rules) => anyAllows(rules, ['create', 'update', 'patch'], 'admissionregistration.k8s.io', ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'])],
];

/**
 * The takeover-grade permissions the rules hold, by name (empty when none): each one leads to cluster-admin
 * through a step of "RBAC good practices" (privilege escalation risks).
 */
export function takeoverPowers(rules: readonly PolicyRule[]): string[] {
  return takeoverChecks.filter(([, f]) => f(rules)).map(([n]) => n);
}
