// Fixtures of the authorization matrix test: for every route, an example request and, for routes with an id,
// which seeded object the id names. A new route without a fixture fails the matrix test.
import type { LightMyRequestResponse } from 'fastify';
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
}

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
  'GET /api/v1/findings/{id}': { id: (s) => s.finding },
  'PATCH /api/v1/findings/{id}/status': { id: (s) => s.finding, body: { status: 'suppressed', reason: 'matrix test', expiresAt: '2099-01-01T00:00:00Z' } },

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
  'GET /api/v1/audit': {},
  'GET /api/v1/audit/verify': {},
};
