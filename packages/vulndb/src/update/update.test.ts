import assert from 'node:assert/strict';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExternalError } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { tempDir } from '../sources/test-helpers.js';
import { VulnDb } from '../store/vulndb.js';
import { updateFromUpstream } from './update.js';

/** Upstream URL paths (under each feed's base) → files of shared/vulndb. */
const ROUTES: Record<string, string> = {
  '/osv/Go/all.zip': 'osv/Go/all.zip',
  '/osv/NuGet/all.zip': 'osv/NuGet/all.zip',
  '/kev/known_exploited_vulnerabilities.json': 'kev/known_exploited_vulnerabilities.json',
  '/flaky/known_exploited_vulnerabilities.json': 'kev/known_exploited_vulnerabilities.json',
  '/nodejs/core/index.json': 'nodejs/vuln/core/index.json',
  '/nodejs/npm/index.json': 'nodejs/vuln/npm/index.json',
};

let server: Server;
let base: string;
const seen: { path: string; conditional: boolean; status: number }[] = [];
let flakyFailures = 0;

before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const rel = ROUTES[path];
    const done = (status: number): void => {
      seen.push({ path, conditional: req.headers['if-none-match'] !== undefined, status });
    };
    if (path.startsWith('/flaky/') && flakyFailures < 2) {
      flakyFailures++;
      const status = flakyFailures === 1 ? 503 : 429;
      res.writeHead(status, status === 429 ? { 'retry-after': '0' } : {}).end();
      done(status);
      return;
    }
    if (!rel) {
      res.writeHead(404).end('not found');
      done(404);
      return;
    }
    const file = sharedPath('vulndb', rel);
    const st = statSync(file);
    const etag = `"${st.size}-${st.mtimeMs}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      done(304);
      return;
    }
    res.writeHead(200, { etag, 'content-length': st.size, 'last-modified': st.mtime.toUTCString() });
    createReadStream(file).pipe(res);
    done(200);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((r) => server.close(() => r())));

const feeds = ['osv', 'kev', 'nodejs-security-wg', 'alpine-secdb'];

describe('updateFromUpstream', () => {
  it('downloads the upstream layouts, imports them, and revalidates with conditional requests', async () => {
    const cacheDir = tempDir();
    const db = join(cacheDir, 'bulwark.db');
    const opts = {
      cacheDir,
      sources: feeds,
      osvEcosystems: ['Go', 'NuGet', 'NotThere'],
      alpineReleases: ['v3.99'],
      baseUrls: { osv: `${base}/osv`, kev: `${base}/kev`, 'nodejs-security-wg': `${base}/nodejs`, 'alpine-secdb': `${base}/alpine` },
      retryDelayMs: 5,
    };
    const first = await updateFromUpstream(db, opts);
    assert.ok(first.ok);
    const st = (id: string): string | undefined => first.sources.find((s) => s.id === id)?.status;
    assert.deepEqual([st('osv'), st('kev'), st('nodejs-security-wg')], ['imported', 'imported', 'imported']);
    assert.equal(first.downloads.filter((d) => d.status === 'downloaded').length, 5);
    assert.ok(first.downloads.some((d) => d.url.endsWith('/osv/NotThere/all.zip') && d.status === 'failed'), 'a missing ecosystem is tolerated');
    const v = VulnDb.open(db, { readonly: true });
    assert.ok(v.advisoriesFor('Go', 'stdlib').length > 100);
    assert.equal(v.status().totals.kev, 1662);
    v.close();

    seen.length = 0;
    const second = await updateFromUpstream(db, opts);
    assert.equal(second.downloads.filter((d) => d.status === 'not-modified').length, 5);
    assert.ok(seen.filter((s) => s.status === 304).every((s) => s.conditional));
    assert.ok(second.sources.filter((s) => s.status !== 'absent').every((s) => s.status === 'unchanged'));
  });

  it('retries 503 and 429 with back-off', async () => {
    const cacheDir = tempDir();
    const s = await updateFromUpstream(join(cacheDir, 'db'), { cacheDir, sources: ['kev'], baseUrls: { kev: `${base}/flaky` }, retries: 3, retryDelayMs: 5 });
    assert.equal(s.sources.find((x) => x.id === 'kev')?.status, 'imported');
    assert.deepEqual(seen.filter((x) => x.path.startsWith('/flaky/')).map((x) => x.status), [503, 429, 200]);
  });

  it('enforces the size limit', async () => {
    const cacheDir = tempDir();
    await assert.rejects(
      updateFromUpstream(join(cacheDir, 'db'), { cacheDir, sources: ['kev'], baseUrls: { kev: `${base}/kev` }, maxBytes: 1000, retryDelayMs: 1 }),
      (e) => e instanceof ExternalError && /exceeds the 1000-byte limit/.test(e.message),
    );
  });

  it('fails with an ExternalError naming every URL and the local-mirror alternative when nothing is reachable', async () => {
    const cacheDir = tempDir();
    const dead = 'http://127.0.0.1:1';
    await assert.rejects(
      updateFromUpstream(join(cacheDir, 'db'), {
        cacheDir,
        sources: ['kev', 'nodejs-security-wg'],
        baseUrls: { kev: dead, 'nodejs-security-wg': dead },
        retries: 2,
        retryDelayMs: 1,
        timeoutMs: 2000,
      }),
      (e) =>
        e instanceof ExternalError &&
        e.retryable &&
        e.message.includes(`${dead}/known_exploited_vulnerabilities.json`) &&
        e.message.includes(`${dead}/core/index.json`) &&
        e.message.includes('bulwark db import <dir>'),
    );
  });
});
