import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UPDATE_GOLDEN } from '@bulwark/core/testing';
import { InputError, LimitError } from '@bulwark/core';
import { parseManifests } from './parse.js';
import { buildModel, selects } from './model.js';
import { connectivity, formatConnList, isAllowed } from './connlist.js';
import { exposure } from './exposure.js';
import { allConns, connsOf, emptyConns, formatConns, union, subtract } from './conn-set.js';
import { disjointRanges, formatRange, parseCidr } from './ip.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(join(here, 'fixtures', name), 'utf8');
function objects(...files: string[]): unknown[] {
  return files.flatMap((f) => {
    const r = parseManifests(fixture(f), f);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    return r.value;
  });
}

test('formatConns spells connection sets as netpol-analyzer', () => {
  const rows: [ReturnType<typeof emptyConns>, string][] = [
    [allConns(), 'All Connections'],
    [emptyConns(), 'No Connections'],
    [union(connsOf('TCP', [[8080, 8080]]), connsOf('UDP', [[53, 53]])), 'TCP 8080,UDP 53'],
    [subtract(allConns(), connsOf('UDP', [[5353, 5353]])), 'SCTP 1-65535,TCP 1-65535,UDP 1-5352,5354-65535'],
    [connsOf('TCP', [[8081, 8082], [8050, 8050]]), 'TCP 8050,8081-8082'],
    [connsOf('TCP', [[0, 70000]]), 'TCP 1-65535'],
  ];
  for (const [c, want] of rows) assert.equal(formatConns(c), want);
});

test('CIDRs parse to ranges; IPv6 and junk are told apart', () => {
  assert.deepEqual(parseCidr('10.0.0.0/8'), [167772160, 184549375]);
  assert.equal(formatRange(parseCidr('104.154.164.170/32') as [number, number]), '104.154.164.170-104.154.164.170');
  assert.equal(formatRange(parseCidr('10.1.2.3/16') as [number, number]), '10.1.0.0-10.1.255.255');
  assert.equal(parseCidr('fd00::/8'), 'ipv6');
  for (const bad of ['10.0.0.0/33', '300.1.1.1/8', 'x', '1.2.3/8', '1.2.3.4/8/9']) assert.equal(parseCidr(bad), undefined, bad);
});

test('disjoint IP ranges split the address space at every referenced block', () => {
  const ten = parseCidr('10.0.0.0/8') as [number, number];
  const tenOne = parseCidr('10.1.0.0/16') as [number, number];
  assert.deepEqual(disjointRanges([]).map(formatRange), ['0.0.0.0-255.255.255.255']);
  assert.deepEqual(disjointRanges([[ten], [tenOne]]).map(formatRange), [
    '0.0.0.0-9.255.255.255', '10.0.0.0-10.0.255.255', '10.1.0.0-10.1.255.255', '10.2.0.0-10.255.255.255', '11.0.0.0-255.255.255.255',
  ]);
});

test('label selectors: matchLabels and every matchExpressions operator', () => {
  const labels = { app: 'web', tier: 'front' };
  const rows: [Parameters<typeof selects>[0], boolean][] = [
    [{ matchLabels: {}, matchExpressions: [] }, true],
    [{ matchLabels: { app: 'web' }, matchExpressions: [] }, true],
    [{ matchLabels: { app: 'db' }, matchExpressions: [] }, false],
    [{ matchLabels: {}, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    [{ matchLabels: {}, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    [{ matchLabels: {}, matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    [{ matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'Exists', values: [] }] }, true],
    [{ matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'DoesNotExist', values: [] }] }, false],
    [{ matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'Bogus', values: [] }] }, false],
  ];
  for (const [sel, want] of rows) assert.equal(selects(sel, labels), want, JSON.stringify(sel));
});

test('policyTypes default: Ingress always, Egress only with egress rules', () => {
  const m = buildModel([
    { kind: 'NetworkPolicy', metadata: { name: 'a' }, spec: { podSelector: {} } },
    { kind: 'NetworkPolicy', metadata: { name: 'b' }, spec: { podSelector: {}, egress: [{}] } },
    { kind: 'NetworkPolicy', metadata: { name: 'c' }, spec: { podSelector: {}, policyTypes: ['Egress'], ingress: [{}] } },
  ]);
  assert.deepEqual(m.policies.map((p) => [p.namespace, p.affectsIngress, p.affectsEgress]), [
    ['default', true, false], ['default', true, true], ['default', false, true],
  ]);
});

test('fixture connectivity matches its reviewed golden list', () => {
  const got = formatConnList(connectivity(objects('shop.yaml', 'admin.yaml'))) + '\n';
  const golden = join(here, 'fixtures', 'shop.connlist.expected.txt');
  if (UPDATE_GOLDEN) writeFileSync(golden, got);
  assert.equal(got, readFileSync(golden, 'utf8'));
});

test('isAllowed decides single connections and names the deciding rules', () => {
  const m = buildModel(objects('shop.yaml', 'admin.yaml'));
  const rows: [Parameters<typeof isAllowed>[1], boolean, RegExp][] = [
    // named port "pg" resolves on the db pod
    [{ src: 'shop/web', dst: 'shop/db', port: 5432 }, true, /NetworkPolicy\/shop\/db-from-web-and-backup ingress\[0\]/],
    [{ src: 'shop/web', dst: 'shop/db', port: 5433 }, false, /egress: default deny/],
    // endPort range and ipBlock except
    [{ src: '8.8.8.8', dst: 'shop/web', port: 8100 }, true, /web-ingress ingress\[0\]/],
    [{ src: '10.2.3.4', dst: 'shop/web', port: 8100 }, false, /ingress: default deny/],
    [{ src: '8.8.8.8', dst: 'shop/web', port: 8101 }, false, /ingress: default deny/],
    // ANP Deny beats everything; ANP Pass falls to the NetworkPolicy of the destination
    [{ src: 'ops/backup', dst: 'shop/web', port: 8080 }, false, /deny-shop \(deny\)/],
    [{ src: 'ops/backup', dst: 'shop/db', port: 5432 }, true, /pass-to-db \(pass\)/],
    // BANP applies where no NetworkPolicy selects the pod
    [{ src: 'ops/backup', dst: '169.254.169.254', port: 80 }, false, /BaselineAdminNetworkPolicy\/default no-metadata-server \(deny\)/],
    [{ src: 'shop/web', dst: '169.254.169.254', port: 53, protocol: 'UDP' }, true, /web-ingress egress\[1\]/],
    [{ src: 'shop/nope', dst: 'shop/web', port: 80 }, false, /unknown peer shop\/nope/],
  ];
  for (const [q, allowed, by] of rows) {
    const r = isAllowed(m, q);
    assert.equal(r.allowed, allowed, JSON.stringify(q));
    assert.match(r.by.join('\n'), by, JSON.stringify(q));
  }
});

test('exposure: LoadBalancer service narrowed by the policies; Ingress blocked by them', () => {
  assert.deepEqual(exposure(objects('shop.yaml', 'admin.yaml')), [
    { workload: 'shop/web[Deployment]', via: ['Service shop/web (LoadBalancer)', 'Ingress shop/web'], conn: 'TCP 8080', reachable: true },
  ]);
  const open = objects('shop.yaml').filter((o) => (o as { kind: string }).kind !== 'NetworkPolicy');
  const list = connectivity(open).entries.filter((e) => e.src === '{ingress-controller}');
  assert.deepEqual(list, [{ src: '{ingress-controller}', dst: 'shop/web[Deployment]', conn: 'TCP 8080' }]);
});

test('parser: multi-document YAML, JSON and typed Lists whose items omit kind', () => {
  const r = parseManifests('{"kind":"PodList","items":[{"metadata":{"name":"a"}},{"kind":"Pod","metadata":{"name":"b"}}]}', 'pods.json');
  assert.ok(r.ok);
  assert.deepEqual(r.value.map((o) => (o as { kind: string }).kind), ['Pod', 'Pod']);
  const y = parseManifests('---\nkind: Namespace\nmetadata: {name: x}\n---\n---\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: p}\n', 'm.yaml');
  assert.ok(y.ok);
  assert.equal(y.value.length, 2);
});

test('parser: hostile inputs give typed errors naming file and line', () => {
  const bad = parseManifests('kind: Pod\nmetadata: [unclosed\n', 'bad.yaml');
  assert.ok(!bad.ok && bad.error instanceof InputError && /bad\.yaml: line \d/.test(bad.error.message), bad.ok ? '' : bad.error.message);
  const scalar = parseManifests('just text', 'text.yaml');
  assert.ok(!scalar.ok && scalar.error instanceof InputError && !(scalar.error instanceof LimitError));
  const bomb = ['a: &a [x, x, x, x, x, x, x, x]'];
  for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`);
  const b = parseManifests(bomb.join('\n'), 'bomb.yaml');
  assert.ok(!b.ok && b.error instanceof LimitError, b.ok ? 'accepted' : b.error.message);
  const deep = parseManifests('a: '.repeat(1) + '['.repeat(200) + ']'.repeat(200), 'deep.yaml');
  assert.ok(!deep.ok && deep.error instanceof LimitError);
  const big = parseManifests('x'.repeat(2000), 'big.yaml', { maxBytes: 1000 });
  assert.ok(!big.ok && big.error instanceof LimitError);
});
