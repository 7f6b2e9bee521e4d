import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError, LimitError } from '@bulwark/core';
import { seededRandom } from '@bulwark/core/testing';
import { parseKubernetes } from './parse.js';
import { containersOf, podOf } from './workload.js';

const FIX = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
const read = (name: string): Buffer => readFileSync(join(FIX, name));

test('multi-document Helm output: objects in order, non-Kubernetes documents skipped, labels default namespace', () => {
  const r = parseKubernetes('helm-rendered.yaml', read('helm-rendered.yaml'));
  assert.ok(r.ok);
  assert.deepEqual(r.value.map((x) => [x.docIndex, x.kind, x.label]), [
    [0, 'ServiceAccount', 'ServiceAccount/default/web'],
    [1, 'Service', 'Service/shop/web'],
    [2, 'Deployment', 'Deployment/shop/web'],
  ]);
  const dep = r.value[2]!;
  assert.equal(dep.annotations['meta.helm.sh/release-name'], 'web');
  assert.equal(dep.namespace, 'shop');
});

test('rangeOf maps field paths to their lines (1-based, inclusive)', () => {
  const r = parseKubernetes('helm-rendered.yaml', read('helm-rendered.yaml'));
  assert.ok(r.ok);
  const dep = r.value[2]!;
  const text = read('helm-rendered.yaml').toString('utf8').split('\n');
  const line = (path: (string | number)[]): string => text[dep.rangeOf(path)!.startLine - 1]!.trim();
  assert.equal(line(['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged']), 'privileged: true');
  assert.equal(line(['spec', 'template', 'spec', 'containers', 0, 'image']), 'image: "nginx:1.25.3"');
  assert.equal(line(['spec', 'template', 'spec', 'initContainers', 0]), '- name: migrate');
  assert.equal(dep.rangeOf(['spec', 'nope']), undefined);
  const sc = dep.rangeOf(['spec', 'template', 'spec', 'containers', 0, 'securityContext'])!;
  assert.equal(sc.endLine - sc.startLine, 1, 'a mapping value spans key line to last value line');
  assert.ok(dep.range.startLine <= sc.startLine && dep.range.endLine >= sc.endLine);
});

test('JSON List: items become resources with ranges inside the list', () => {
  const r = parseKubernetes('list.json', read('list.json'));
  assert.ok(r.ok);
  assert.deepEqual(r.value.map((x) => x.label), ['Pod/default/debug', 'CronJob/default/report']);
  const cron = r.value[1]!;
  const text = read('list.json').toString('utf8').split('\n');
  const pod = podOf(cron)!;
  const [c] = containersOf(pod);
  assert.deepEqual(c!.path, ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0]);
  assert.match(text[cron.rangeOf([...c!.path, 'securityContext', 'privileged'])!.startLine - 1]!, /"privileged": true/);
});

test('walker: path prefix per workload kind, all three container lists', () => {
  const kinds: [string, string][] = [
    ['Pod', 'spec:\n  containers: [{name: a}]\n  initContainers: [{name: b}]\n  ephemeralContainers: [{name: c}]'],
    ['Deployment', 'spec:\n  template:\n    spec:\n      containers: [{name: a}]'],
    ['StatefulSet', 'spec:\n  template:\n    spec:\n      containers: [{name: a}]'],
    ['DaemonSet', 'spec:\n  template:\n    spec:\n      containers: [{name: a}]'],
    ['ReplicaSet', 'spec:\n  template:\n    spec:\n      containers: [{name: a}]'],
    ['ReplicationController', 'spec:\n  template:\n    spec:\n      containers: [{name: a}]'],
    ['Job', 'spec:\n  template:\n    spec:\n      containers: [{name: a}]'],
    ['CronJob', 'spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: a}]'],
  ];
  for (const [kind, body] of kinds) {
    const r = parseKubernetes('x.yaml', `apiVersion: v1\nkind: ${kind}\nmetadata: {name: x}\n${body}\n`);
    assert.ok(r.ok, kind);
    const pod = podOf(r.value[0]!);
    assert.ok(pod, kind);
    const names = containersOf(pod).map((c) => `${c.kind}:${String(c.container.name)}`);
    assert.deepEqual(names, kind === 'Pod' ? ['containers:a', 'initContainers:b', 'ephemeralContainers:c'] : ['containers:a'], kind);
  }
  const svc = parseKubernetes('s.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n');
  assert.ok(svc.ok && podOf(svc.value[0]!) === undefined);
});

test('documents without apiVersion/kind, empty files and comments are skipped silently', () => {
  for (const text of ['', '# nothing\n', 'foo: bar\n', '---\n---\n', '[1, 2, 3]\n', 'apiVersion: v1\n', 'kind: Pod\n']) {
    const r = parseKubernetes('x.yaml', text);
    assert.ok(r.ok, JSON.stringify(text));
    assert.equal(r.value.length, 0);
  }
});

test('malformed YAML: InputError naming the file and line', () => {
  const r = parseKubernetes('malformed.yaml', read('malformed.yaml'));
  assert.ok(!r.ok);
  assert.ok(r.error instanceof InputError);
  assert.equal(r.error.file, 'malformed.yaml');
  assert.match(r.error.message, /malformed\.yaml: line \d+/);
});

test('limits: alias bomb, deep nesting and oversize documents give LimitError', () => {
  const bomb = parseKubernetes('alias-bomb.yaml', read('alias-bomb.yaml'));
  assert.ok(!bomb.ok && bomb.error instanceof LimitError, 'alias bomb');
  const deepFlow = parseKubernetes('deep.yaml', `apiVersion: v1\nkind: ConfigMap\ndata: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
  assert.ok(!deepFlow.ok && deepFlow.error instanceof LimitError, 'deep flow');
  let block = 'apiVersion: v1\nkind: ConfigMap\ndata:\n';
  for (let i = 1; i <= 300; i++) block += `${'  '.repeat(i)}k${i}:\n`;
  const deepBlock = parseKubernetes('deep-block.yaml', block + `${'  '.repeat(301)}v\n`);
  assert.ok(!deepBlock.ok && deepBlock.error instanceof LimitError, 'deep block');
  const small = parseKubernetes('big.yaml', read('helm-rendered.yaml'), { limits: { maxDocumentBytes: 100 } });
  assert.ok(!small.ok && small.error instanceof LimitError, 'size');
});

test('fuzz: seeded mutations and truncations of real fixtures never throw, never hang', () => {
  const seeds = ['helm-rendered.yaml', 'list.json'].map(read);
  const rand = seededRandom(0xb01a);
  const alphabet = ['\n', ' ', '-', ':', '[', ']', '{', '}', '&a', '*a', '!!', '"', "'", '#', '---', '\t', '|', '>', '?', '%'];
  const started = Date.now();
  let errors = 0;
  for (let i = 0; i < 400; i++) {
    const src = seeds[i % seeds.length]!.toString('utf8');
    let s = src;
    const op = i % 3;
    if (op === 0) s = src.slice(0, Math.floor(rand() * src.length));
    else {
      const n = 1 + Math.floor(rand() * 6);
      for (let k = 0; k < n; k++) {
        const at = Math.floor(rand() * s.length);
        const ins = op === 1 ? alphabet[Math.floor(rand() * alphabet.length)]! : '';
        s = s.slice(0, at) + ins + s.slice(at + (op === 2 ? 1 + Math.floor(rand() * 8) : 0));
      }
    }
    const r = parseKubernetes(`fuzz-${i}.yaml`, s);
    if (!r.ok) {
      errors++;
      assert.ok(r.error instanceof InputError, `case ${i}: ${String(r.error)}`);
    } else {
      for (const res of r.value) {
        assert.equal(typeof res.kind, 'string');
        res.rangeOf(['spec', 'template', 'spec', 'containers', 0]);
      }
    }
  }
  assert.ok(errors > 0, 'mutations produced some parse errors');
  assert.ok(Date.now() - started < 20_000, 'fuzz finished in time');
});
