import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError, LimitError } from '@bulwark/core';
import { parseCompose, parsePort, parseVolume } from './parse.js';
import { isComposePath, scanCompose } from './scan.js';

const here = dirname(fileURLToPath(import.meta.url));
const stack = readFileSync(join(here, 'fixtures', 'monitoring.compose.yaml'));

test('parses services, merge keys, ports, volumes, privileges with lines', () => {
  const r = parseCompose('compose.yaml', stack);
  assert.ok(r.ok);
  const f = r.value;
  assert.deepEqual(f.services.map((s) => [s.name, s.image, s.privileged, s.user]), [
    ['prometheus', 'prom/prometheus:v2.51.0', false, undefined],
    ['cadvisor', 'gcr.io/cadvisor/cadvisor', true, undefined],
    ['grafana', 'grafana/grafana:10.4.1', false, '472'],
  ]);
  assert.equal(f.services[0]!.raw.restart, 'unless-stopped', 'merge key <<: *common applied');
  assert.deepEqual(f.services[2]!.ports, [{ raw: '{"target":3000,"published":3000,"protocol":"tcp"}', published: '3000', target: '3000', protocol: 'tcp' }]);
  assert.deepEqual(f.rangeOf(['services', 'cadvisor', 'privileged']), { startLine: 23, endLine: 23 });
  assert.deepEqual(f.rangeOf(['services', 'cadvisor', 'volumes', 1]), { startLine: 28, endLine: 28 });
  assert.equal(f.rangeOf(['services', 'cadvisor', 'nope']), undefined);
});

test('port and volume short syntax', () => {
  assert.deepEqual(parsePort('127.0.0.1:8080:80/udp'), { raw: '127.0.0.1:8080:80/udp', protocol: 'udp', hostIp: '127.0.0.1', published: '8080', target: '80' });
  assert.deepEqual(parsePort('3000'), { raw: '3000', target: '3000' });
  assert.deepEqual(parsePort('9000-9005:9000-9005'), { raw: '9000-9005:9000-9005', published: '9000-9005', target: '9000-9005' });
  assert.deepEqual(parseVolume('/var/run/docker.sock:/var/run/docker.sock:ro'), { raw: '/var/run/docker.sock:/var/run/docker.sock:ro', source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: true, type: 'bind' });
  assert.deepEqual(parseVolume('data:/data'), { raw: 'data:/data', source: 'data', target: '/data', readOnly: false, type: 'volume' });
  assert.deepEqual(parseVolume('/cache'), { raw: '/cache', target: '/cache', readOnly: false });
  assert.ok(isComposePath('deploy/docker-compose.prod.yml') && isComposePath('compose.yaml') && !isComposePath('values.yaml'));
});

test('malformed YAML → InputError with line; alias bombs, deep nesting and size → LimitError', () => {
  const bad = parseCompose('c.yaml', Buffer.from('services:\n  web:\n    image: "x\n  db: [\n'));
  assert.ok(!bad.ok && bad.error instanceof InputError && /line \d+/.test(bad.error.message));
  const notMap = parseCompose('c.yaml', Buffer.from('services: [a, b]\n'));
  assert.ok(!notMap.ok && notMap.error.field === 'services');
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, k) => `${c}: &${c} [${Array(9).fill('*' + 'abcdefgh'[k]).join(', ')}]`), 'services: {}'].join('\n');
  const b = parseCompose('c.yaml', Buffer.from(bomb));
  assert.ok(!b.ok && b.error instanceof LimitError, b.ok ? '' : b.error.message);
  const deep = parseCompose('c.yaml', Buffer.from('services:\n  x:\n    labels: ' + '['.repeat(100) + ']'.repeat(100) + '\n'));
  assert.ok(!deep.ok && deep.error instanceof LimitError);
  const big = parseCompose('c.yaml', Buffer.alloc(5000, 'a'), { maxBytes: 1000 });
  assert.ok(!big.ok && big.error instanceof LimitError);
  assert.ok(parseCompose('c.yaml', Buffer.from('')).ok, 'empty file: no services');
});

test('fuzz: seeded mutations of a real compose file never throw', () => {
  let a = 0x5eed;
  const rnd = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const tokens = ['&x ', '*x', '<<: *common\n', ':', '- ', '\n  ', '"', '[', '{', '!!binary ', '? ', '|\n', '\t'];
  const base = stack.toString('utf8');
  for (let k = 0; k < 300; k++) {
    let s = base;
    for (let o = 0; o < 1 + Math.floor(rnd() * 3); o++) {
      const pos = Math.floor(rnd() * s.length);
      const r = rnd();
      s = r < 0.3 ? s.slice(0, pos) : r < 0.7 ? s.slice(0, pos) + tokens[Math.floor(rnd() * tokens.length)] + s.slice(pos) : s.slice(0, pos) + s.slice(pos + 1 + Math.floor(rnd() * 10));
    }
    const out = scanCompose('fuzz.yaml', Buffer.from(s));
    for (const e of out.errors) assert.ok(e instanceof InputError);
  }
});
