import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '@bulwark/core/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { IdentityRepository } from '../identity/repository.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../identity/sessions.js';
import { buildServer } from '../server/server.js';
import { backends, type FreshDb } from '../storage/test-backends.js';
import { startHttpReceiver, type HttpReceiver, type ReceivedRequest } from './destinations/testing.js';
import { AlertDispatcher } from './dispatcher.js';
import { createAlertsModule } from './routes.js';
import { finding, scan } from './testing.js';

const KEY = 'routes-test-secret-key-0123456789abcdef';
const SECRET = 'whsec-routes-0123456789';
const TOKENS = {
  admin: 'tok-a-admin-0123456789abcdef',
  analyst: 'tok-a-analyst-0123456789abcdef',
  developer: 'tok-a-developer-0123456789abcdef',
  auditor: 'tok-a-auditor-0123456789abcdef',
  other: 'tok-b-admin-0123456789abcdef',
};
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
type Json = Record<string, unknown>;
const json = (r: LightMyRequestResponse) => r.json() as Json;

/** The webhook receiver's check, as the webhook README documents it. */
function signed(r: ReceivedRequest): boolean {
  const ts = r.headers['x-bulwark-timestamp'] as string;
  return r.headers['x-bulwark-signature'] === `sha256=${createHmac('sha256', SECRET).update(`${ts}.${r.body}`).digest('hex')}`;
}

for (const backend of backends()) {
  describe(`alerts API on ${backend.name}`, () => {
    let db: FreshDb;
    let app: FastifyInstance;
    let rx: HttpReceiver;
    let failing = false;
    let tenantA: number;
    let scopedCookie: string;
    /** Users of tenant A: an analyst signed in (session), a disabled one and one scoped to an asset group; one of B. */
    const users = { alice: 0, disabled: 0, scoped: 0, otherTenant: 0 };
    let alice: { cookie: string; csrf: string };

    const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string = TOKENS.admin, payload?: unknown) =>
      app.inject({ method, url, headers: auth(token), ...(payload === undefined ? {} : { payload: payload as Json }) });

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      tenantA = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const tenantB = (await db.store.createTenant({ slug: 'blue', name: 'Blue' })).id;
      rx = await startHttpReceiver((r) => (failing ? { status: 500, body: 'boom' } : signed(r) ? { status: 200, body: '{}' } : { status: 401, body: 'bad signature' }));
      app = await buildServer({
        store: db.store,
        tokens: [
          ...(['admin', 'analyst', 'developer', 'auditor'] as const).map((role) => ({ token: TOKENS[role], tenant: tenantA, role, name: `a-${role}` })),
          { token: TOKENS.other, tenant: tenantB, role: 'admin' as const, name: 'b-admin' },
        ],
        modules: [createAlertsModule({ secretKey: KEY })],
      });
      // A user scoped to an asset group, logged in: alert payloads list findings of any asset, so they stay hidden.
      const identity = new IdentityRepository(db.store.sql);
      const group = await db.store.createAssetGroup(tenantA, 'team-x');
      const user = await identity.createUser(tenantA, { email: 'scoped@example.com', role: 'analyst', assetGroups: [group.id] });
      scopedCookie = `${SESSION_COOKIE}=${(await identity.createSession(user)).token}`;
      users.scoped = user.id;
      const a = await identity.createUser(tenantA, { email: 'alice@example.com', name: 'Alice', role: 'analyst' });
      users.alice = a.id;
      const s = await identity.createSession(a);
      alice = { cookie: `${SESSION_COOKIE}=${s.token}`, csrf: s.csrf };
      const gone = await identity.createUser(tenantA, { email: 'gone@example.com', role: 'analyst' });
      await identity.updateUser(tenantA, gone.id, { disabled: true });
      users.disabled = gone.id;
      users.otherTenant = (await identity.createUser(tenantB, { email: 'bob@example.com', role: 'analyst' })).id;
    });
    after(async () => {
      await app?.close();
      await rx?.close();
      await db?.drop();
      await backend.teardown();
    });

    it('documents every alerts route in the OpenAPI document', async () => {
      const paths = Object.keys((json(await app.inject({ method: 'GET', url: '/openapi.json' })).paths as Json) ?? {}).filter((p) => p.includes('alert'));
      assert.deepEqual(paths.sort(), [
        '/api/v1/alert-allowlist',
        '/api/v1/alert-allowlist/{id}',
        '/api/v1/alert-dead-letters',
        '/api/v1/alert-dead-letters/{id}/retry',
        '/api/v1/alert-destinations',
        '/api/v1/alert-destinations/{id}',
        '/api/v1/alert-destinations/{id}/test',
        '/api/v1/alert-rules',
        '/api/v1/alert-rules/{id}',
        '/api/v1/alert-silences',
        '/api/v1/alert-silences/{id}',
        '/api/v1/alerts',
        '/api/v1/alerts/{id}',
      ]);
    });

    it('destinations: admin only for changes, secrets never returned, bad input named, other tenants get 404', async () => {
      const body = { kind: 'webhook', name: 'hook', config: { url: `${rx.url}/in`, secret: SECRET } };
      assert.equal((await call('POST', '/api/v1/alert-destinations', TOKENS.analyst, body)).statusCode, 403);
      const created = await call('POST', '/api/v1/alert-destinations', TOKENS.admin, body);
      assert.equal(created.statusCode, 201, created.body);
      const d = json(created);
      assert.deepEqual(d.config, { url: `${rx.url}/in`, secret: '********' });
      assert.ok(!created.body.includes(SECRET), 'secret not in the reply');

      const bad: [unknown, RegExp][] = [
        [{ ...body, name: 'x', config: { url: 'gopher://x', secret: SECRET } }, /^body\/config\/url: must match pattern/],
        [{ ...body, name: 'x', config: { url: 'https://x', secret: SECRET, insecure: true } }, /^body\/config: unknown field "insecure"/],
        [{ kind: 'email', name: 'x', config: { host: 'smtp', port: 25, from: 'a@b.c' } }, /^body\/config: missing required field "to"/],
        [{ kind: 'syslog', name: 'x', config: { host: 'siem', port: '514', transport: 'udp' } }, /^body\/config\/port: must be integer/],
        [{ kind: 'carrier-pigeon', name: 'x', config: {} }, /^body\/kind: must be equal to one of the allowed values/],
        [{ ...body, extra: 1 }, /^body: unknown field "extra"/],
        [{ ...body }, /alert destination: name: expected a name no other destination has/],
      ];
      for (const [payload, message] of bad) {
        const r = await call('POST', '/api/v1/alert-destinations', TOKENS.admin, payload);
        assert.equal(r.statusCode, 400, r.body);
        assert.match(json(r).message as string, message);
      }

      const list = await call('GET', '/api/v1/alert-destinations', TOKENS.auditor);
      assert.equal(list.statusCode, 200);
      assert.ok(!list.body.includes(SECRET), 'secret not in lists');
      assert.equal((await call('GET', `/api/v1/alert-destinations/${String(d.id)}`, TOKENS.other)).statusCode, 404);
      assert.equal((await call('PATCH', `/api/v1/alert-destinations/${String(d.id)}`, TOKENS.other, { name: 'mine' })).statusCode, 404);
      assert.equal((await call('DELETE', `/api/v1/alert-destinations/${String(d.id)}`, TOKENS.other)).statusCode, 404);
      assert.equal((await call('POST', `/api/v1/alert-destinations/${String(d.id)}/test`, TOKENS.other)).statusCode, 404);
      const badId = await call('GET', '/api/v1/alert-destinations/abc', TOKENS.admin);
      assert.equal(badId.statusCode, 400);
      assert.match(json(badId).message as string, /^params\/id: must match pattern/);

      const patched = await call('PATCH', `/api/v1/alert-destinations/${String(d.id)}`, TOKENS.admin, { config: { url: `${rx.url}/alerts` } });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.deepEqual(json(patched).config, { url: `${rx.url}/alerts`, secret: '********' });
      const badPatch = await call('PATCH', `/api/v1/alert-destinations/${String(d.id)}`, TOKENS.admin, { config: { url: 'ftp://x' } });
      assert.equal(badPatch.statusCode, 400);
      assert.match(json(badPatch).message as string, /config\.url/);
    });

    it('sends a test message through a destination; 502 with the reason when it is refused', async () => {
      const d = (json(await call('GET', '/api/v1/alert-destinations')).items as Json[])[0];
      const ok = await call('POST', `/api/v1/alert-destinations/${String(d.id)}/test`);
      assert.equal(ok.statusCode, 200, ok.body);
      const r = rx.requests.at(-1)!;
      assert.ok(signed(r), 'test message is signed');
      assert.equal(r.headers['x-bulwark-event'], 'test');
      assert.equal((await call('POST', `/api/v1/alert-destinations/${String(d.id)}/test`, TOKENS.analyst)).statusCode, 403);
      failing = true;
      const bad = await call('POST', `/api/v1/alert-destinations/${String(d.id)}/test`);
      failing = false;
      assert.equal(bad.statusCode, 502);
      assert.match(json(bad).message as string, /test message not delivered: webhook 127\.0\.0\.1:\d+: HTTP 500: boom/);
    });

    it('rules, silences and allow-list: admin and analyst change them, everyone reads; bad input named; other tenants 404', async () => {
      const destId = ((json(await call('GET', '/api/v1/alert-destinations')).items as Json[])[0].id) as number;
      const rule = { name: 'high and up', match: { minSeverity: 'high', changes: ['new', 'reopened'] }, groupBy: ['ruleId'], rateLimitSeconds: 0, destinationIds: [destId] };
      assert.equal((await call('POST', '/api/v1/alert-rules', TOKENS.developer, rule)).statusCode, 403);
      const created = await call('POST', '/api/v1/alert-rules', TOKENS.analyst, rule);
      assert.equal(created.statusCode, 201, created.body);
      const id = json(created).id as number;
      for (const [payload, message] of [
        [{ ...rule, name: 'x', match: { minSeverity: 'severe' } }, /^body\/match\/minSeverity: must be equal to one of the allowed values/],
        [{ ...rule, name: 'x', groupBy: ['ruleId', 'ruleId'] }, /^body\/groupBy: must NOT have duplicate items/],
        [{ ...rule, name: 'x', destinationIds: [] }, /^body\/destinationIds: must NOT have fewer than 1 items/],
        [{ ...rule, name: 'x', destinationIds: [999999] }, /alert rule: destinationIds\[0\]: expected an alert destination id of this tenant/],
        [{ ...rule, name: 'x', rateLimitSeconds: 1.5 }, /^body\/rateLimitSeconds: must be integer/],
      ] as const) {
        const r = await call('POST', '/api/v1/alert-rules', TOKENS.admin, payload);
        assert.equal(r.statusCode, 400, r.body);
        assert.match(json(r).message as string, message);
      }
      // Another tenant cannot reference this tenant's destination either.
      assert.equal((await call('POST', '/api/v1/alert-rules', TOKENS.other, rule)).statusCode, 400);
      assert.equal((await call('GET', `/api/v1/alert-rules/${id}`, TOKENS.auditor)).statusCode, 200);
      assert.equal((await call('GET', `/api/v1/alert-rules/${id}`, TOKENS.other)).statusCode, 404);
      assert.equal((await call('PATCH', `/api/v1/alert-rules/${id}`, TOKENS.other, { enabled: false })).statusCode, 404);
      const p = await call('PATCH', `/api/v1/alert-rules/${id}`, TOKENS.admin, { rateLimitSeconds: 60 });
      assert.equal(json(p).rateLimitSeconds, 60);
      assert.equal((await call('PATCH', `/api/v1/alert-rules/${id}`, TOKENS.admin, {})).statusCode, 400);
      const inUse = await call('DELETE', `/api/v1/alert-destinations/${destId}`);
      assert.equal(inUse.statusCode, 409);
      assert.match(json(inUse).message as string, /used by rule\(s\) "high and up"/);

      const silence = await call('POST', '/api/v1/alert-silences', TOKENS.analyst, { match: { ruleIds: ['CVE-1'] }, reason: 'patching tonight', expiresAt: '2099-01-01T00:00:00Z' });
      assert.equal(silence.statusCode, 201, silence.body);
      assert.equal(json(silence).createdBy, 'token:a-analyst');
      const badSilence = await call('POST', '/api/v1/alert-silences', TOKENS.analyst, { match: {}, reason: 'x', expiresAt: '2099-01-01T00:00:00Z' });
      assert.match(json(badSilence).message as string, /^body\/match: must NOT have fewer than 1 properties/);
      assert.equal((await call('GET', '/api/v1/alert-silences?active=true', TOKENS.auditor)).statusCode, 200);
      assert.equal((await call('GET', '/api/v1/alert-silences?active=maybe')).statusCode, 400);
      const sid = json(silence).id as number;
      assert.equal((await call('DELETE', `/api/v1/alert-silences/${sid}`, TOKENS.other)).statusCode, 404);
      assert.equal((await call('DELETE', `/api/v1/alert-silences/${sid}`, TOKENS.analyst)).statusCode, 204);

      const allow = await call('POST', '/api/v1/alert-allowlist', TOKENS.analyst, { ruleId: 'CVE-2024-1003', reason: 'not reachable: feature disabled' });
      assert.equal(allow.statusCode, 201, allow.body);
      const noKey = await call('POST', '/api/v1/alert-allowlist', TOKENS.analyst, { assetKey: 'x', reason: 'y' });
      assert.equal(noKey.statusCode, 400);
      assert.match(json(noKey).message as string, /ruleId: expected a finding rule id, or a fingerprint/);
      assert.equal((await call('GET', `/api/v1/alert-allowlist/${String(json(allow).id)}`, TOKENS.other)).statusCode, 404);
      assert.equal((json(await call('GET', '/api/v1/alert-allowlist', TOKENS.developer)).items as unknown[]).length, 1);

      const actions = (await db.store.listAudit(tenantA)).map((a) => a.action);
      for (const a of ['alert.destination.create', 'alert.destination.update', 'alert.destination.test', 'alert.rule.create', 'alert.rule.update', 'alert.silence.create', 'alert.silence.delete', 'alert.allowlist.create']) {
        assert.ok(actions.includes(a), `audited ${a}`);
      }
      assert.equal((await db.store.verifyAuditChain(tenantA)).ok, true);
    });

    it('end to end: an uploaded scan matches the rule and the dispatcher delivers it, signed', async () => {
      const up = await call('POST', '/api/v1/scans', TOKENS.developer, {
        scan: scan('e2e-1', 'reg/e2e:1'),
        findings: [finding(1, { severity: 'critical' }), finding(2), finding(3, { severity: 'low' }), finding(4, { ruleId: 'CVE-2024-1003', severity: 'critical', locator: 'fp' })],
      });
      assert.equal(up.statusCode, 201, up.body);
      const pending = json(await call('GET', '/api/v1/alerts?status=pending', TOKENS.auditor));
      // groupBy ruleId: CVE-…1001 and …1002 (the low one does not match, …1003 is allow-listed).
      assert.deepEqual((pending.items as { groupKey: string }[]).map((d) => d.groupKey).sort(), ['ruleId=CVE-2024-1001', 'ruleId=CVE-2024-1002']);

      const before = rx.requests.length;
      const d = new AlertDispatcher(db.store, { secretKey: KEY });
      assert.deepEqual(await d.runOnce(), { claimed: 2, sent: 2, retried: 0, dead: 0 });
      const got = rx.requests.slice(before);
      assert.equal(got.length, 2);
      for (const r of got) {
        assert.ok(signed(r), 'delivered with a valid signature');
        const b = JSON.parse(r.body) as { event: string; alert: { rule: { name: string }; scan: { id: string } } };
        assert.deepEqual([b.event, b.alert.rule.name, b.alert.scan.id], ['alert', 'high and up', 'e2e-1']);
      }
      const sent = json(await call('GET', '/api/v1/alerts?status=sent'));
      assert.equal((sent.items as unknown[]).length, 2);
      assert.deepEqual(json(await call('GET', '/api/v1/alerts', TOKENS.other)).items, []);
      const one = (sent.items as { id: number }[])[0];
      assert.equal((await call('GET', `/api/v1/alerts/${one.id}`)).statusCode, 200);
      assert.equal((await call('GET', `/api/v1/alerts/${one.id}`, TOKENS.other)).statusCode, 404);
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/alerts', headers: { cookie: scopedCookie } })).statusCode, 403);
    });

    it('end to end: a failing receiver → retries → dead letter in the API → retry succeeds', async () => {
      failing = true;
      const up = await call('POST', '/api/v1/scans', TOKENS.admin, { scan: scan('e2e-2', 'reg/e2e:2'), findings: [finding(9, { severity: 'high', ruleId: 'CVE-DOWN' })] });
      assert.equal(up.statusCode, 201, up.body);
      const d = new AlertDispatcher(db.store, { secretKey: KEY, maxAttempts: 3, baseDelayMs: 1000, random: seededRandom(3) });
      const t = Date.now();
      assert.deepEqual(await d.runOnce(new Date(t)), { claimed: 1, sent: 0, retried: 1, dead: 0 });
      const failedAlert = (json(await call('GET', '/api/v1/alerts?status=failed')).items as Json[])[0];
      assert.equal(failedAlert.deliveryStatus, 'failed');
      const failed = (failedAlert.deliveries as Json[])[0];
      assert.equal(failed.attempts, 1);
      assert.match(failed.lastError as string, /HTTP 500: boom/);
      assert.deepEqual(await d.runOnce(new Date(t + 60_000)), { claimed: 1, sent: 0, retried: 1, dead: 0 });
      assert.deepEqual(await d.runOnce(new Date(t + 120_000)), { claimed: 1, sent: 0, retried: 0, dead: 1 });

      const dead = json(await call('GET', '/api/v1/alert-dead-letters?retried=false', TOKENS.auditor));
      const items = dead.items as Json[];
      assert.equal(items.length, 1);
      assert.equal(items[0].attempts, 3);
      assert.equal((items[0].payload as { groupKey: string }).groupKey, 'ruleId=CVE-DOWN');
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/alert-dead-letters', headers: { cookie: scopedCookie } })).statusCode, 403);
      assert.deepEqual(json(await call('GET', '/api/v1/alert-dead-letters', TOKENS.other)).items, []);
      assert.equal((await call('POST', `/api/v1/alert-dead-letters/${String(items[0].id)}/retry`, TOKENS.other)).statusCode, 404);
      assert.equal((await call('POST', `/api/v1/alert-dead-letters/${String(items[0].id)}/retry`, TOKENS.auditor)).statusCode, 403);

      failing = false;
      const retry = await call('POST', `/api/v1/alert-dead-letters/${String(items[0].id)}/retry`, TOKENS.analyst);
      assert.equal(retry.statusCode, 200, retry.body);
      assert.equal((json(retry).delivery as Json).status, 'pending');
      assert.equal((await call('POST', `/api/v1/alert-dead-letters/${String(items[0].id)}/retry`, TOKENS.analyst)).statusCode, 409);
      assert.deepEqual(await d.runOnce(new Date(t + 180_000)), { claimed: 1, sent: 1, retried: 0, dead: 0 });
      assert.ok(signed(rx.requests.at(-1)!), 'the retried delivery is signed');
      assert.deepEqual(json(await call('GET', '/api/v1/alert-dead-letters?retried=false')).items, []);
      assert.ok((await db.store.listAudit(tenantA)).some((a) => a.action === 'alert.dead-letter.retry'), 'retry audited');
    });

    it('with the dispatcher option the module sends by itself and stops with the server', async () => {
      const own = await buildServer({
        store: db.store,
        tokens: [{ token: TOKENS.admin, tenant: tenantA, role: 'admin', name: 'a-admin' }],
        modules: [createAlertsModule({ secretKey: KEY, dispatcher: { intervalMs: 20 } })],
      });
      try {
        const before = rx.requests.length;
        const up = await own.inject({ method: 'POST', url: '/api/v1/scans', headers: auth(TOKENS.admin), payload: { scan: scan('e2e-3', 'reg/e2e:3'), findings: [finding(11, { ruleId: 'CVE-AUTO' })] } });
        assert.equal(up.statusCode, 201, up.body);
        for (let i = 0; i < 200 && rx.requests.length === before; i++) await new Promise((r) => setTimeout(r, 25));
        assert.equal(rx.requests.length, before + 1, 'delivered by the module dispatcher');
        assert.ok(signed(rx.requests.at(-1)!), 'signed');
      } finally {
        await own.close();
      }
    });

    it('workflow: acknowledge, resolve, reopen and assign fired alerts; history, audit and list filters; other tenants 404', async () => {
      const all = json(await call('GET', '/api/v1/alerts', TOKENS.auditor)).items as Json[];
      assert.ok(all.length >= 3, `alerts to work on: ${all.length}`);
      for (const d of all) assert.deepEqual([d.state, d.assigneeId, d.changedBy], ['open', null, null], `alert ${String(d.id)} starts open, unassigned`);
      const [a1, a2, a3] = all.map((d) => d.id as number);
      const patch = (alertId: number, body: unknown, token: string = TOKENS.analyst) => call('PATCH', `/api/v1/alerts/${alertId}`, token, body);

      for (const role of ['developer', 'auditor'] as const) assert.equal((await patch(a1, { state: 'acknowledged' }, TOKENS[role])).statusCode, 403, `${role} may not change alerts`);

      // One row per change, in order: [alert, body, caller, status, state after or error message].
      const steps: [number, Json, string, number, string | RegExp][] = [
        [a1, { state: 'acknowledged', note: 'looking into it' }, TOKENS.analyst, 200, 'acknowledged'],
        [a1, { state: 'resolved', note: 'image rebuilt' }, TOKENS.admin, 200, 'resolved'],
        [a1, { state: 'acknowledged' }, TOKENS.analyst, 409, /^alert \d+ is resolved: it may become open, not acknowledged$/],
        [a1, { state: 'open', note: 'came back' }, TOKENS.analyst, 200, 'open'],
        [a2, { state: 'resolved' }, TOKENS.admin, 200, 'resolved'],
        [a2, { state: 'resolved' }, TOKENS.admin, 200, 'resolved'],
        [a3, { state: 'acknowledged' }, TOKENS.analyst, 200, 'acknowledged'],
        [a3, { state: 'open' }, TOKENS.analyst, 200, 'open'],
      ];
      for (const [alertId, body, token, status, want] of steps) {
        const r = await patch(alertId, body, token);
        assert.equal(r.statusCode, status, `${JSON.stringify(body)} on ${alertId}: ${r.body}`);
        if (typeof want === 'string') assert.equal(json(r).state, want, `${JSON.stringify(body)} on ${alertId}`);
        else assert.match(json(r).message as string, want);
      }

      const one = json(await call('GET', `/api/v1/alerts/${a1}`, TOKENS.developer));
      assert.deepEqual([one.state, one.note, one.changedBy], ['open', 'came back', 'token:a-analyst'], 'the alert keeps the latest change');
      assert.ok(typeof one.changedAt === 'string' && !Number.isNaN(Date.parse(one.changedAt)), `changedAt is an instant: ${String(one.changedAt)}`);
      const history = one.history as Json[];
      assert.deepEqual(
        history.map((e) => [e.fromState, e.state, e.actor, e.note]),
        [
          ['open', 'acknowledged', 'token:a-analyst', 'looking into it'],
          ['acknowledged', 'resolved', 'token:a-admin', 'image rebuilt'],
          ['resolved', 'open', 'token:a-analyst', 'came back'],
        ],
        'history of a1, oldest first (the refused change is not in it)',
      );
      assert.equal((json(await call('GET', `/api/v1/alerts/${a2}`)).history as Json[]).length, 1, 'resolving a resolved alert again changes nothing');

      // Assignment: a user of the tenant, active and allowed to read alerts; null unassigns.
      const assigned = await patch(a1, { assigneeId: users.alice });
      assert.equal(assigned.statusCode, 200, assigned.body);
      assert.deepEqual([json(assigned).assigneeId, json(assigned).assigneeName, json(assigned).state], [users.alice, 'Alice', 'open']);
      const bad: [Json, RegExp][] = [
        [{ assigneeId: users.otherTenant }, new RegExp(`^alert: assigneeId: expected a user id of this tenant \\(${users.otherTenant} is none\\)`)],
        [{ assigneeId: 987654321 }, /^alert: assigneeId: expected a user id of this tenant/],
        [{ assigneeId: users.disabled }, /^alert: assigneeId: expected an active user/],
        [{ assigneeId: users.scoped }, /^alert: assigneeId: expected a user who may read alerts/],
        [{ assigneeId: 0 }, /^body\/assigneeId: must be >= 1/],
        [{ assigneeId: String(users.alice) }, /^body\/assigneeId: must be integer,null/],
        [{ state: 'closed' }, /^body\/state: must be equal to one of the allowed values/],
        [{ note: '' }, /^body\/note: must NOT have fewer than 1 characters/],
        [{}, /^body: must NOT have fewer than 1 properties/],
        [{ state: 'open', assignee: 'me' }, /^body: unknown field "assignee"/],
      ];
      for (const [body, message] of bad) {
        const r = await patch(a3, body);
        assert.equal(r.statusCode, 400, `${JSON.stringify(body)}: ${r.body}`);
        assert.match(json(r).message as string, message, JSON.stringify(body));
      }
      assert.equal(json(await call('GET', `/api/v1/alerts/${a3}`)).assigneeId, null, 'refused assignments change nothing');

      // Alice takes a3 herself through the console (session + CSRF): the actor is her user.
      const mine = await app.inject({ method: 'PATCH', url: `/api/v1/alerts/${a3}`, headers: { cookie: alice.cookie, [CSRF_HEADER]: alice.csrf }, payload: { assigneeId: users.alice, state: 'acknowledged' } });
      assert.equal(mine.statusCode, 200, mine.body);
      assert.equal(json(mine).changedBy, `user:${users.alice}`);

      // Another tenant's alert answers exactly like a missing one, and stays as it was.
      const foreign = await patch(a1, { state: 'acknowledged' }, TOKENS.other);
      const missing = await patch(987654321, { state: 'acknowledged' }, TOKENS.other);
      assert.equal(foreign.statusCode, 404);
      const idOut = (body: string, x: number) => body.replace(new RegExp(`(?<![0-9])${x}(?![0-9])`, 'g'), '<id>');
      assert.equal(idOut(foreign.body, a1), idOut(missing.body, 987654321), 'foreign and missing ids answer alike');
      assert.equal((await call('GET', `/api/v1/alerts/${a1}`, TOKENS.other)).statusCode, 404);
      assert.equal(json(await call('GET', `/api/v1/alerts/${a1}`)).state, 'open', "the other tenant's call changed nothing");
      assert.equal((await app.inject({ method: 'PATCH', url: `/api/v1/alerts/${a1}`, headers: { cookie: scopedCookie }, payload: { state: 'resolved' } })).statusCode, 403, 'scoped callers may not');

      // List filters: state (comma-separated) and assignee (id, me, none).
      const ids = async (query: string, headers: Record<string, string> = auth(TOKENS.auditor)) => {
        const r = await app.inject({ method: 'GET', url: `/api/v1/alerts?${query}`, headers });
        assert.equal(r.statusCode, 200, `${query}: ${r.body}`);
        return (json(r).items as Json[]).map((d) => d.id as number).sort((x, y) => x - y);
      };
      const expect = (pred: (d: { id: number; state: string; assigneeId: number | null }) => boolean, list: Json[]) =>
        list.filter((d) => pred(d as never)).map((d) => d.id as number).sort((x, y) => x - y);
      const now = json(await call('GET', '/api/v1/alerts?limit=1000')).items as Json[];
      assert.deepEqual(await ids('state=resolved'), [a2]);
      assert.deepEqual(await ids('state=open'), expect((d) => d.state === 'open', now));
      assert.ok((await ids('state=open')).includes(a1), 'reopened a1 is open');
      assert.deepEqual(await ids('state=open,acknowledged'), expect((d) => d.state !== 'resolved', now));
      assert.deepEqual(await ids(`assignee=${users.alice}`), [a1, a3].sort((x, y) => x - y));
      assert.deepEqual(await ids(`assignee=${users.alice}&state=acknowledged`), [a3]);
      assert.deepEqual(await ids('assignee=none'), expect((d) => d.assigneeId === null, now));
      assert.ok(!(await ids('assignee=none')).includes(a1), 'assigned alerts are not unassigned');
      assert.deepEqual(await ids('assignee=me', { cookie: alice.cookie }), [a1, a3].sort((x, y) => x - y));
      const noUser = await call('GET', '/api/v1/alerts?assignee=me', TOKENS.analyst);
      assert.equal(noUser.statusCode, 400);
      assert.match(json(noUser).message as string, /^query: assignee: expected a user id or none: "me" needs a caller signed in as a user/);
      for (const [q, message] of [
        ['state=closed', /^querystring\/state: must match pattern/],
        ['assignee=alice', /^querystring\/assignee: must match pattern/],
      ] as const) {
        const r = await call('GET', `/api/v1/alerts?${q}`);
        assert.equal(r.statusCode, 400, q);
        assert.match(json(r).message as string, message);
      }
      assert.deepEqual(json(await call('GET', `/api/v1/alerts?assignee=${users.alice}`, TOKENS.other)).items, [], 'another tenant sees none');

      // Unassign; every change is in the audit log, chained.
      const un = await patch(a1, { assigneeId: null, note: 'back to the pool' });
      assert.equal(json(un).assigneeId, null);
      assert.deepEqual((json(un).history as Json[]).at(-1), { ...(json(un).history as Json[]).at(-1), fromAssigneeId: users.alice, assigneeId: null, note: 'back to the pool' });
      const audited = (await db.store.listAudit(tenantA)).filter((a) => a.action === 'alert.update');
      const changes = [a1, a2, a3].map((x) => ({ x, n: 0 }));
      for (const x of [a1, a2, a3]) changes.find((c) => c.x === x)!.n = (json(await call('GET', `/api/v1/alerts/${x}`)).history as Json[]).length;
      assert.equal(audited.length, changes.reduce((t, c) => t + c.n, 0), 'one audit record per workflow change');
      for (const c of changes) assert.equal(audited.filter((a) => a.target === `alert:${c.x}`).length, c.n, `audit records of alert ${c.x}`);
      const last = audited.at(-1)!;
      assert.deepEqual([last.actor, last.target, last.details], ['token:a-analyst', `alert:${a1}`, { fromState: 'open', state: 'open', fromAssigneeId: users.alice, assigneeId: null, note: 'back to the pool' }]);
      assert.ok(audited.some((a) => a.actor === `user:${users.alice}`), 'the session change is audited as the user');
      const a3history = json(await call('GET', `/api/v1/alerts/${a3}`, TOKENS.auditor)).history as Json[];
      assert.deepEqual(a3history.at(-1)!.names, { actor: 'Alice', assignee: 'Alice' }, 'history names the users for callers that may not list them');
      assert.equal(a3history[0].names, undefined, 'token actors and no assignee: no names');
      assert.equal((await db.store.verifyAuditChain(tenantA)).ok, true);
    });

    it('a rule with two destinations fires one alert with two deliveries; its workflow is one; a scan told twice adds nothing', async () => {
      const first = (json(await call('GET', '/api/v1/alert-destinations')).items as Json[])[0].id as number;
      const second = await call('POST', '/api/v1/alert-destinations', TOKENS.admin, { kind: 'webhook', name: 'second', config: { url: `${rx.url}/second`, secret: SECRET } });
      assert.equal(second.statusCode, 201, second.body);
      const rule = await call('POST', '/api/v1/alert-rules', TOKENS.admin, { name: 'two destinations', match: { ruleIds: ['CVE-TWO'] }, destinationIds: [first, json(second).id] });
      assert.equal(rule.statusCode, 201, rule.body);
      const ruleId = json(rule).id as number;
      const body = { scan: scan('two-1', 'reg/two:1'), findings: [finding(21, { ruleId: 'CVE-TWO', severity: 'low' })] };
      assert.equal((await call('POST', '/api/v1/scans', TOKENS.developer, body)).statusCode, 201);
      const list = async () => json(await call('GET', `/api/v1/alerts?ruleId=${ruleId}`, TOKENS.auditor)).items as Json[];
      const [alert] = await list();
      assert.equal((await list()).length, 1, 'one alert, not one per destination');
      assert.deepEqual(Object.keys(alert).sort(), ['assigneeId', 'assigneeName', 'changedAt', 'changedBy', 'createdAt', 'deliveries', 'deliveryStatus', 'groupKey', 'id', 'note', 'payload', 'ruleId', 'state'], 'the list item, strictly');
      const deliveries = () => (alert.deliveries as Json[]).map((d) => [d.destinationName, d.destinationKind, d.status, d.attempts]);
      const firstName = json(await call('GET', `/api/v1/alert-destinations/${first}`)).name as string;
      assert.deepEqual([alert.state, alert.deliveryStatus, deliveries()], ['open', 'pending', [[firstName, 'webhook', 'pending', 0], ['second', 'webhook', 'pending', 0]]]);

      const before = rx.requests.length;
      assert.deepEqual(await new AlertDispatcher(db.store, { secretKey: KEY }).runOnce(), { claimed: 2, sent: 2, retried: 0, dead: 0 }, 'each delivery is sent on its own');
      assert.deepEqual(rx.requests.slice(before).map((r) => r.url).sort(), ['/alerts', '/second'].sort());
      const [sent] = await list();
      assert.equal(sent.deliveryStatus, 'sent');
      assert.ok((sent.deliveries as Json[]).every((d) => d.status === 'sent' && typeof d.sentAt === 'string'), JSON.stringify(sent.deliveries));

      // Acknowledging the alert acknowledges it for every destination: one record, one history entry.
      const ack = await call('PATCH', `/api/v1/alerts/${alert.id as number}`, TOKENS.analyst, { state: 'acknowledged', note: 'seen on both' });
      assert.equal(ack.statusCode, 200, ack.body);
      assert.deepEqual([json(ack).state, (json(ack).deliveries as Json[]).length, (json(ack).history as Json[]).length], ['acknowledged', 2, 1]);
      assert.deepEqual((await list()).map((a) => [a.id, a.state]), [[alert.id, 'acknowledged']]);
      assert.deepEqual((json(await call('GET', `/api/v1/alerts?state=acknowledged&status=sent&ruleId=${ruleId}`)).items as Json[]).map((a) => a.id), [alert.id]);
      assert.deepEqual(json(await call('GET', `/api/v1/alerts?status=pending&ruleId=${ruleId}`)).items, [], 'no delivery of it is pending');

      // The same scan uploaded again (a client retry): no new alert, no new delivery.
      assert.ok([200, 201].includes((await call('POST', '/api/v1/scans', TOKENS.developer, body)).statusCode));
      const again = await list();
      assert.deepEqual(again.map((a) => [a.id, (a.deliveries as Json[]).length]), [[alert.id, 2]]);
      assert.equal(await new AlertDispatcher(db.store, { secretKey: KEY }).runOnce().then((r) => r.claimed), 0, 'nothing queued again');
    });
  });
}
