import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { copyFileSync, createReadStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { sharedPath } from '@bulwark/core/testing';
import { runCli, runCliAsync } from './run-cli.js';

let work: string;
let server: Server;
let port: number;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulwark-db-cli-'));
  const root = sharedPath('vulndb');
  server = createServer((req, res) => {
    const rel = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, rel);
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.close();
  rmSync(work, { recursive: true, force: true });
});

test('db import, re-import (unchanged) and status', () => {
  const db = join(work, 'import.db');
  const first = runCli(['db', 'import', sharedPath('vulndb'), '--source', 'kev', 'epss', 'osv', '--db', db]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /kev\s+imported/);
  assert.match(first.stdout, /osv\s+imported\s+8758/);
  const again = runCli(['db', 'import', sharedPath('vulndb'), '--source', 'kev', 'epss', 'osv', '--db', db]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /kev\s+unchanged/);
  const status = runCli(['db', 'status', '--db', db]);
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, /osv\s+2026-08-21/);
  assert.match(status.stdout, /total: 8758 advisories, 1662 KEV, 360142 EPSS/);
  assert.match(status.stdout, /warning: the data is older than 7 days/);
  const json = JSON.parse(runCli(['db', 'status', '--db', db, '--json']).stdout) as { totals: { kev: number } };
  assert.equal(json.totals.kev, 1662);
});

test('a feed that fails to import keeps its previous data and the command says so', () => {
  const mirror = join(work, 'mirror');
  mkdirSync(join(mirror, 'kev'), { recursive: true });
  const kev = join(mirror, 'kev', 'known_exploited_vulnerabilities.json');
  copyFileSync(sharedPath('vulndb', 'kev', 'known_exploited_vulnerabilities.json'), kev);
  const db = join(work, 'atomic.db');
  assert.equal(runCli(['db', 'import', mirror, '--db', db]).status, 0);
  writeFileSync(kev, '{"catalogVersion": "2026.09.01", "vulnerabilities": [ {"cveID": "CVE-2026-0001"');
  const broken = runCli(['db', 'import', mirror, '--db', db]);
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /bulwark: error: kev: .*known_exploited_vulnerabilities\.json.*\(its previous data is kept\)/);
  const status = JSON.parse(runCli(['db', 'status', '--db', db, '--json']).stdout) as { totals: { kev: number } };
  assert.equal(status.totals.kev, 1662, 'the previous KEV catalog is intact');
});

test('db update --mirror downloads the same layout over HTTP and imports it', async () => {
  const db = join(work, 'update.db');
  const r = await runCliAsync(['db', 'update', '--mirror', `http://127.0.0.1:${port}`, '--source', 'osv', 'kev', '--db', db], { env: { BULWARK_CACHE_DIR: join(work, 'cache') } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /osv\s+imported/);
  assert.match(r.stdout, /kev\s+imported/);
  const status = JSON.parse(runCli(['db', 'status', '--db', db, '--json']).stdout) as { totals: { kev: number; advisories: number } };
  assert.equal(status.totals.kev, 1662);
  assert.ok(status.totals.advisories >= 8758);
});

test('db update with nothing reachable fails clearly (exit 3) and points at db import', () => {
  const r = runCli(['db', 'update', '--mirror', 'http://127.0.0.1:9', '--source', 'kev', '--db', join(work, 'none.db')], {
    env: { BULWARK_CACHE_DIR: join(work, 'cache-none') },
  });
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /127\.0\.0\.1:9/);
  assert.match(r.stderr, /bulwark db import <dir>/);
});
