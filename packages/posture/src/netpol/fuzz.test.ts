import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom, sharedPath } from '@bulwark/core/testing';
import { InputError } from '@bulwark/core';
import { parseManifests } from './parse.js';
import { buildModel } from './model.js';
import { connectivityOfModel } from './connlist.js';
import { exposureOfModel } from './exposure.js';

const here = dirname(fileURLToPath(import.meta.url));
const cases = sharedPath('corpus', 'netpol', 'cases');
const seeds: [string, string][] = [
  ['shop.yaml', readFileSync(join(here, 'fixtures', 'shop.yaml'), 'utf8')],
  ['admin.yaml', readFileSync(join(here, 'fixtures', 'admin.yaml'), 'utf8')],
  ['anp_test_5/policies.yaml', readFileSync(join(cases, 'netpol-analyzer__anp_test_5', 'input', 'policies.yaml'), 'utf8')],
  ['demo_app/ingress.yaml', readFileSync(join(cases, 'netpol-analyzer__demo_app_with_routes_and_ingress', 'input', 'hello-world-ingress.yaml'), 'utf8')],
  ['demo_app/route.yaml', readFileSync(join(cases, 'netpol-analyzer__demo_app_with_routes_and_ingress', 'input', 'route-world-route.yaml'), 'utf8')],
];

const TOKENS = ['{}', '[]', 'null', '-1', '99999999', '"x"', '&a', '*a', ':', '- ', '\n  ', 'except:', '/33', '::/0', 'namedPort: pg', 'endPort: 1'];

function mutate(text: string, rnd: () => number): string {
  const pos = Math.floor(rnd() * text.length);
  switch (Math.floor(rnd() * 5)) {
    case 0: return text.slice(0, pos);
    case 1: return text.slice(0, pos) + text.slice(pos + 1 + Math.floor(rnd() * 20));
    case 2: return text.slice(0, pos) + TOKENS[Math.floor(rnd() * TOKENS.length)]! + text.slice(pos);
    case 3: return text.slice(0, pos) + String.fromCharCode(Math.floor(rnd() * 128)) + text.slice(pos + 1);
    default: {
      const lines = text.split('\n');
      const i = Math.floor(rnd() * lines.length);
      lines.splice(Math.floor(rnd() * lines.length), 0, lines[i] ?? '');
      return lines.join('\n');
    }
  }
}

test('fuzz: mutated manifests give objects or typed errors, never throw or hang', () => {
  const rnd = seededRandom(0x6e70);
  const base = seeds.flatMap(([file, text]) => {
    const r = parseManifests(text, file);
    assert.ok(r.ok, file);
    return r.value;
  });
  let parsed = 0;
  let refused = 0;
  const started = Date.now();
  for (let i = 0; i < 400; i++) {
    const [file, text] = seeds[i % seeds.length]!;
    let t = text;
    const rounds = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < rounds; k++) t = mutate(t, rnd);
    const r = parseManifests(t, file, { maxDepth: 32 });
    if (!r.ok) {
      assert.ok(r.error instanceof InputError, `${file} #${i}: ${String(r.error)}`);
      assert.ok(r.error.message.startsWith(file), r.error.message);
      refused++;
      continue;
    }
    parsed++;
    // The engine must cope with whatever shape survived parsing.
    const m = buildModel([...base.filter((o) => (o as { kind?: string }).kind !== 'NetworkPolicy'), ...r.value]);
    const list = connectivityOfModel(m);
    assert.ok(Array.isArray(list.entries));
    assert.ok(Array.isArray(exposureOfModel(m)));
  }
  assert.ok(parsed > 50 && refused > 20, `parsed ${parsed}, refused ${refused}`);
  assert.ok(Date.now() - started < 30_000, 'fuzz run took too long');
});

test('fuzz: engine accepts arbitrary junk objects without throwing', () => {
  const rnd = seededRandom(7);
  const junk = [null, 1, 'x', [], {}, { kind: 'NetworkPolicy' }, { kind: 'NetworkPolicy', spec: { podSelector: 'x', ingress: [null, { from: [{ ipBlock: { cidr: 5 } }] }] } },
    { kind: 'AdminNetworkPolicy', spec: { subject: [], egress: [{ action: 'Allow', to: [{ networks: [null, 'bad'] }], ports: [{ portRange: {} }] }] } },
    { kind: 'Pod', metadata: { ownerReferences: [null, { controller: true }] }, spec: { containers: [{ ports: [{ containerPort: 'x' }] }] } },
    { kind: 'Service', spec: { selector: {}, ports: [{ port: 80, targetPort: 'nope' }] } }, { kind: 'Ingress', spec: { rules: [{ http: { paths: [{}] } }] } },
    { kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { metadata: { labels: { a: 1 } } } } }];
  for (let i = 0; i < 100; i++) {
    const objs = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => junk[Math.floor(rnd() * junk.length)]);
    const m = buildModel(objs);
    connectivityOfModel(m);
    exposureOfModel(m);
  }
});
