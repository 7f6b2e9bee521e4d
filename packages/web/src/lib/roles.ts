// Role → visible console actions. Mirrors packages/platform/src/server/authz.golden.json (roles.test.ts checks it):
// the console shows a write action only to the roles the API lets perform it.

export const ROLES = ['admin', 'analyst', 'developer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Each console action and the API route that performs it. */
export const ACTION_ROUTES = {
  'finding.triage': 'PATCH /api/v1/findings/{id}/status',
  'assetGroup.create': 'POST /api/v1/asset-groups',
  'assetGroup.addAssets': 'POST /api/v1/asset-groups/{id}/assets',
  'report.generate': 'POST /api/v1/reports',
  'report.delete': 'DELETE /api/v1/reports/{id}',
  'schedule.read': 'GET /api/v1/report-schedules',
  'schedule.create': 'POST /api/v1/report-schedules',
  'schedule.update': 'PATCH /api/v1/report-schedules/{id}',
  'schedule.delete': 'DELETE /api/v1/report-schedules/{id}',
  'alertRule.create': 'POST /api/v1/alert-rules',
  'alertRule.update': 'PATCH /api/v1/alert-rules/{id}',
  'alertRule.delete': 'DELETE /api/v1/alert-rules/{id}',
  'destination.create': 'POST /api/v1/alert-destinations',
  'destination.delete': 'DELETE /api/v1/alert-destinations/{id}',
  'destination.test': 'POST /api/v1/alert-destinations/{id}/test',
  'silence.create': 'POST /api/v1/alert-silences',
  'silence.delete': 'DELETE /api/v1/alert-silences/{id}',
  'deadLetter.retry': 'POST /api/v1/alert-dead-letters/{id}/retry',
  'alert.update': 'PATCH /api/v1/alerts/{id}',
  'user.read': 'GET /api/v1/users',
  'user.create': 'POST /api/v1/users',
  'user.update': 'PATCH /api/v1/users/{id}',
  'token.read': 'GET /api/v1/tokens',
  'token.create': 'POST /api/v1/tokens',
  'token.revoke': 'DELETE /api/v1/tokens/{id}',
  'audit.read': 'GET /api/v1/audit',
  'retention.read': 'GET /api/v1/settings/retention',
  'retention.update': 'PUT /api/v1/settings/retention',
  'retention.run': 'POST /api/v1/settings/retention/run',
  'tenant.read': 'GET /api/v1/tenants',
  'tenant.create': 'POST /api/v1/tenants',
  'tenant.update': 'PATCH /api/v1/tenants/{id}',
} as const;
export type Action = keyof typeof ACTION_ROUTES;

const ADMIN: readonly Role[] = ['admin'];
const TRIAGE: readonly Role[] = ['admin', 'analyst'];
const EVERYONE: readonly Role[] = ROLES;

/** Who may perform each action (the API's matrix). */
export const ALLOWED: Record<Action, readonly Role[]> = {
  'finding.triage': TRIAGE,
  'assetGroup.create': TRIAGE,
  'assetGroup.addAssets': TRIAGE,
  'report.generate': EVERYONE,
  'report.delete': TRIAGE,
  'schedule.read': TRIAGE,
  'schedule.create': TRIAGE,
  'schedule.update': TRIAGE,
  'schedule.delete': TRIAGE,
  'alertRule.create': TRIAGE,
  'alertRule.update': TRIAGE,
  'alertRule.delete': TRIAGE,
  'destination.create': ADMIN,
  'destination.delete': ADMIN,
  'destination.test': ADMIN,
  'silence.create': TRIAGE,
  'silence.delete': TRIAGE,
  'deadLetter.retry': TRIAGE,
  'alert.update': TRIAGE,
  'user.read': ADMIN,
  'user.create': ADMIN,
  'user.update': ADMIN,
  'token.read': ADMIN,
  'token.create': ADMIN,
  'token.revoke': ADMIN,
  'audit.read': ['admin', 'auditor'],
  'retention.read': ['admin', 'analyst', 'auditor'],
  'retention.update': ADMIN,
  'retention.run': ADMIN,
  // The API also requires the platform tenant for creating tenants: the console asks it (`platformAdmin` of the list).
  'tenant.read': ADMIN,
  'tenant.create': ADMIN,
  'tenant.update': ADMIN,
};

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** Whether `role` may perform `action`; an unknown or missing role may do nothing. */
export function can(role: Role | undefined | null, action: Action): boolean {
  return role != null && ALLOWED[action].includes(role);
}

/** The write actions (non-GET routes) the role sees, sorted. */
export function visibleWriteActions(role: Role): Action[] {
  return (Object.keys(ACTION_ROUTES) as Action[]).filter((a) => !ACTION_ROUTES[a].startsWith('GET ') && can(role, a)).sort();
}
