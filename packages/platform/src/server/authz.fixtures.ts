// Fixtures of the authorization matrix test: for every route, an example request and, for routes with an id,
// which seeded object the id names. A new route without a fixture fails the matrix test.
import type { LightMyRequestResponse } from 'fastify';
import { AlertDispatcher } from '../alerts/dispatcher.js';
import type { Store } from '../storage/types.js';

/** Ids (as strings) and markers of objects seeded in one tenant, by name. */
export type Seeded = Record<string, string>;

type Call = (method: string, url: string, payload?: unknown) => Promise<LightMyRequestResponse>;

export interface Fixture {
  /** Creates objects once per tenant (as its admin) and returns their ids under names `id` can use. */
  seed?: (call: Call, seeded: Seeded, ctx: { store: Store; tenant: number }) => Promise<Seeded>;
  /** A valid body for the route (a function of what was seeded in the caller's tenant). */
  body?: unknown | ((seeded: Seeded) => unknown);
  query?: string;
  /** The seeded object the route's path id names. */
  id?: (seeded: Seeded) => string | undefined;
  /**
   * The platform tenant's admins act on every tenant's object through this route (identity/README.md): for them
   * another tenant's id is found, not missing. Every other caller still gets 404 as for a missing id.
   */
  platformWide?: true;
}

/** Both tenants of the matrix bear this display name, so a rename by the platform admin changes no other tenant. */
const TENANT_NAME = 'Tenant of the authorization matrix';

async function created(r: LightMyRequestResponse, what: string): Promise<Record<string, unknown>> {
  if (r.statusCode !== 201 && r.statusCode !== 200) throw new Error(`seeding ${what}: ${r.statusCode} ${r.body}`);
  return r.json() as Record<string, unknown>;
}

let scanSeq = 0;

export const AUTHZ_FIXTURES: Record<string, Fixture> = {
  // ------------------------------------------------------------------ findings
  'POST /api/v1/scans': {
    async seed(call, s) {
      const marker = `marker-finding-${s.tenantMarker ?? Math.random().toString(36).slice(2)}`;
      await created(
        await call('POST', '/api/v1/scans', {
          scan: { id: `seed-${marker}`, target: `registry.example/${marker}:1`, kind: 'image', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z' },
          findings: [{ type: 'vulnerability', ruleId: 'CVE-2024-0001', title: marker, severity: 'critical', asset: { kind: 'image', key: `registry.example/${marker}@sha256:01` }, locator: 'pkg@1' }],
        }),
        'scan',
      );
      const list = (await (await call('GET', '/api/v1/findings')).json()) as { items: { id: number; asset: { id: number } }[] };
      return { finding: String(list.items[0].id), asset: String(list.items[0].asset.id), findingMarker: marker };
    },
    body: () => ({
      scan: { id: `matrix-${++scanSeq}`, target: 'registry.example/matrix:1', kind: 'image', startedAt: '2026-01-02T00:00:00Z', finishedAt: '2026-01-02T00:01:00Z' },
      findings: [],
    }),
  },
  'GET /api/v1/findings': {},
  'GET /api/v1/findings/summary': {},
  'GET /api/v1/findings/trends': {},
  'GET /api/v1/findings/groups': { query: 'by=rule' },
  'POST /api/v1/findings/status': { body: (s: Seeded) => ({ ids: [Number(s.finding)], status: 'suppressed', reason: 'matrix test', expiresAt: '2099-01-01T00:00:00Z' }) },
  'GET /api/v1/findings/{id}': { id: (s) => s.finding },
  'PATCH /api/v1/findings/{id}/status': { id: (s) => s.finding, body: { status: 'suppressed', reason: 'matrix test', expiresAt: '2099-01-01T00:00:00Z' } },

  // ------------------------------------------------------------------ assets
  'GET /api/v1/assets': {},
  'GET /api/v1/assets/{id}': { id: (s) => s.asset },
  'GET /api/v1/assets/{id}/relations': { id: (s) => s.asset },
  'GET /api/v1/assets/{id}/sbom': { id: (s) => s.asset, query: 'format=spdx' },
  'POST /api/v1/asset-groups': {
    async seed(call) {
      const marker = `marker-group-${Math.random().toString(36).slice(2)}`;
      const g = await created(await call('POST', '/api/v1/asset-groups', { name: marker }), 'asset group');
      return { group: String(g.id), groupMarker: marker };
    },
    body: () => ({ name: `group-${Math.random().toString(36).slice(2)}` }),
  },
  'GET /api/v1/asset-groups': {},
  'POST /api/v1/asset-groups/{id}/assets': { id: (s) => s.group, body: (s: Seeded) => ({ assetIds: [Number(s.asset)] }) },

  // ------------------------------------------------------------------ alerts (destinations before the rules that use them)
  'POST /api/v1/alert-destinations': {
    async seed(call) {
      const marker = `marker-dest-${Math.random().toString(36).slice(2)}`;
      // Nothing listens on port 2: deliveries fail and end as dead letters.
      const d = await created(await call('POST', '/api/v1/alert-destinations', { kind: 'webhook', name: marker, config: { url: 'http://127.0.0.1:2/hook', secret: 's'.repeat(32) } }), 'destination');
      return { destination: String(d.id), destinationMarker: marker };
    },
    body: () => ({ kind: 'webhook', name: `dest-${Math.random().toString(36).slice(2)}`, config: { url: 'http://127.0.0.1:2/hook', secret: 's'.repeat(32) } }),
  },
  'GET /api/v1/alert-destinations': {},
  'GET /api/v1/alert-destinations/{id}': { id: (s) => s.destination },
  'PATCH /api/v1/alert-destinations/{id}': { id: (s) => s.destination, body: { name: 'renamed-destination' } },
  'DELETE /api/v1/alert-destinations/{id}': { id: (s) => s.destination },
  'POST /api/v1/alert-destinations/{id}/test': { id: (s) => s.destination },
  'POST /api/v1/alert-rules': {
    async seed(call, s) {
      const marker = `marker-rule-${Math.random().toString(36).slice(2)}`;
      const r = await created(await call('POST', '/api/v1/alert-rules', { name: marker, destinationIds: [Number(s.destination)] }), 'alert rule');
      return { alertRule: String(r.id), alertRuleMarker: marker };
    },
    body: (s: Seeded) => ({ name: `rule-${Math.random().toString(36).slice(2)}`, destinationIds: [Number(s.destination)] }),
  },
  'GET /api/v1/alert-rules': {},
  'GET /api/v1/alert-rules/{id}': { id: (s) => s.alertRule },
  'PATCH /api/v1/alert-rules/{id}': { id: (s) => s.alertRule, body: { enabled: false } },
  'DELETE /api/v1/alert-rules/{id}': { id: (s) => s.alertRule },
  'POST /api/v1/alert-silences': {
    async seed(call) {
      const marker = `marker-silence-${Math.random().toString(36).slice(2)}`;
      const r = await created(await call('POST', '/api/v1/alert-silences', { match: { ruleIds: ['CVE-1999-0001'] }, reason: marker, expiresAt: '2099-01-01T00:00:00Z' }), 'silence');
      return { silence: String(r.id), silenceMarker: marker };
    },
    body: { match: { ruleIds: ['CVE-1999-0002'] }, reason: 'matrix', expiresAt: '2099-01-01T00:00:00Z' },
  },
  'GET /api/v1/alert-silences': {},
  'GET /api/v1/alert-silences/{id}': { id: (s) => s.silence },
  'DELETE /api/v1/alert-silences/{id}': { id: (s) => s.silence },
  'POST /api/v1/alert-allowlist': {
    async seed(call) {
      const marker = `marker-allow-${Math.random().toString(36).slice(2)}`;
      const r = await created(await call('POST', '/api/v1/alert-allowlist', { ruleId: 'CVE-1999-0003', reason: marker }), 'allow-list entry');
      return { allow: String(r.id), allowMarker: marker };
    },
    body: { ruleId: 'CVE-1999-0004', reason: 'matrix' },
  },
  'GET /api/v1/alert-allowlist': {},
  'GET /api/v1/alert-allowlist/{id}': { id: (s) => s.allow },
  'DELETE /api/v1/alert-allowlist/{id}': { id: (s) => s.allow },
  'GET /api/v1/alerts': {
    // A new finding after the rule exists makes a delivery; the dispatcher fails it once into a dead letter.
    async seed(call, s, { store }) {
      await created(
        await call('POST', '/api/v1/scans', {
          scan: { id: `alert-${s.destination}`, target: `registry.example/alerting-${s.destination}:1`, kind: 'image', startedAt: '2026-01-03T00:00:00Z', finishedAt: '2026-01-03T00:01:00Z' },
          findings: [{ type: 'vulnerability', ruleId: 'CVE-2024-0002', severity: 'high', asset: { kind: 'image', key: `registry.example/alerting-${s.destination}@sha256:02` } }],
        }),
        'alerting scan',
      );
      await new AlertDispatcher(store, { maxAttempts: 1, timeoutMs: 2000 }).runOnce(new Date(Date.now() + 1000));
      const deliveries = (await (await call('GET', '/api/v1/alerts')).json()) as { items: { id: number }[] };
      const dead = (await (await call('GET', '/api/v1/alert-dead-letters')).json()) as { items: { id: number }[] };
      if (!deliveries.items[0] || !dead.items[0]) throw new Error(`seeding alerts: ${JSON.stringify({ deliveries, dead })}`);
      return { delivery: String(deliveries.items[0].id), deadLetter: String(dead.items[0].id) };
    },
  },
  'GET /api/v1/alerts/{id}': { id: (s) => s.delivery },
  'PATCH /api/v1/alerts/{id}': { id: (s) => s.delivery, body: { state: 'acknowledged', note: 'matrix' } },
  'GET /api/v1/alert-dead-letters': {},
  'POST /api/v1/alert-dead-letters/{id}/retry': { id: (s) => s.deadLetter },

  // ------------------------------------------------------------------ reports
  'POST /api/v1/reports': {
    async seed(call) {
      const r = await created(await call('POST', '/api/v1/reports', { scope: { type: 'tenant' }, kind: 'vulnerabilities', format: 'xlsx' }), 'report');
      return { report: String(r.id) };
    },
    body: { scope: { type: 'tenant' }, kind: 'posture', format: 'xlsx' },
  },
  'GET /api/v1/reports': {},
  'GET /api/v1/reports/{id}': { id: (s) => s.report },
  'GET /api/v1/reports/{id}/download': { id: (s) => s.report },
  'DELETE /api/v1/reports/{id}': { id: (s) => s.report },
  'POST /api/v1/report-schedules': {
    async seed(call) {
      const marker = `marker-schedule-${Math.random().toString(36).slice(2)}`;
      const r = await created(await call('POST', '/api/v1/report-schedules', { name: marker, scope: { type: 'tenant' }, kind: 'vulnerabilities', format: 'pdf', cadence: 'weekly', weekday: 1 }), 'schedule');
      return { schedule: String(r.id), scheduleMarker: marker };
    },
    body: () => ({ name: `schedule-${Math.random().toString(36).slice(2)}`, scope: { type: 'tenant' }, kind: 'vulnerabilities', format: 'pdf', cadence: 'daily' }),
  },
  'GET /api/v1/report-schedules': {},
  'GET /api/v1/report-schedules/{id}': { id: (s) => s.schedule },
  'PATCH /api/v1/report-schedules/{id}': { id: (s) => s.schedule, body: { enabled: false } },
  'DELETE /api/v1/report-schedules/{id}': { id: (s) => s.schedule },

  // ------------------------------------------------------------------ compliance
  'GET /api/v1/compliance': { query: 'scope=tenant' },
  // Frameworks are not tenant objects (every tenant reads the same ids), so no seeded id can belong to one tenant:
  // the path names a framework that does not exist, whose 404 must read alike for every tenant and role. The
  // role gate runs before the lookup, so the matrix still records who may call it; compliance.test.ts reads real ones.
  'GET /api/v1/compliance/{framework}': { id: () => 'no-such-framework' },

  // ------------------------------------------------------------------ retention (the defaults: nothing seeded is old enough to prune)
  'GET /api/v1/settings/retention': {},
  'PUT /api/v1/settings/retention': { body: { findingsDays: 180, scansDays: 365, reportsDays: 90, alertsDays: 90, auditDays: 0 } },
  'POST /api/v1/settings/retention/run': {},

  // ------------------------------------------------------------------ identity
  'POST /api/v1/auth/logout': {},
  'GET /api/v1/auth/me': {},
  'POST /api/v1/users': {
    async seed(call) {
      const marker = `marker-user-${Math.random().toString(36).slice(2)}`;
      const u = await created(await call('POST', '/api/v1/users', { email: `${marker}@example.com`, role: 'developer' }), 'user');
      return { user: String(u.id), userMarker: marker };
    },
    body: () => ({ email: `new-${Math.random().toString(36).slice(2)}@example.com`, role: 'auditor' }),
  },
  'GET /api/v1/users': {},
  'GET /api/v1/users/{id}': { id: (s) => s.user },
  'PATCH /api/v1/users/{id}': { id: (s) => s.user, body: { name: 'Renamed by the matrix' } },
  'POST /api/v1/tokens': {
    async seed(call) {
      const marker = `marker-token-${Math.random().toString(36).slice(2)}`;
      const t = await created(await call('POST', '/api/v1/tokens', { name: marker, role: 'developer' }), 'token');
      return { token: String((t.info as { id: number }).id), tokenMarker: marker };
    },
    body: { name: 'matrix', role: 'developer' },
  },
  'GET /api/v1/tokens': {},
  'DELETE /api/v1/tokens/{id}': { id: (s) => s.token },
  // ------------------------------------------------------------------ tenants (tenant-a, created first, is the platform tenant)
  'GET /api/v1/tenants': {},
  'POST /api/v1/tenants': { body: () => ({ slug: `matrix-${Math.random().toString(36).slice(2)}`, name: 'Matrix', admin: { email: 'first-admin@example.com' } }) },
  'PATCH /api/v1/tenants/{id}': {
    // Each tenant's own admin renames it (tenant-b's admin is not a platform admin: this is the own-tenant path).
    async seed(call, _s, { tenant }) {
      await created(await call('PATCH', `/api/v1/tenants/${tenant}`, { name: TENANT_NAME }), 'tenant rename');
      return { tenantId: String(tenant) };
    },
    id: (s) => s.tenantId,
    body: { name: TENANT_NAME },
    platformWide: true,
  },
  'GET /api/v1/audit': {},
  'GET /api/v1/audit/verify': {},
};
