// Sends syslog messages over UDP (one datagram each, RFC 5426) or TCP (octet-counted frames, RFC 6587), shared by
// the syslog and cef destinations.
import { createSocket } from 'node:dgram';
import { isIPv6, connect } from 'node:net';
import { ExternalError } from '@bulwark/core';
import type { JsonSchema } from '../../check.js';
import { truncateBytes } from '../format.js';
import type { SendContext } from '../types.js';
import { octetCountingFrame } from './rfc5424.js';

export interface SyslogTarget {
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
  /** Longest message in bytes; longer ones are cut (UDP default 2048, the size RFC 5426 says receivers should take; TCP 65536). */
  maxMessageBytes?: number;
}

/** The config fields every syslog-carried destination has. */
export const syslogTargetProperties: Readonly<Record<string, JsonSchema>> = {
  host: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]-]+$', description: 'a host name or IP address' },
  port: { type: 'integer', minimum: 1, maximum: 65535 },
  transport: { type: 'string', enum: ['udp', 'tcp'] },
  maxMessageBytes: { type: 'integer', minimum: 480, maximum: 65000 },
  facility: { type: 'integer', minimum: 0, maximum: 23, description: 'syslog facility 0–23, default 16 (local0)' },
  appName: { type: 'string', minLength: 1, maxLength: 48, pattern: '^[!-~]+$', description: 'printable ASCII without spaces, at most 48' },
  hostname: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[!-~]+$', description: 'printable ASCII without spaces' },
};

function fail(kind: string, t: SyslogTarget, e: unknown): ExternalError {
  const err = e as { code?: string; message?: string };
  return new ExternalError({ source: `${kind} ${t.transport}://${t.host}:${t.port}`, message: err.code ?? err.message ?? String(e), retryable: true, cause: e });
}

function sendUdp(t: SyslogTarget, messages: Buffer[], ctx: SendContext, kind: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(t.host.replace(/^\[|\]$/g, '')) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => done(new Error('timed out')), ctx.timeoutMs);
    let finished = false;
    const done = (e?: unknown) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.close();
      if (e) reject(fail(kind, t, e));
      else resolve();
    };
    socket.on('error', done);
    let i = 0;
    const next = (e?: Error | null) => {
      if (e) return done(e);
      if (i >= messages.length) return done();
      socket.send(messages[i++], t.port, t.host.replace(/^\[|\]$/g, ''), next);
    };
    next();
  });
}

function sendTcp(t: SyslogTarget, messages: Buffer[], ctx: SendContext, kind: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: t.host.replace(/^\[|\]$/g, ''), port: t.port });
    let finished = false;
    const done = (e?: unknown) => {
      if (finished) return;
      finished = true;
      socket.destroy();
      if (e) reject(fail(kind, t, e));
      else resolve();
    };
    let flushed = false;
    // Written and flushed but the peer keeps the connection open: the bytes were delivered to its kernel.
    socket.setTimeout(ctx.timeoutMs, () => done(flushed ? undefined : new Error('timed out')));
    socket.on('error', done);
    socket.on('connect', () => {
      socket.end(Buffer.concat(messages.map((m) => octetCountingFrame(m.toString('utf8')))));
    });
    // 'close' after 'finish': the peer read to the end and closed its side too.
    socket.on('finish', () => {
      flushed = true;
    });
    socket.on('close', (hadError) => done(hadError || !flushed ? new Error('connection closed before the messages were sent') : undefined));
  });
}

/** Sends each message (already formatted) to the target; cuts messages longer than its maximum. */
export async function sendSyslog(t: SyslogTarget, messages: string[], ctx: SendContext, kind: string): Promise<void> {
  const max = t.maxMessageBytes ?? (t.transport === 'udp' ? 2048 : 65536);
  const bufs = messages.map((m) => Buffer.from(truncateBytes(m, max), 'utf8'));
  await (t.transport === 'udp' ? sendUdp(t, bufs, ctx, kind) : sendTcp(t, bufs, ctx, kind));
}
