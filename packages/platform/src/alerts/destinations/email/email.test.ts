import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ExternalError } from '@bulwark/core';
import { SMTPServer } from 'smtp-server';
import { ctxAt, sampleAlert } from '../testing.js';
import { email, type EmailConfig } from './email.js';

interface Received {
  from: string;
  to: string[];
  user: string | undefined;
  data: string;
}

describe('email destination (SMTP server started in the test)', () => {
  const received: Received[] = [];
  let server: SMTPServer;
  let port: number;
  let tempFail = false;

  before(async () => {
    server = new SMTPServer({
      // Plain SMTP on loopback: no STARTTLS offered, so the test config uses security "none".
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth(auth, _session, cb) {
        if (auth.username === 'alerts' && auth.password === 'mail-pass-123') return cb(null, { user: 'alerts' });
        return cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onRcptTo(addr, _session, cb) {
        if (tempFail) return cb(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        if (addr.address.endsWith('@nowhere.example')) return cb(Object.assign(new Error('No such user'), { responseCode: 550 }));
        return cb();
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            data: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const config = (over: Partial<EmailConfig> = {}): EmailConfig => ({
    host: '127.0.0.1',
    port,
    security: 'none',
    username: 'alerts',
    password: 'mail-pass-123',
    from: 'bulwark@example.com',
    to: ['sec@example.com', 'oncall@example.com'],
    ...over,
  });

  it('authenticates and delivers a plain-text alert to every recipient', async () => {
    await email.send(config(), sampleAlert(), ctxAt(new Date(), 9));
    const m = received.at(-1)!;
    assert.equal(m.user, 'alerts');
    assert.equal(m.from, 'bulwark@example.com');
    assert.deepEqual(m.to, ['sec@example.com', 'oncall@example.com']);
    assert.match(m.data, /^Subject: /m);
    assert.match(m.data, /^X-Bulwark-Delivery: 9$/m);
    assert.match(m.data, /CVE-2021-44228/);
  });

  it('wrong password: final error (535)', async () => {
    await assert.rejects(email.send(config({ password: 'nope-nope' }), sampleAlert(), ctxAt()), (e: unknown) => e instanceof ExternalError && !e.retryable && /535|Invalid/.test(e.message));
  });

  it('4xx reply: retryable; 5xx reply: final', async () => {
    tempFail = true;
    try {
      await assert.rejects(email.send(config(), sampleAlert(), ctxAt()), (e: unknown) => e instanceof ExternalError && e.retryable);
    } finally {
      tempFail = false;
    }
    await assert.rejects(email.send(config({ to: ['x@nowhere.example'] }), sampleAlert(), ctxAt()), (e: unknown) => e instanceof ExternalError && !e.retryable);
  });

  it('requiring STARTTLS of a server that offers none fails for good', async () => {
    await assert.rejects(email.send(config({ security: 'starttls' }), sampleAlert(), ctxAt()), (e: unknown) => e instanceof ExternalError && !e.retryable);
  });

  it('a closed port is retryable', async () => {
    await assert.rejects(email.send(config({ port: 1 }), sampleAlert(), ctxAt()), (e: unknown) => e instanceof ExternalError && e.retryable);
  });

  it('masks the password', () => {
    assert.equal(email.mask(config()).password, '********');
    assert.equal(email.mask(config()).username, 'alerts');
  });
});
