// Test helpers for the destination senders: real local receivers (HTTP, UDP, TCP) and a sample alert.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import type { AlertPayload } from '../types.js';
import type { SendContext } from './types.js';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 whose `handle` answers each request (status, body) after it was read whole. */
export async function startHttpReceiver(handle: (req: ReceivedRequest) => { status: number; body: string; headers?: Record<string, string> }): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const out = handle(r);
      res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers });
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface DatagramReceiver {
  port: number;
  messages: Buffer[];
  /** Resolves once `n` messages arrived (rejects after 5 s). */
  waitFor(n: number): Promise<Buffer[]>;
  close(): Promise<void>;
}

function waiter(messages: Buffer[]) {
  const waits: { n: number; resolve: (m: Buffer[]) => void }[] = [];
  return {
    push(m: Buffer) {
      messages.push(m);
      for (const w of waits.filter((x) => messages.length >= x.n)) {
        waits.splice(waits.indexOf(w), 1);
        w.resolve(messages);
      }
    },
    waitFor(n: number): Promise<Buffer[]> {
      if (messages.length >= n) return Promise.resolve(messages);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`expected ${n} messages, got ${messages.length}`)), 5000);
        waits.push({ n, resolve: (m) => (clearTimeout(t), resolve(m)) });
      });
    },
  };
}

/** A UDP socket on 127.0.0.1: one datagram = one message. */
export async function startUdpReceiver(): Promise<DatagramReceiver> {
  const messages: Buffer[] = [];
  const w = waiter(messages);
  const socket = createSocket('udp4');
  socket.on('message', (m) => w.push(m));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, messages, waitFor: w.waitFor, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

/**
 * A TCP server on 127.0.0.1 that parses RFC 6587 octet-counted frames ("<len> <msg>") strictly: a length that
 * does not match the bytes that follow fails the frame (recorded in `errors`).
 */
export async function startTcpSyslogReceiver(): Promise<DatagramReceiver & { errors: string[] }> {
  const messages: Buffer[] = [];
  const errors: string[] = [];
  const w = waiter(messages);
  const server = createTcpServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const sp = buf.indexOf(0x20);
        if (sp < 0) return;
        const lenText = buf.subarray(0, sp).toString('ascii');
        if (!/^[1-9][0-9]{0,8}$/.test(lenText)) {
          errors.push(`bad frame length "${lenText}"`);
          sock.destroy();
          return;
        }
        const len = Number(lenText);
        if (buf.length < sp + 1 + len) return;
        w.push(buf.subarray(sp + 1, sp + 1 + len));
        buf = buf.subarray(sp + 1 + len);
      }
    });
    sock.on('end', () => {
      if (buf.length > 0) errors.push(`${buf.length} trailing bytes outside a frame`);
      sock.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    messages,
    errors,
    waitFor: w.waitFor,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const TEST_NOW = new Date('2026-03-01T12:00:00.000Z');

export function ctxAt(now = new Date(), deliveryId?: number): SendContext {
  return { timeoutMs: 3000, now, deliveryId };
}

/** An alert with awkward text: markdown, pipes, equals signs, newlines, non-ASCII. */
export function sampleAlert(over: Partial<AlertPayload> = {}): AlertPayload {
  return {
    version: 1,
    kind: 'alert',
    tenant: 1,
    rule: { id: 7, name: 'Prod | critical = page' },
    groupKey: 'ruleId=CVE-2021-44228',
    group: { ruleId: 'CVE-2021-44228' },
    title: '[CRITICAL] Prod | critical = page: 2 new findings — CVE-2021-44228',
    severity: 'critical',
    total: 3,
    counts: { new: 2, reopened: 1, fixed: 0 },
    findings: [
      { id: 11, ruleId: 'CVE-2021-44228', title: 'log4j *RCE* [link](http://x) a=b\\c\nnext', severity: 'critical', type: 'vulnerability', priority: 97.5, kev: true, asset: 'image:reg/app@sha256:1', target: 'reg/app:1', change: 'new' },
      { id: 12, ruleId: 'CVE-2021-44228', title: 'log4j — 日本語', severity: 'high', type: 'vulnerability', priority: 80, kev: false, asset: 'image:reg/api@sha256:2', target: 'reg/api:1', change: 'reopened' },
    ],
    suppressedSince: 4,
    scan: { id: 'scan-1', target: 'reg/app:1', kind: 'image' },
    createdAt: '2026-03-01T12:00:00.000Z',
    ...over,
  };
}

export interface ParsedSyslog {
  pri: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: { id: string; params: Record<string, string> }[];
  msg: string | undefined;
}

/** A strict RFC 5424 reader: header ABNF fields, structured data with its escapes, optional BOM-prefixed MSG. */
export function parseRfc5424(text: string): ParsedSyslog {
  const m = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(text);
  assert.ok(m, `not an RFC 5424 header: ${text.slice(0, 80)}`);
  let rest = text.slice(m[0].length);
  const sd: ParsedSyslog['sd'] = [];
  if (rest.startsWith('-')) rest = rest.slice(1);
  else {
    while (rest.startsWith('[')) {
      const idm = /^\[([^\s=\]"]{1,32})/.exec(rest);
      assert.ok(idm, `bad SD-ID at ${rest.slice(0, 40)}`);
      rest = rest.slice(idm[0].length);
      const params: Record<string, string> = {};
      while (rest.startsWith(' ')) {
        const pm = /^ ([^\s=\]"]{1,32})="/.exec(rest);
        assert.ok(pm, `bad SD-PARAM at ${rest.slice(0, 40)}`);
        rest = rest.slice(pm[0].length);
        let v = '';
        for (;;) {
          const c = rest[0];
          assert.ok(c !== undefined, 'unterminated PARAM-VALUE');
          if (c === '\\' && ['"', '\\', ']'].includes(rest[1])) {
            v += rest[1];
            rest = rest.slice(2);
          } else if (c === '"') {
            rest = rest.slice(1);
            break;
          } else {
            assert.ok(c !== ']', 'unescaped ] inside PARAM-VALUE');
            v += c;
            rest = rest.slice(1);
          }
        }
        params[pm[1]] = v;
      }
      assert.ok(rest.startsWith(']'), 'SD-ELEMENT not closed');
      rest = rest.slice(1);
      sd.push({ id: idm[1], params });
    }
  }
  let msg: string | undefined;
  if (rest.length > 0) {
    assert.ok(rest.startsWith(' '), 'MSG must follow a space');
    msg = rest.slice(1);
  }
  const ts = m[2];
  assert.ok(!Number.isNaN(Date.parse(ts)) && /Z$|[+-]\d{2}:\d{2}$/.test(ts), `bad TIMESTAMP ${ts}`);
  return { pri: Number(m[1]), timestamp: ts, hostname: m[3], appName: m[4], procId: m[5], msgId: m[6], sd, msg };
}

