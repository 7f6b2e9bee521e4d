import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '@bulwark/core';
import { seededRandom } from '@bulwark/core/testing';
import { formatRbacReport } from './format.js';
import { scanRbacFiles } from './scan.js';

const here = dirname(fileURLToPath(import.meta.url));
const seeds = ['team.yaml', 'bootstrap-cluster-roles.yaml'].map((f) => readFileSync(join(here, 'fixtures', f), 'utf8'));
const TOKENS = ['*', '"*"', '[]', '{}', 'null', '- ', '\n  ', '&a', '*a', 'kind: ClusterRoleBinding', 'roleRef: 7', 'subjects: x', 'resourceNames: [a]'];

function mutate(text: string, rnd: () => number): string {
  const pos = Math.floor(rnd() * text.length);
  switch (Math.floor(rnd() * 4)) {
    case 0: return text.slice(0, pos);
    case 1: return text.slice(0, pos) + TOKENS[Math.floor(rnd() * TOKENS.length)]! + text.slice(pos);
    case 2: return text.slice(0, pos) + text.slice(pos + Math.floor(rnd() * 40));
    default: return text.slice(0, pos) + text.slice(Math.floor(rnd() * text.length));
  }
}

test('fuzz: 300 seeded mutations never throw, only typed errors', () => {
  const rnd = seededRandom(0x5eed);
  for (let i = 0; i < 300; i++) {
    let text = seeds[i % seeds.length]!;
    for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) text = mutate(text, rnd);
    const r = scanRbacFiles([{ path: `m${i}.yaml`, content: text }]);
    for (const e of r.errors) assert.ok(e instanceof InputError, String(e));
    formatRbacReport(r.report);
  }
});

test('alias bombs and deep nesting give a LimitError', () => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
  const deep = 'kind: Role\nrules: ' + '['.repeat(5000) + ']'.repeat(5000);
  for (const content of [bomb, deep]) {
    const r = scanRbacFiles([{ path: 'x.yaml', content }]);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]!.kind, 'limit');
  }
});

test('a thousand bindings over a fan-out of service accounts stays fast', () => {
  const docs: string[] = [];
  for (let i = 0; i < 200; i++) docs.push(`apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa${i}, namespace: ns${i % 10}}`);
  docs.push('apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: pods}\nrules: [{apiGroups: [""], resources: [pods], verbs: [create]}]');
  for (let i = 0; i < 1000; i++) docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b${i}, namespace: ns${i % 10}}\nroleRef: {kind: ClusterRole, name: pods}\nsubjects: [{kind: User, name: u${i}}]`);
  const t0 = performance.now();
  const r = scanRbacFiles([{ path: 'big.yaml', content: docs.join('\n---\n') }]);
  assert.deepEqual(r.errors, []);
  assert.ok(performance.now() - t0 < 20_000, `took ${performance.now() - t0} ms`);
});
