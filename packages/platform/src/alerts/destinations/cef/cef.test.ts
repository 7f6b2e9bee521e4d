import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ctxAt, parseRfc5424, sampleAlert, startTcpSyslogReceiver, startUdpReceiver, TEST_NOW, type DatagramReceiver } from '../testing.js';
import { cef, cefHeaderEscape, cefValueEscape, formatCef } from './cef.js';

/** A CEF reader following the spec's escaping: header split on unescaped pipes, extension on unescaped '='. */
function parseCef(line: string): { header: string[]; ext: Record<string, string> } {
  assert.ok(line.startsWith('CEF:0|'), `not CEF:0: ${line.slice(0, 40)}`);
  const header: string[] = [];
  let cur = '';
  let i = 0;
  while (header.length < 7) {
    const c = line[i];
    assert.ok(c !== undefined, 'header has fewer than 8 fields');
    if (c === '\\' && (line[i + 1] === '|' || line[i + 1] === '\\')) {
      cur += line[i + 1];
      i += 2;
    } else if (c === '|') {
      header.push(cur);
      cur = '';
      i++;
    } else {
      assert.ok(c !== '\n' && c !== '\r', 'line break in header');
      cur += c;
      i++;
    }
  }
  const rest = line.slice(i);
  assert.ok(!/[\r\n]/.test(rest), 'raw line break in extension');
  // Keys start after a space (or at the start) and end at an unescaped '='.
  const ext: Record<string, string> = {};
  const keyAt = /(?:^| )([A-Za-z0-9_]+)=/g;
  const keys: { key: string; start: number; valueStart: number }[] = [];
  for (let m; (m = keyAt.exec(rest)); ) {
    if (m.index > 0 && rest[m.index - 1] === '\\') continue;
    keys.push({ key: m[1], start: m.index, valueStart: m.index + m[0].length });
  }
  keys.forEach((k, n) => {
    const raw = rest.slice(k.valueStart, n + 1 < keys.length ? keys[n + 1].start : rest.length);
    assert.ok(!/(^|[^\\])(\\\\)*=/.test(raw), `unescaped = in value of ${k.key}: ${raw}`);
    ext[k.key] = raw.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch === 'r' ? '\r' : ch));
  });
  return { header: header.slice(1), ext };
}

describe('CEF formatting', () => {
  it('escapes header pipes and backslashes, extension backslashes, equals and line breaks', () => {
    assert.equal(cefHeaderEscape('a|b\\c\nd'), 'a\\|b\\\\c d');
    assert.equal(cefValueEscape('a=b\\c|d\r\ne\rf'), 'a\\=b\\\\c|d\\ne\\rf');
    const line = formatCef({ signatureId: 'X|1', name: 'n\\m', severity: 10, extension: [['msg', 'k=v\nnext'], ['cs1', 'a b']] });
    assert.equal(line, 'CEF:0|Bulwark|Bulwark|1|X\\|1|n\\\\m|10|msg=k\\=v\\nnext cs1=a b');
    assert.deepEqual(parseCef(line), { header: ['Bulwark', 'Bulwark', '1', 'X|1', 'n\\m', '10'], ext: { msg: 'k=v\nnext', cs1: 'a b' } });
  });
});

describe('cef destination', () => {
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

  function check(raws: Buffer[]): void {
    assert.equal(raws.length, 2, 'one event per listed finding');
    const [a, b] = raws.map((r) => {
      const s = parseRfc5424(r.toString('utf8'));
      assert.equal(s.msgId, 'cef');
      assert.ok(s.msg && !s.msg.startsWith('\ufeff'), 'no BOM before CEF');
      return parseCef(s.msg);
    });
    assert.deepEqual(a.header, ['Bulwark', 'Bulwark', '1', 'CVE-2021-44228', 'log4j *RCE* [link](http://x) a=b\\c next', '10']);
    assert.equal(a.ext.cs1, 'Prod | critical = page');
    assert.equal(a.ext.cs1Label, 'alertRule');
    assert.equal(a.ext.cs3, 'image:reg/app@sha256:1');
    assert.equal(a.ext.msg, '[CRITICAL] Prod | critical = page: 2 new findings — CVE-2021-44228');
    assert.equal(a.ext.rt, String(TEST_NOW.getTime()));
    assert.equal(a.ext.cfp1, '97.5');
    assert.equal(a.ext.act, 'new');
    assert.equal(b.header[3], 'CVE-2021-44228');
    assert.equal(b.header[4], 'log4j — 日本語');
    assert.equal(b.header[5], '8');
    assert.equal(b.ext.act, 'reopened');
  }

  it('sends CEF events as syslog over UDP', async () => {
    await cef.send({ host: '127.0.0.1', port: udp.port, transport: 'udp' }, sampleAlert(), ctxAt(TEST_NOW));
    check(await udp.waitFor(2));
  });

  it('sends CEF events as octet-counted syslog over TCP', async () => {
    await cef.send({ host: '127.0.0.1', port: tcp.port, transport: 'tcp' }, sampleAlert(), ctxAt(TEST_NOW));
    check(await tcp.waitFor(2));
    assert.deepEqual(tcp.errors, []);
  });

  it('an alert without findings (test message) is one event', async () => {
    const before = udp.messages.length;
    await cef.send({ host: '127.0.0.1', port: udp.port, transport: 'udp' }, sampleAlert({ kind: 'test', findings: [], total: 0 }), ctxAt(TEST_NOW));
    const ms = await udp.waitFor(before + 1);
    const e = parseCef(parseRfc5424(ms.at(-1)!.toString('utf8')).msg!);
    assert.equal(e.header[3], 'bulwark-test');
  });
});
