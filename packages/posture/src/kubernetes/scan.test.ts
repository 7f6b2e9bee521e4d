import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '@bulwark/core';
import { UPDATE_GOLDEN } from '@bulwark/core/testing';
import { scanKubernetesFiles } from './scan.js';

const FIX = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
const read = (name: string): Buffer => readFileSync(join(FIX, name));

test('golden: findings of the built-in rules on rendered Helm output and a JSON List', () => {
  const { findings, errors } = scanKubernetesFiles([
    { path: 'helm-rendered.yaml', content: read('helm-rendered.yaml') },
    { path: 'list.json', content: read('list.json') },
  ]);
  assert.deepEqual(errors, []);
  const got = findings.map((f) => ({ rule: f.ruleId, file: f.file, lines: `${f.range.startLine}-${f.range.endLine}`, resource: f.resource, message: f.message }));
  const goldenPath = join(FIX, 'scan.expected.json');
  if (UPDATE_GOLDEN) writeFileSync(goldenPath, JSON.stringify(got, null, 2) + '\n');
  assert.deepEqual(got, JSON.parse(readFileSync(goldenPath, 'utf8')));
});

test('one bad file does not stop the scan; its error names the file', () => {
  const { findings, errors } = scanKubernetesFiles([
    { path: 'malformed.yaml', content: read('malformed.yaml') },
    { path: 'list.json', content: read('list.json') },
  ]);
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof InputError);
  assert.equal(errors[0].file, 'malformed.yaml');
  assert.ok(findings.some((f) => f.ruleId === 'BLW-K8S-001' && f.file === 'list.json' && f.resource === 'CronJob/default/report'));
});

test('cross-file rules see every object of the scan', () => {
  const svc = Buffer.from('apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app.kubernetes.io/name: web}\n');
  const alone = scanKubernetesFiles([{ path: 'svc.yaml', content: svc }]).findings.filter((f) => f.ruleId === 'BLW-K8S-403');
  assert.equal(alone.length, 1);
  const withDeployment = scanKubernetesFiles([{ path: 'svc.yaml', content: svc }, { path: 'helm-rendered.yaml', content: read('helm-rendered.yaml') }]);
  assert.equal(withDeployment.findings.filter((f) => f.ruleId === 'BLW-K8S-403' && f.file === 'svc.yaml').length, 0);
});

test('fuzz: every rule survives mutated manifests (no rule throws, only typed errors)', () => {
  const src = read('helm-rendered.yaml').toString('utf8') + '\n---\n' + read('list.json').toString('utf8');
  let a = 0x5eed;
  const rand = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const swaps = ['true', 'null', '[]', '{}', '0', '"x"', '- a', '[1, [2]]', '{a: {b: 1}}'];
  for (let i = 0; i < 150; i++) {
    // replace a random scalar value with a value of another type: rules must cope with any shape
    const lines = src.split('\n');
    for (let k = 0; k < 4; k++) {
      const j = Math.floor(rand() * lines.length);
      const m = /^(\s*-?\s*[\w.-]+:\s)(.+)$/.exec(lines[j]!);
      if (m) lines[j] = m[1] + swaps[Math.floor(rand() * swaps.length)]!;
    }
    const ruleErrors: string[] = [];
    const { errors } = scanKubernetesFiles([{ path: `m${i}.yaml`, content: Buffer.from(lines.join('\n')) }], undefined, { onRuleError: (id, e) => ruleErrors.push(`${id}: ${String(e)}`) });
    assert.deepEqual(ruleErrors, [], `case ${i}`);
    for (const e of errors) assert.ok(e instanceof InputError);
  }
});
