// `bulwark server` as a user starts it: first run creates the default tenant and prints its admin token once; the
// API answers with that token; SIGTERM stops it cleanly; a restart on the same data keeps the tenant and prints no token.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@bulwark/core/testing';

const data = mkdtempSync(join(tmpdir(), 'bulwark-server-e2e-'));
after(() => rmSync(data, { recursive: true, force: true }));

interface Running {
  url: string;
  token?: string;
  stop(): Promise<number | null>;
}

function start(): Promise<Running> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/bulwark'), 'server', '--data', data, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (!url) return;
      clearTimeout(timer);
      const token = /keep it now\): (bwk_\S+)/.exec(out)?.[1];
      resolve({ url, ...(token ? { token } : {}), stop: () => (child.kill('SIGTERM'), exited) });
    });
    void exited.then((code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

test('bulwark server: first admin token once, API behind it, clean stop, restart keeps the tenant', { timeout: 120_000 }, async () => {
  const first = await start();
  try {
    assert.ok(first.token, 'first run prints the admin token');
    assert.equal((await fetch(`${first.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${first.url}/readyz`)).status, 200);
    assert.match(await (await fetch(`${first.url}/metrics`)).text(), /bulwark_http_requests_total/);
    assert.equal((await fetch(`${first.url}/api/v1/findings`)).status, 401, 'no token');
    const list = await fetch(`${first.url}/api/v1/findings`, { headers: { authorization: `Bearer ${first.token}` } });
    assert.equal(list.status, 200, await list.clone().text());
    assert.deepEqual(((await list.json()) as { items: unknown[] }).items, []);
  } finally {
    assert.equal(await first.stop(), 0, 'SIGTERM stops it with exit 0');
  }
  const second = await start();
  try {
    assert.equal(second.token, undefined, 'no new token on restart');
    const list = await fetch(`${second.url}/api/v1/findings`, { headers: { authorization: `Bearer ${first.token}` } });
    assert.equal(list.status, 200, 'the first token still works after a restart');
  } finally {
    assert.equal(await second.stop(), 0);
  }
});
