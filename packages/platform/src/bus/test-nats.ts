// Test helper: a real nats-server with JetStream on its own free port and storage directory, that tests can stop,
// kill and start again on the same port and directory (a NATS restart keeps its streams).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NATS_SERVER_BIN = process.env.BULWARK_TEST_NATS_SERVER ?? '/usr/sbin/nats-server';

export interface TestNats {
  url: string;
  port: number;
  /** JetStream storage directory (kept across restarts). */
  dir: string;
  /** SIGTERM and wait: JetStream flushes its files. */
  stop(): Promise<void>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  cleanup(): Promise<void>;
  /** Everything the server logged, for failure messages. */
  log(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts nats-server with JetStream; `maxPayload` (bytes) lowers the message size limit to force multi-part uploads. */
export async function startTestNats(opts: { maxPayload?: number } = {}): Promise<TestNats> {
  if (!existsSync(NATS_SERVER_BIN)) {
    throw new Error(`${NATS_SERVER_BIN} not found: the bus tests need nats-server (Debian package nats-server, or set BULWARK_TEST_NATS_SERVER)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-nats-'));
  const port = await freePort();
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir];
  if (opts.maxPayload !== undefined) {
    const conf = join(dir, 'nats.conf');
    writeFileSync(conf, `max_payload: ${opts.maxPayload}\n`);
    args.unshift('-c', conf);
  }
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let logText = '';

  const start = async (): Promise<void> => {
    const c = spawn(NATS_SERVER_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${logText.slice(-2000)}`)), 20_000);
      c.stderr!.on('data', (d: Buffer) => {
        logText += d.toString();
        if (logText.length > 200_000) logText = logText.slice(-100_000);
        if (/Server is ready/.test(logText.slice(-4000))) {
          clearTimeout(timer);
          resolve();
        }
      });
      c.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited ${code}: ${logText.slice(-2000)}`));
      });
    });
    // A later exit rejects a promise already resolved: no effect.
    logText += '\n--- ready ---\n';
  };
  const signalAndWait = async (sig: NodeJS.Signals): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill(sig);
      await exited;
    }
    child = undefined;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    dir,
    stop: () => signalAndWait('SIGTERM'),
    kill: () => signalAndWait('SIGKILL'),
    start,
    async cleanup() {
      await signalAndWait('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => logText,
  };
}
