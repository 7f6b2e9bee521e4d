import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ACTION_ROUTES, ALLOWED, ROLES, can, visibleWriteActions, type Action } from './roles.js';

const golden = JSON.parse(readFileSync(new URL('../../../platform/src/server/authz.golden.json', import.meta.url), 'utf8')) as Record<string, string[]>;

test('every console action maps to a route of the API role matrix with the same roles', () => {
  for (const [action, route] of Object.entries(ACTION_ROUTES) as [Action, string][]) {
    assert.ok(golden[route], `${action}: ${route} is not in authz.golden.json`);
    assert.deepEqual([...ALLOWED[action]].sort(), [...golden[route]].sort(), `${action} (${route}) roles differ from the API`);
  }
});

test('the auditor sees no write action (report generation is an export the API grants every role)', () => {
  assert.deepEqual(visibleWriteActions('auditor'), ['report.generate']);
  assert.equal(can('auditor', 'audit.read'), true, 'auditors read the audit log');
});

test('developers only export reports; analysts triage but do not administer', () => {
  assert.deepEqual(visibleWriteActions('developer'), ['report.generate']);
  assert.equal(can('analyst', 'finding.triage'), true, 'analyst triages');
  assert.equal(can('analyst', 'alert.update'), true, 'analyst acknowledges, resolves and assigns alerts');
  assert.equal(can('developer', 'alert.update'), false, 'developers only read alerts');
  for (const a of ['user.create', 'token.create', 'destination.create', 'audit.read'] as const) assert.equal(can('analyst', a), false, `analyst may not ${a}`);
});

test('only admins administer tenants (the API further limits creation to the platform tenant)', () => {
  for (const role of ['analyst', 'developer', 'auditor'] as const) {
    for (const a of ['tenant.read', 'tenant.create', 'tenant.update'] as const) assert.equal(can(role, a), false, `${role} may not ${a}`);
  }
  for (const a of ['tenant.read', 'tenant.create', 'tenant.update'] as const) assert.equal(can('admin', a), true, `admin may ${a}`);
});

test('data retention: admins, analysts and auditors read it; only admins change or run it', () => {
  for (const r of ['admin', 'analyst', 'auditor'] as const) assert.equal(can(r, 'retention.read'), true, `${r} reads retention`);
  assert.equal(can('developer', 'retention.read'), false, 'developers do not read retention');
  for (const a of ['retention.update', 'retention.run'] as const) {
    assert.deepEqual(ROLES.filter((r) => can(r, a)), ['admin'], `only admins may ${a}`);
  }
});

test('admins see every action', () => {
  assert.equal(visibleWriteActions('admin').length, Object.values(ACTION_ROUTES).filter((r) => !r.startsWith('GET ')).length);
});

test('no role (signed out or unknown) may do anything', () => {
  for (const a of Object.keys(ACTION_ROUTES) as Action[]) {
    assert.equal(can(undefined, a), false, `undefined role may not ${a}`);
    assert.equal(can('root' as never, a), false, `unknown role may not ${a}`);
  }
  assert.equal(ROLES.length, 4);
});
