// `bulwark tenant|user create` and `bulwark audit verify` on a real data directory, then a tampered audit row.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from './run-cli.js';

const data = mkdtempSync(join(tmpdir(), 'bulwark-admin-e2e-'));
after(() => rmSync(data, { recursive: true, force: true }));

test('tenant and user creation are audited; audit verify passes, then fails on a tampered record', { timeout: 120_000 }, () => {
  const t = runCli(['tenant', 'create', 'acme', '--name', 'Acme Corp', '--data', data]);
  assert.equal(t.status, 0, t.stderr);
  const u = runCli(['user', 'create', '--tenant', 'acme', '--email', 'ana@acme.example', '--role', 'analyst', '--password-stdin', '--data', data], { input: 'a long enough password\n' });
  assert.equal(u.status, 0, u.stderr);
  assert.match(u.stdout, /ana@acme\.example \(analyst\) created/);

  const short = runCli(['user', 'create', '--tenant', 'acme', '--email', 'bob@acme.example', '--role', 'analyst', '--password-stdin', '--data', data], { input: 'short\n' });
  assert.equal(short.status, 2, 'a short password is bad input');
  assert.match(short.stderr, /password/);
  const noTenant = runCli(['user', 'create', '--tenant', 'nope', '--email', 'x@y.example', '--role', 'analyst', '--data', data]);
  assert.equal(noTenant.status, 2);
  assert.match(noTenant.stderr, /no tenant "nope"/);

  const tok = runCli(['token', 'create', '--name', 'ci-main', '--tenant', 'acme', '--data', data]);
  assert.equal(tok.status, 0, tok.stderr);
  assert.match(tok.stdout, /^bwk_[A-Za-z0-9_-]{43}\n$/);
  const reset = runCli(['user', 'reset-password', '--tenant', 'acme', '--email', 'ANA@acme.example', '--data', data]);
  assert.equal(reset.status, 0, reset.stderr);
  assert.match(reset.stdout, /new password for ANA@acme\.example \(shown once\): \S{20,}/);

  const ok = runCli(['audit', 'verify', '--data', data, '--format', 'json']);
  assert.equal(ok.status, 0, ok.stderr);
  const v = JSON.parse(ok.stdout) as { ok: boolean; checked: number };
  assert.equal(v.ok, true);
  assert.equal(v.checked, 3, 'user.create, token.create and user.update records');

  const db = new Database(join(data, 'bulwark.db'));
  db.prepare("UPDATE audit_log SET details = replace(details, 'analyst', 'admin')").run();
  db.close();
  const broken = runCli(['audit', 'verify', '--data', data]);
  assert.equal(broken.status, 1, 'a broken chain exits 1');
  assert.match(broken.stdout, /BROKEN at tenant \d+ record 1/);
});
