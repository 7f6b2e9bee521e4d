import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ExternalError } from '@bulwark/core';
import { ctxAt, parseRfc5424, sampleAlert, startTcpSyslogReceiver, startUdpReceiver, TEST_NOW, type DatagramReceiver, type ParsedSyslog as Parsed } from '../testing.js';
import { formatRfc5424, headerField, octetCountingFrame, sdValue } from './rfc5424.js';
import { SD_ID, syslog } from './syslog.js';

describe('RFC 5424 formatting', () => {
  it('formats header, structured data escapes and BOM', () => {
    const line = formatRfc5424({
      facility: 16,
      severity: 2,
      timestamp: TEST_NOW,
      hostname: 'host one',
      appName: 'bulwark',
      procId: '42',
      msgId: 'alert',
      structuredData: [{ id: 'x@32473', params: [['a', 'q"b\\c]d']] }],
      msg: 'héllo',
      bom: true,
    });
    assert.equal(line, '<130>1 2026-03-01T12:00:00.000Z hostone bulwark 42 alert [x@32473 a="q\\"b\\\\c\\]d"] \ufeffhéllo');
    const p = parseRfc5424(line);
    assert.deepEqual(p.sd, [{ id: 'x@32473', params: { a: 'q"b\\c]d' } }]);
    assert.equal(sdValue(']'), '\\]');
    assert.equal(headerField('', 48), '-');
    assert.equal(headerField('x'.repeat(60), 48).length, 48);
    assert.equal(octetCountingFrame('é').toString('utf8'), '2 é');
  });
});

describe('syslog destination', () => {
  let udp: DatagramReceiver;
  let tcp: DatagramReceiver & { errors: string[] };
  before(async () => {
    udp = await startUdpReceiver();
    tcp = await startTcpSyslogReceiver();
  });
  after(async () => {
    await udp.close();
    await tcp.close();
  });

  function check(raw: Buffer): Parsed {
    const p = parseRfc5424(raw.toString('utf8'));
    assert.equal(p.pri, 16 * 8 + 2, 'local0.crit for a critical alert');
    assert.equal(p.hostname, 'scanner-1');
    assert.equal(p.appName, 'bulwark');
    assert.equal(p.msgId, 'alert');
    assert.equal(p.sd[0].id, SD_ID);
    assert.deepEqual(
      { rule: p.sd[0].params.rule, groupKey: p.sd[0].params.groupKey, total: p.sd[0].params.total, delivery: p.sd[0].params.delivery },
      { rule: 'Prod | critical = page', groupKey: 'ruleId=CVE-2021-44228', total: '3', delivery: '5' },
    );
    assert.ok(p.msg?.startsWith('\ufeff[CRITICAL]'), 'MSG is BOM + title');
    assert.ok(!p.msg!.includes('\n'), 'MSG is one line');
    return p;
  }

  it('sends one RFC 5424 datagram over UDP', async () => {
    await syslog.send({ host: '127.0.0.1', port: udp.port, transport: 'udp', hostname: 'scanner-1' }, sampleAlert(), ctxAt(TEST_NOW, 5));
    const [m] = await udp.waitFor(1);
    check(m);
  });

  it('sends octet-counted frames over TCP (RFC 6587)', async () => {
    await syslog.send({ host: '127.0.0.1', port: tcp.port, transport: 'tcp', hostname: 'scanner-1' }, sampleAlert(), ctxAt(TEST_NOW, 5));
    await syslog.send({ host: '127.0.0.1', port: tcp.port, transport: 'tcp', hostname: 'scanner-1' }, sampleAlert(), ctxAt(TEST_NOW, 5));
    const ms = await tcp.waitFor(2);
    ms.forEach(check);
    assert.deepEqual(tcp.errors, []);
  });

  it('cuts UDP messages to maxMessageBytes without splitting a character', async () => {
    const before = udp.messages.length;
    await syslog.send({ host: '127.0.0.1', port: udp.port, transport: 'udp', hostname: 'scanner-1', maxMessageBytes: 480 }, sampleAlert(), ctxAt(TEST_NOW, 5));
    const ms = await udp.waitFor(before + 1);
    const m = ms.at(-1)!;
    assert.ok(m.byteLength <= 480, `${m.byteLength} bytes`);
    assert.ok(!m.toString('utf8').includes('\ufffd'), 'valid UTF-8');
  });

  it('TCP connection refused is retryable', async () => {
    await assert.rejects(syslog.send({ host: '127.0.0.1', port: 1, transport: 'tcp' }, sampleAlert(), ctxAt()), (e: unknown) => e instanceof ExternalError && e.retryable && /ECONNREFUSED/.test(e.message));
  });
});
