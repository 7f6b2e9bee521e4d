import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '@bulwark/core/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { backends, type FreshDb } from '../storage/test-backends.js';
import type { FindingInput, ScanInput, Store } from '../storage/types.js';
import { buildServer, startServer } from './server.js';

const TOKEN_A = 'tok-a-admin-0123456789abcdef';
const TOKEN_A_AUDITOR = 'tok-a-auditor-0123456789abcdef';
const TOKEN_B = 'tok-b-admin-0123456789abcdef';

function scan(id: string): ScanInput {
  return { id, target: 'registry.example/app:1', kind: 'image', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z' };
}

function finding(i: number, severity: FindingInput['severity'] = 'high'): FindingInput {
  return { type: 'vulnerability', ruleId: `CVE-2024-${1000 + i}`, severity, asset: { kind: 'image', key: 'registry.example/app@sha256:01' }, locator: `pkg${i}@1.0.0` };
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const json = (r: LightMyRequestResponse) => r.json() as Record<string, unknown>;

for (const backend of backends()) {
  describe(`server on ${backend.name}`, () => {
    let db: FreshDb;
    let app: FastifyInstance;
    let tenantA: number;

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      tenantA = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const tenantB = (await db.store.createTenant({ slug: 'blue', name: 'Blue' })).id;
      app = await buildServer({
        store: db.store,
        tokens: [
          { token: TOKEN_A, tenant: tenantA, role: 'admin', name: 'a-admin' },
          { token: TOKEN_A_AUDITOR, tenant: tenantA, role: 'auditor', name: 'a-auditor' },
          { token: TOKEN_B, tenant: tenantB, role: 'admin', name: 'b-admin' },
        ],
      });
    });
    after(async () => {
      await app?.close();
      await db?.drop();
      await backend.teardown();
    });

    it('serves health, readiness and the OpenAPI document', async () => {
      const h = await app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(h.statusCode, 200);
      assert.deepEqual(h.json(), { status: 'ok' });
      const r = await app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(r.statusCode, 200);
      assert.ok((json(r).schemaVersion as number) > 0);
      const o = json(await app.inject({ method: 'GET', url: '/openapi.json' }));
      assert.equal(o.openapi, '3.1.0');
      const paths = o.paths as Record<string, Record<string, { requestBody?: unknown; security?: unknown }>>;
      for (const path of ['/api/v1/findings', '/api/v1/findings/{id}', '/api/v1/findings/{id}/status', '/api/v1/scans', '/api/v1/auth/login', '/api/v1/users', '/api/v1/tokens', '/api/v1/audit', '/healthz', '/metrics', '/readyz']) {
        assert.ok(paths[path], `OpenAPI documents ${path}`);
      }
      assert.ok(!('/openapi.json' in paths), 'the document does not list itself');
      assert.ok(paths['/api/v1/scans'].post.requestBody, 'ingest body schema is documented');
      assert.deepEqual(paths['/api/v1/findings'].get.security, [{ bearer: [] }]);
    });

    it('ingests, lists, re-ingests idempotently and audits each upload', async () => {
      const body = { scan: scan('scan-1'), findings: [finding(1, 'critical'), finding(2), finding(3, 'low')] };
      const first = await app.inject({ method: 'POST', url: '/api/v1/scans', headers: auth(TOKEN_A), payload: body });
      assert.equal(first.statusCode, 201, first.body);
      assert.equal(json(first).duplicate, false);
      assert.deepEqual((json(first).counts as { findings: number; new: number }).new, 3);

      const list = json(await app.inject({ method: 'GET', url: '/api/v1/findings', headers: auth(TOKEN_A) }));
      assert.equal((list.items as unknown[]).length, 3);
      assert.equal(list.nextCursor, undefined);

      const again = await app.inject({ method: 'POST', url: '/api/v1/scans', headers: auth(TOKEN_A), payload: body });
      assert.equal(again.statusCode, 200);
      assert.equal(json(again).duplicate, true);
      assert.equal(await db.store.countFindings(tenantA), 3);

      const audit = await db.store.listAudit(tenantA);
      assert.deepEqual(audit.map((a) => [a.action, a.actor, a.target, a.details.duplicate]), [
        ['scan.ingest', 'token:a-admin', 'scan:scan-1', false],
        ['scan.ingest', 'token:a-admin', 'scan:scan-1', true],
      ]);
      assert.equal((await db.store.verifyAuditChain(tenantA)).ok, true);

      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(metrics, /^bulwark_findings_ingested_total 3$/m);
      assert.match(metrics, /^bulwark_http_requests_total\{method="POST",route="\/api\/v1\/scans",status="201"\} 1$/m);
      assert.match(metrics, /^bulwark_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1$/m);
      assert.match(metrics, /^bulwark_http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/api\/v1\/scans",status="200"\} 1$/m);
    });

    it('maps query filters and pages with the cursor', async () => {
      const crit = json(await app.inject({ method: 'GET', url: '/api/v1/findings?severity=critical,low', headers: auth(TOKEN_A) }));
      assert.deepEqual((crit.items as { severity: string }[]).map((f) => f.severity).sort(), ['critical', 'low']);
      const none = json(await app.inject({ method: 'GET', url: '/api/v1/findings?status=fixed&type=vulnerability', headers: auth(TOKEN_A) }));
      assert.deepEqual(none.items, []);
      const p1 = json(await app.inject({ method: 'GET', url: '/api/v1/findings?limit=2&sort=id&dir=asc', headers: auth(TOKEN_A) }));
      assert.equal((p1.items as unknown[]).length, 2);
      assert.equal(typeof p1.nextCursor, 'string');
      const p2 = json(await app.inject({ method: 'GET', url: `/api/v1/findings?limit=2&sort=id&dir=asc&cursor=${encodeURIComponent(p1.nextCursor as string)}`, headers: auth(TOKEN_A) }));
      const ids = [...(p1.items as { id: number }[]), ...(p2.items as { id: number }[])].map((f) => f.id);
      assert.equal(new Set(ids).size, 3);
      assert.equal(p2.nextCursor, undefined);
    });

    it('trends: per day first seen, fixed and unresolved, from the scans of the last days', async () => {
      const day = (back: number) => new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - back * 86_400_000 + 3_600_000).toISOString();
      const target = 'registry.example/trend:1';
      const f = (i: number): FindingInput => ({ type: 'vulnerability', ruleId: `CVE-2025-${9000 + i}`, severity: 'high', asset: { kind: 'image', key: 'registry.example/trend@sha256:01' } });
      const up = async (id: string, back: number, findings: FindingInput[]) => {
        const r = await app.inject({ method: 'POST', url: '/api/v1/scans', headers: auth(TOKEN_A), payload: { scan: { id, target, kind: 'image', startedAt: day(back), finishedAt: day(back) }, findings } });
        assert.equal(r.statusCode, 201, r.body);
      };
      await up('trend-1', 3, [f(1), f(2), f(3)]); // three new
      await up('trend-2', 1, [f(1), f(4)]); // one new, two fixed
      const r = await app.inject({ method: 'GET', url: `/api/v1/findings/trends?days=5&severity=high&target=${encodeURIComponent(target)}`, headers: auth(TOKEN_A) });
      assert.equal(r.statusCode, 200, r.body);
      const points = r.json().points as { date: string; new: number; fixed: number; unresolved: number }[];
      assert.equal(points.length, 5);
      assert.deepEqual(points.map((p) => [p.new, p.fixed, p.unresolved]), [[0, 0, 0], [3, 0, 3], [0, 0, 3], [1, 2, 2], [0, 0, 2]]);
      assert.equal(points[4].date, new Date().toISOString().slice(0, 10));
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/findings/trends?days=0', headers: auth(TOKEN_A) })).statusCode, 400);
    });

    it('filters by KEV, fix, rule and target; the summary counts what the list returns', async () => {
      const findings: FindingInput[] = [0, 1, 2, 3].map((i) => ({ ...finding(100 + i, i % 2 ? 'critical' : 'medium'), kev: i === 0, fixAvailable: i < 2 }));
      const up = await app.inject({ method: 'POST', url: '/api/v1/scans', headers: auth(TOKEN_A), payload: { scan: { ...scan('filters-1'), target: 'registry.example/filters:1' }, findings } });
      assert.equal(up.statusCode, 201, up.body);
      const list = async (q: string) => (json(await app.inject({ method: 'GET', url: `/api/v1/findings?${q}`, headers: auth(TOKEN_A) })).items as { ruleId: string }[]).map((f) => f.ruleId).sort();
      const t = 'target=registry.example%2Ffilters%3A1';
      assert.deepEqual(await list(`${t}&kev=true`), ['CVE-2024-1100']);
      assert.deepEqual(await list(`${t}&fixAvailable=true`), ['CVE-2024-1100', 'CVE-2024-1101']);
      assert.deepEqual(await list(`${t}&fixAvailable=false&severity=critical`), ['CVE-2024-1103']);
      assert.deepEqual(await list('ruleId=CVE-2024-1102'), ['CVE-2024-1102']);
      const sum = json(await app.inject({ method: 'GET', url: `/api/v1/findings/summary?${t}`, headers: auth(TOKEN_A) }));
      assert.equal(sum.total, 4);
      assert.deepEqual(sum.bySeverity, { critical: 2, high: 0, medium: 2, low: 0, negligible: 0, unknown: 0 });
      assert.equal(sum.kev, 1);
      assert.equal(sum.fixAvailable, 2);
      assert.equal((sum.byStatus as Record<string, number>).open, 4);
      const bad = await app.inject({ method: 'GET', url: '/api/v1/findings/summary?kev=yes', headers: auth(TOKEN_A) });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().message, /kev/);
    });

    it('isolates tenants: another tenant sees nothing and gets 404 for a foreign id', async () => {
      const mine = (json(await app.inject({ method: 'GET', url: '/api/v1/findings', headers: auth(TOKEN_A) })).items as { id: number }[])[0];
      assert.equal((await app.inject({ method: 'GET', url: `/api/v1/findings/${mine.id}`, headers: auth(TOKEN_A) })).statusCode, 200);
      assert.deepEqual(json(await app.inject({ method: 'GET', url: '/api/v1/findings', headers: auth(TOKEN_B) })).items, []);
      const foreign = await app.inject({ method: 'GET', url: `/api/v1/findings/${mine.id}`, headers: auth(TOKEN_B) });
      const missing = await app.inject({ method: 'GET', url: '/api/v1/findings/999999', headers: auth(TOKEN_B) });
      assert.equal(foreign.statusCode, 404);
      assert.equal(missing.statusCode, 404);
      assert.equal(json(foreign).error, json(missing).error);
      const patch = await app.inject({ method: 'PATCH', url: `/api/v1/findings/${mine.id}/status`, headers: auth(TOKEN_B), payload: { status: 'suppressed', reason: 'x' } });
      assert.equal(patch.statusCode, 404);
      assert.equal((await db.store.getFinding(tenantA, mine.id))?.status, 'open');
    });

    it('changes status with an audit record; an auditor may read but not write', async () => {
      const mine = (json(await app.inject({ method: 'GET', url: '/api/v1/findings?sort=id&dir=asc', headers: auth(TOKEN_A) })).items as { id: number }[])[0];
      const denied = await app.inject({ method: 'PATCH', url: `/api/v1/findings/${mine.id}/status`, headers: auth(TOKEN_A_AUDITOR), payload: { status: 'suppressed', reason: 'test' } });
      assert.equal(denied.statusCode, 403);
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/findings', headers: auth(TOKEN_A_AUDITOR) })).statusCode, 200);
      const r = await app.inject({ method: 'PATCH', url: `/api/v1/findings/${mine.id}/status`, headers: auth(TOKEN_A), payload: { status: 'suppressed', reason: 'not reachable', owner: 'sec' } });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(json(r).status, 'suppressed');
      const noReason = await app.inject({ method: 'PATCH', url: `/api/v1/findings/${mine.id}/status`, headers: auth(TOKEN_A), payload: { status: 'risk-accepted' } });
      assert.equal(noReason.statusCode, 400);
      assert.match(json(noReason).message as string, /reason/);
      const last = (await db.store.listAudit(tenantA)).at(-1);
      assert.deepEqual([last?.action, last?.actor, last?.target], ['finding.status', 'token:a-admin', `finding:${mine.id}`]);
      assert.equal((await db.store.verifyAuditChain(tenantA)).ok, true);
    });

    it('refuses bad requests with 4xx and a message naming the field', async () => {
      const good = { scan: scan('scan-bad'), findings: [finding(1)] };
      const rows: { name: string; method?: 'POST' | 'GET' | 'PATCH'; url?: string; payload?: unknown; raw?: string; status: number; message: RegExp }[] = [
        { name: 'wrong type', payload: { ...good, findings: [{ ...finding(1), severity: 5 }] }, status: 400, message: /body\/findings\/0\/severity/ },
        { name: 'unknown severity', payload: { ...good, findings: [{ ...finding(1), severity: 'urgent' }] }, status: 400, message: /body\/findings\/0\/severity: must be equal to one of the allowed values/ },
        { name: 'unknown field', payload: { ...good, scan: { ...good.scan, extra: 1 } }, status: 400, message: /body\/scan: unknown field "extra"/ },
        { name: 'unknown top-level field', payload: { ...good, tenant: 2 }, status: 400, message: /body: unknown field "tenant"/ },
        { name: 'missing field', payload: { scan: good.scan }, status: 400, message: /body: missing required field "findings"/ },
        { name: 'number as string', payload: { ...good, findings: [{ ...finding(1), cvss: '9.8' }] }, status: 400, message: /body\/findings\/0\/cvss/ },
        { name: 'bad instant (store)', payload: { ...good, scan: { ...good.scan, startedAt: 'yesterday' } }, status: 400, message: /startedAt/ },
        { name: 'malformed JSON', raw: '{"scan": {', status: 400, message: /JSON/i },
        { name: 'proto poisoning', raw: '{"__proto__": {"x": 1}, "scan": {}, "findings": []}', status: 400, message: /not valid JSON/ },
        { name: 'bad query value', method: 'GET', url: '/api/v1/findings?severity=urgent', status: 400, message: /querystring\/severity/ },
        { name: 'unknown query param', method: 'GET', url: '/api/v1/findings?tenant=2', status: 400, message: /querystring: unknown field "tenant"/ },
        { name: 'limit out of range (store)', method: 'GET', url: '/api/v1/findings?limit=0', status: 400, message: /limit/ },
        { name: 'bad cursor (store)', method: 'GET', url: '/api/v1/findings?cursor=nope', status: 400, message: /cursor/ },
        { name: 'bad id', method: 'GET', url: '/api/v1/findings/abc', status: 400, message: /params\/id/ },
        { name: 'fixed is not a manual status', method: 'PATCH', url: '/api/v1/findings/1/status', payload: { status: 'fixed' }, status: 400, message: /body\/status/ },
        { name: 'unknown route', method: 'GET', url: '/api/v1/nothing', status: 404, message: /no route GET \/api\/v1\/nothing/ },
      ];
      for (const row of rows) {
        const r = await app.inject({
          method: row.method ?? 'POST',
          url: row.url ?? '/api/v1/scans',
          headers: { ...auth(TOKEN_A), ...(row.raw !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(row.raw !== undefined ? { payload: row.raw } : row.payload !== undefined ? { payload: row.payload as object } : {}),
        });
        assert.equal(r.statusCode, row.status, `${row.name}: ${r.body}`);
        assert.match(json(r).message as string, row.message, row.name);
      }
    });

    it('answers 401 without a token or with a malformed or unknown one', async () => {
      const rows: [string, Record<string, string>, RegExp][] = [
        ['no header', {}, /missing Authorization/],
        ['no token', { authorization: 'Bearer' }, /malformed/],
        ['basic', { authorization: 'Basic dXNlcjpwYXNz' }, /malformed/],
        ['too short', { authorization: 'Bearer abc' }, /malformed/],
        ['two words', { authorization: `Bearer ${TOKEN_A} x` }, /malformed/],
        ['unknown', { authorization: 'Bearer tok-unknown-0123456789abcdef' }, /invalid token/],
      ];
      for (const [name, headers, message] of rows) {
        for (const [method, url] of [['GET', '/api/v1/findings'], ['POST', '/api/v1/scans'], ['GET', '/api/v1/findings/1']] as const) {
          const r = await app.inject({ method, url, headers, ...(method === 'POST' ? { payload: { scan: scan('x'), findings: [] } } : {}) });
          assert.equal(r.statusCode, 401, `${name} ${method} ${url}`);
          assert.equal(r.headers['www-authenticate'], 'Bearer');
          assert.match(json(r).message as string, message, name);
        }
      }
    });

    it('accepts tokens the store issued until they are revoked; their role applies', async () => {
      const issued = await db.store.createApiToken(tenantA, { name: 'ci', role: 'developer' });
      const auth = { authorization: `Bearer ${issued.token}` };
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/findings', headers: auth })).statusCode, 200);
      const patch = await app.inject({ method: 'PATCH', url: '/api/v1/findings/1/status', headers: auth, payload: { status: 'suppressed', reason: 'x' } });
      assert.equal(patch.statusCode, 403, 'a developer token may not triage');
      await db.store.revokeApiToken(tenantA, issued.info.id);
      const after = await app.inject({ method: 'GET', url: '/api/v1/findings', headers: auth });
      assert.equal(after.statusCode, 401);
      assert.match(json(after).message as string, /invalid token/);
    });

    it('never answers 5xx to a seeded fuzz of request bodies', async () => {
      const rnd = seededRandom(4242);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
      const junk = (depth: number): unknown => {
        const k = Math.floor(rnd() * (depth > 3 ? 5 : 8));
        if (k === 0) return null;
        if (k === 1) return rnd() < 0.5;
        if (k === 2) return pick([0, -1, 1e308, 0.5, 10.5, Number.MAX_SAFE_INTEGER + 2]);
        if (k === 3) return pick(['', 'x', 'critical', 'image', '2026-01-01T00:00:00Z', '\u0000', '\ud800', 'é'.repeat(5000), '__proto__']);
        if (k === 4) return pick(['vulnerability', 'open', 'suppressed', 'CVE-1', 'pkg:npm/x@1']);
        if (k === 5) return Array.from({ length: Math.floor(rnd() * 4) }, () => junk(depth + 1));
        const o: Record<string, unknown> = {};
        for (let i = 0; i < Math.floor(rnd() * 4); i++) o[pick(['id', 'type', 'severity', 'asset', 'kind', 'key', 'payload', 'status', 'x'])] = junk(depth + 1);
        return o;
      };
      const mutate = (v: unknown, depth = 0): unknown => {
        if (rnd() < 0.15 || depth > 4) return junk(depth);
        if (Array.isArray(v)) return v.map((x) => mutate(x, depth + 1));
        if (v && typeof v === 'object') {
          const o: Record<string, unknown> = {};
          for (const [k, x] of Object.entries(v)) if (rnd() > 0.1) o[k] = mutate(x, depth + 1);
          return o;
        }
        return v;
      };
      const statuses = new Map<number, number>();
      for (let i = 0; i < 300; i++) {
        const valid = { scan: scan(`fuzz-${i}`), findings: [finding(i), { ...finding(i + 1), payload: { a: [1, { b: 'c' }] }, cvss: 7.5, priority: { score: 3, factors: [{ name: 'cvss', weight: 3 }] } }] };
        const r =
          i % 3 === 2
            ? await app.inject({ method: 'PATCH', url: `/api/v1/findings/${1 + (i % 5)}/status`, headers: auth(TOKEN_A), payload: mutate({ status: 'suppressed', reason: 'r', expiresAt: '2027-01-01T00:00:00Z' }) as object })
            : await app.inject({
                method: 'POST',
                url: '/api/v1/scans',
                headers: { ...auth(TOKEN_A), 'content-type': 'application/json' },
                payload: i % 7 === 0 ? JSON.stringify(mutate(valid)).slice(0, Math.floor(rnd() * 200)) : JSON.stringify(mutate(valid)),
              });
        statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
        assert.ok(r.statusCode < 500, `case ${i}: ${r.statusCode} ${r.body}`);
      }
      // The fuzz must reach both the accepting and the refusing paths.
      assert.ok([...statuses.keys()].some((s) => s < 300), JSON.stringify([...statuses]));
      assert.ok((statuses.get(400) ?? 0) > 50, JSON.stringify([...statuses]));
    });
  });
}

describe('server limits and failures', () => {
  const [sqlite] = backends();
  let db: FreshDb;
  before(async () => {
    db = await sqlite.fresh();
  });
  after(async () => {
    await db?.drop();
    await sqlite.teardown();
  });

  it('answers 413 over the body limit', async () => {
    const tenant = (await db.store.createTenant({ slug: 'small', name: 'Small' })).id;
    const app = await buildServer({ store: db.store, tokens: [{ token: TOKEN_A, tenant, role: 'admin' }], bodyLimit: 4096 });
    try {
      const body = { scan: scan('big'), findings: Array.from({ length: 100 }, (_, i) => finding(i)) };
      const r = await app.inject({ method: 'POST', url: '/api/v1/scans', headers: auth(TOKEN_A), payload: body });
      assert.equal(r.statusCode, 413);
      assert.match(json(r).message as string, /request body exceeds the limit of 4096 bytes/);
      assert.equal(await db.store.countFindings(tenant), 0);
    } finally {
      await app.close();
    }
  });

  it('hides internal errors behind "internal error" and reports the store unreachable', async () => {
    const broken = new Proxy(db.store, {
      get(target, key) {
        if (key === 'listFindings' || key === 'schemaVersion') return async () => Promise.reject(new Error('SQLITE_CORRUPT at /secret/path/platform.db'));
        const v = Reflect.get(target, key) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as Store;
    const app = await buildServer({ store: broken, tokens: [{ token: TOKEN_A, tenant: 1, role: 'admin' }] });
    try {
      const r = await app.inject({ method: 'GET', url: '/api/v1/findings', headers: auth(TOKEN_A) });
      assert.equal(r.statusCode, 500);
      assert.deepEqual(r.json(), { statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
      assert.doesNotMatch(r.body, /secret|SQLITE/);
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.deepEqual(ready.json(), { status: 'unavailable' });
    } finally {
      await app.close();
    }
  });

  it('startServer listens on a real socket', async () => {
    const { app, url } = await startServer({ store: db.store, host: '127.0.0.1', port: 0 });
    try {
      const r = await fetch(`${url}/healthz`);
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { status: 'ok' });
    } finally {
      await app.close();
    }
  });

  it('refuses malformed token configuration', async () => {
    await assert.rejects(buildServer({ store: db.store, tokens: [{ token: 'short', tenant: 1, role: 'admin' }] }), /16–512 visible ASCII/);
  });
});

describe('console files', () => {
  it('serves the built console at / with an index.html fallback for client routes, never for /api', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { SqliteStore } = await import('../storage/sqlite.js');
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-console-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Bulwark</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    (await import('node:fs')).mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'index-Abc123.js'), 'console.log(2)');
    const store = await SqliteStore.open(':memory:');
    const app = await buildServer({ store, consoleDir: dir });
    try {
      for (const url of ['/', '/vulnerabilities?severity=critical', '/images/42/layers']) {
        const r = await app.inject({ method: 'GET', url });
        assert.equal(r.statusCode, 200, url);
        assert.match(r.body, /<title>Bulwark<\/title>/, url);
      }
      const js = await app.inject({ method: 'GET', url: '/app.js' });
      assert.equal(js.statusCode, 200);
      assert.match(String(js.headers['content-type']), /javascript/);
      assert.equal((await app.inject({ method: 'GET', url: '/missing.js' })).statusCode, 404);
      const hashed = await app.inject({ method: 'GET', url: '/assets/index-Abc123.js' });
      assert.equal(hashed.headers['cache-control'], 'public, max-age=31536000, immutable', 'content-hashed assets are cached for good');
      assert.equal((await app.inject({ method: 'GET', url: '/' })).headers['cache-control'], 'no-cache', 'index.html revalidates');
      const api = await app.inject({ method: 'GET', url: '/api/v1/nope' });
      assert.equal(api.statusCode, 404);
      assert.match(api.json().message, /no route GET \/api\/v1\/nope/);
      for (const url of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
        assert.doesNotMatch((await app.inject({ method: 'GET', url })).body, /root:/, `no file outside the console directory via ${url}`);
      }
    } finally {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
