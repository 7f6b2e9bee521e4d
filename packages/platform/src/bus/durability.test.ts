// Acceptance: with PostgreSQL and NATS, real `bulwark server --nats` and `bulwark worker` processes (the built CLI,
// as the other e2e tests run it) ingest 100 scans x 1,000 findings while being killed with SIGKILL and restarted, or
// while nats-server restarts; afterwards the stored findings equal the sent set exactly and every scan is stored once.
// nats-server runs with an 8 KiB max_payload so every upload (~21 KiB compressed) travels as 3 parts: staging is exercised too.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '@bulwark/core/testing';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { PG_START_HINT, PG_TEST_URL } from '../storage/test-backends.js';
import { DEAD_STREAM, INGEST_STREAM } from './nats.js';
import { startTestNats, type TestNats } from './test-nats.js';

const SCANS = 100;
const FINDINGS = 1000;
const UPLOADERS = 3;
const BIN = join(REPO_ROOT, 'bin/bulwark');
const BUNDLE = join(REPO_ROOT, 'packages/cli/dist/bulwark.mjs');

const schemas: string[] = [];
after(async () => {
  for (const s of schemas) await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)).catch(() => undefined);
});

async function admin<T>(fn: (c: pg.Client) => Promise<T>, schema?: string): Promise<T> {
  const c = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 5000, ...(schema ? { options: `-c search_path="${schema}"` } : {}) });
  try {
    await c.connect();
  } catch (e) {
    throw new Error(`${PG_START_HINT}. Connection error: ${(e as Error).message}`);
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** One uploaded scan as its HTTP body, with the fingerprints it carries. */
function scanBody(i: number): string {
  const severities = ['critical', 'high', 'medium', 'low'];
  const findings = Array.from({ length: FINDINGS }, (_, j) => ({
    fingerprint: `dur-${i}-${j}`,
    type: 'vulnerability',
    ruleId: `CVE-2025-${10000 + j}`,
    title: `Out-of-bounds read in lib${j % 100} (scan ${i})`,
    severity: severities[j % 4],
    cvss: (j % 100) / 10,
    asset: { kind: 'package', key: `pkg:npm/lib${j % 100}@${i}.${j % 13}.0` },
    payload: { installedVersion: `${i}.${j % 13}.0`, fixedVersion: `${i}.${j % 13}.1`, path: `/app/node_modules/lib${j % 100}/package.json` },
  }));
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
  return JSON.stringify({ scan: { id: `dur-scan-${i}`, target: `registry.test/app-${i}:1`, kind: 'image', startedAt: at, finishedAt: at }, findings });
}

const expectedFingerprints = (): Set<string> => new Set(Array.from({ length: SCANS * FINDINGS }, (_, k) => `dur-${Math.floor(k / FINDINGS)}-${k % FINDINGS}`));

/** A CLI process; its output is kept (the tail) for failure messages. */
class Proc {
  readonly child: ChildProcess;
  private out = '';
  private readonly exited: Promise<number | null>;
  constructor(
    readonly label: string,
    args: string[],
  ) {
    this.child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1', NO_COLOR: '1', BULWARK_LOG_LEVEL: 'warn' } });
    const keep = (d: Buffer): void => {
      this.out += d.toString();
      if (this.out.length > 40_000) this.out = this.out.slice(-20_000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, sig) => resolve(code ?? (sig ? -1 : null))));
  }
  output(): string {
    return `--- ${this.label} ---\n${this.out.slice(-3000)}`;
  }
  async waitFor(re: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.out);
      if (m) return m;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`${this.label} exited before printing ${re}\n${this.output()}`);
      if (Date.now() > end) throw new Error(`${this.label} did not print ${re} in time\n${this.output()}`);
      await sleep(50);
    }
  }
  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }
}

interface Cluster {
  db: string;
  schema: string;
  nats: TestNats;
  token: string;
  server?: Proc;
  serverUrl?: string;
  workers: (Proc | undefined)[];
  logs: string[];
  startServer(): Promise<void>;
  startWorker(n: number): Promise<void>;
  diagnostics(): string;
}

async function cluster(): Promise<Cluster> {
  assert.ok(existsSync(BUNDLE), `${BUNDLE} missing: run \`npm run build\` first (npm test does)`);
  await admin((c) => c.query('SELECT 1'));
  const schema = `blw_dur_${process.pid}_${randomBytes(4).toString('hex')}`;
  schemas.push(schema);
  const nats = await startTestNats({ maxPayload: 8 * 1024 });
  const c: Cluster = {
    db: `${PG_TEST_URL}?schema=${schema}`,
    schema,
    nats,
    token: '',
    workers: [],
    logs: [],
    async startServer() {
      const p = new Proc(`server#${c.logs.length}`, ['server', '--database', c.db, '--nats', nats.url, '--host', '127.0.0.1', '--port', '0']);
      c.server = p;
      const m = await p.waitFor(/listening on (http:\/\/\S+)/);
      const token = /keep it now\): (bwk_\S+)/.exec(p.output())?.[1];
      if (token) c.token = token;
      c.serverUrl = m[1];
    },
    async startWorker(n) {
      const p = new Proc(`worker${n}#${c.logs.length}`, ['worker', '--database', c.db, '--nats', nats.url, '--ack-wait', '3', '--concurrency', '2']);
      c.workers[n] = p;
      await p.waitFor(/bulwark worker consuming from/);
    },
    diagnostics() {
      return [...c.logs, c.server?.output() ?? '', ...c.workers.map((w) => w?.output() ?? ''), `--- nats ---\n${nats.log().slice(-2000)}`].join('\n');
    },
  };
  return c;
}

async function storedScans(c: Cluster): Promise<number> {
  return Number((await admin((q) => q.query('SELECT count(*) AS n FROM scans'), c.schema)).rows[0].n);
}

/** Kills with SIGKILL (keeping its output for diagnostics). */
async function kill9(c: Cluster, p: Proc | undefined): Promise<void> {
  if (!p) return;
  await p.kill9();
  c.logs.push(p.output());
}

interface UploadRun {
  acked: () => number;
  done: Promise<void>;
  retries: () => number;
  statuses: Map<number, number>;
}

/** UPLOADERS clients post the scans, each retrying on connection errors and 5xx until it gets a 2xx. */
function uploadAll(c: Cluster, deadline: number): UploadRun {
  let next = 0;
  let acked = 0;
  let retries = 0;
  const statuses = new Map<number, number>();
  const uploader = async (): Promise<void> => {
    while (next < SCANS) {
      const i = next++;
      const body = scanBody(i);
      for (;;) {
        if (Date.now() > deadline) throw new Error(`scan ${i} not accepted before the deadline`);
        const url = c.serverUrl;
        if (url) {
          try {
            const res = await fetch(`${url}/api/v1/scans`, {
              method: 'POST',
              headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
              body,
              signal: AbortSignal.timeout(20_000),
            });
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            await res.arrayBuffer();
            if (res.status >= 200 && res.status < 300) break;
            if (res.status < 500) throw new Error(`scan ${i}: HTTP ${res.status}`);
          } catch (e) {
            if ((e as Error).message.startsWith(`scan ${i}: HTTP`)) throw e;
          }
        }
        retries++;
        await sleep(200);
      }
      acked++;
    }
  };
  const done = Promise.all(Array.from({ length: UPLOADERS }, uploader)).then(() => undefined);
  return { acked: () => acked, done, retries: () => retries, statuses };
}

async function until(what: string, cond: () => boolean | Promise<boolean>, deadline: number, c: Cluster): Promise<void> {
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${c.diagnostics()}`);
    await sleep(100);
  }
}

async function streamCounts(url: string): Promise<{ ingest: number; dead: number }> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    return { ingest: (await jsm.streams.info(INGEST_STREAM)).state.messages, dead: (await jsm.streams.info(DEAD_STREAM)).state.messages };
  } finally {
    await nc.close();
  }
}

/** Waits until the store holds every scan, then checks the stored set equals the sent set exactly. */
async function verify(c: Cluster, deadline: number): Promise<{ seconds: number }> {
  const started = Date.now();
  await until(
    'all scans stored',
    async () => Number((await admin((q) => q.query('SELECT count(*) AS n FROM scans'), c.schema)).rows[0].n) === SCANS,
    deadline,
    c,
  );
  const { fingerprints, scans } = await admin(async (q) => ({
    fingerprints: (await q.query('SELECT fingerprint FROM findings')).rows.map((r) => r.fingerprint as string),
    scans: (await q.query('SELECT id, counts FROM scans')).rows as { id: string; counts: { findings: number; new: number } }[],
  }), c.schema);
  const expected = expectedFingerprints();
  assert.equal(fingerprints.length, SCANS * FINDINGS, 'stored finding count equals sent count');
  assert.equal(new Set(fingerprints).size, fingerprints.length, 'no duplicate fingerprints');
  const stored = new Set(fingerprints);
  const missing = [...expected].filter((f) => !stored.has(f));
  assert.deepEqual(missing.slice(0, 10), [], `no finding lost (${missing.length} missing)`);
  assert.ok(fingerprints.every((f) => expected.has(f)), 'nothing stored that was not sent');
  assert.equal(scans.length, SCANS, 'every scan recorded once');
  assert.deepEqual(new Set(scans.map((s) => s.id)), new Set(Array.from({ length: SCANS }, (_, i) => `dur-scan-${i}`)));
  const wrong = scans.filter((s) => s.counts.findings !== FINDINGS || s.counts.new !== FINDINGS);
  assert.deepEqual(wrong, [], 'each scan was ingested whole, in one go');
  // Redelivered parts of already stored uploads may still be in flight (staged, then dropped): judge the staging
  // table once the work queue is empty.
  await until('the work queue to drain', async () => (await streamCounts(c.nats.url)).ingest === 0, deadline, c);
  const staged = Number((await admin((q) => q.query('SELECT count(*) AS n FROM bus_scan_parts'), c.schema)).rows[0].n);
  assert.equal(staged, 0, 'no staged part left behind');
  assert.equal((await streamCounts(c.nats.url)).dead, 0, 'no dead letters');
  return { seconds: (Date.now() - started) / 1000 };
}

async function shutdown(c: Cluster): Promise<void> {
  const procs = [c.server, ...c.workers].filter((p): p is Proc => p !== undefined);
  const codes = await Promise.all(procs.map((p) => p.stop()));
  assert.deepEqual(codes, procs.map(() => 0), `SIGTERM stops every process cleanly\n${c.diagnostics()}`);
}

test('durability: kill -9 of the server and of workers mid-ingest loses and duplicates nothing', { timeout: 240_000 }, async () => {
  const c = await cluster();
  const deadline = Date.now() + 200_000;
  try {
    await c.startServer();
    assert.ok(c.token, 'first start printed the admin token');
    await Promise.all([c.startWorker(0), c.startWorker(1)]);
    const started = Date.now();
    const run = uploadAll(c, deadline);
    const chaos = (async () => {
      await until('25 scans accepted', () => run.acked() >= 25, deadline, c);
      c.logs.push(`killing worker0 at ${run.acked()} accepted, ${await storedScans(c)} stored`);
      await kill9(c, c.workers[0]);
      // Not awaited: the uploads go on meanwhile, so the next kill lands where it is meant to.
      const restarted = c.startWorker(0);
      await until('50 scans accepted', () => run.acked() >= 50, deadline, c);
      c.logs.push(`killing the server at ${run.acked()} accepted, ${await storedScans(c)} stored`);
      c.serverUrl = undefined;
      await kill9(c, c.server);
      await c.startServer();
      await until('75 scans accepted', () => run.acked() >= 75, deadline, c);
      c.logs.push(`killing the server and worker1 at ${run.acked()} accepted, ${await storedScans(c)} stored`);
      c.serverUrl = undefined;
      await Promise.all([kill9(c, c.server), kill9(c, c.workers[1])]);
      await Promise.all([c.startServer(), c.startWorker(1), restarted]);
    })();
    await Promise.all([run.done, chaos]);
    const accepted = (Date.now() - started) / 1000;
    const { seconds } = await verify(c, deadline);
    await shutdown(c);
    process.stdout.write(
      `# durability (kill -9): ${SCANS * FINDINGS} findings accepted in ${accepted.toFixed(1)} s, stored ${seconds.toFixed(1)} s later; ` +
        `${run.retries()} client retries; statuses ${JSON.stringify(Object.fromEntries(run.statuses))}\n# ${c.logs.filter((l) => !l.startsWith('---')).join('; ')}\n`,
    );
  } catch (e) {
    process.stderr.write(c.diagnostics());
    throw e;
  } finally {
    await Promise.all([c.server?.kill9(), ...c.workers.map((w) => w?.kill9())]);
    await c.nats.cleanup();
  }
});

test('durability: nats-server restarted mid-stream loses and duplicates nothing', { timeout: 240_000 }, async () => {
  const c = await cluster();
  const deadline = Date.now() + 200_000;
  try {
    await c.startServer();
    await Promise.all([c.startWorker(0), c.startWorker(1)]);
    const started = Date.now();
    const run = uploadAll(c, deadline);
    const chaos = (async () => {
      await until('30 scans accepted', () => run.acked() >= 30, deadline, c);
      c.logs.push(`stopping nats at ${run.acked()} accepted, ${await storedScans(c)} stored`);
      await c.nats.stop();
      await sleep(3000);
      c.logs.push(`starting nats at ${run.acked()} accepted`);
      await c.nats.start();
      await until('65 scans accepted', () => run.acked() >= 65, deadline, c);
      c.logs.push(`stopping nats again at ${run.acked()} accepted, ${await storedScans(c)} stored`);
      await c.nats.stop();
      await c.nats.start();
    })();
    await Promise.all([run.done, chaos]);
    const accepted = (Date.now() - started) / 1000;
    const { seconds } = await verify(c, deadline);
    assert.ok([...run.statuses.keys()].some((s) => s >= 500), `the outage was seen by clients as 5xx: ${JSON.stringify(Object.fromEntries(run.statuses))}`);
    await shutdown(c);
    process.stdout.write(
      `# durability (nats restart): ${SCANS * FINDINGS} findings accepted in ${accepted.toFixed(1)} s, stored ${seconds.toFixed(1)} s later; ` +
        `${run.retries()} client retries; statuses ${JSON.stringify(Object.fromEntries(run.statuses))}\n# ${c.logs.filter((l) => !l.startsWith('---')).join('; ')}\n`,
    );
  } catch (e) {
    process.stderr.write(c.diagnostics());
    throw e;
  } finally {
    await Promise.all([c.server?.kill9(), ...c.workers.map((w) => w?.kill9())]);
    await c.nats.cleanup();
  }
});
