import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { UPDATE_GOLDEN, sharedDir } from '@bulwark/core/testing';
import { diffLines } from 'diff';
import { Lexer, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import { scanDockerfile } from '../dockerfile/scan.js';
import { parseKubernetes } from '../kubernetes/parse.js';
import type { K8sResource } from '../kubernetes/parse.js';
import { defineK8sRule } from '../kubernetes/rule.js';
import { scanKubernetesFiles } from '../kubernetes/scan.js';
import { kubernetesRules } from '../rules/kubernetes/registry.js';
import type { DocPath, Violation } from '../rules/types.js';
import { FIX_DEFAULTS, formatUnifiedDiff, planFixes } from './index.js';
import type { FixPlan } from './index.js';
import { editText } from './yaml-edit.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, 'fixtures');

// ---------- independent checks (no code shared with the planner) ----------

function docsOf(text: string): Document[] {
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [];
  for (const d of list) assert.deepEqual(d.errors, [], 'every document parses');
  return list;
}

function startsWith(path: DocPath, prefix: DocPath): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}

/** Leaves (scalars, empty collections) of a plain value with their paths. */
function leaves(v: unknown, path: DocPath = [], out: [DocPath, unknown][] = []): [DocPath, unknown][] {
  if (Array.isArray(v) && v.length > 0) v.forEach((x, i) => leaves(x, [...path, i], out));
  else if (v !== null && typeof v === 'object' && Object.keys(v).length > 0) for (const [k, x] of Object.entries(v)) leaves(x, [...path, k], out);
  else out.push([path, v]);
  return out;
}

function getIn(v: unknown, path: DocPath): unknown {
  let cur = v;
  for (const s of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(s)];
  }
  return cur;
}

/** Maps of a plain value with their paths (to check key order). */
function maps(v: unknown, path: DocPath = [], out: [DocPath, string[]][] = []): [DocPath, string[]][] {
  if (Array.isArray(v)) v.forEach((x, i) => maps(x, [...path, i], out));
  else if (v !== null && typeof v === 'object') {
    out.push([path, Object.keys(v)]);
    for (const [k, x] of Object.entries(v)) maps(x, [...path, k], out);
  }
  return out;
}

function comments(text: string): string[] {
  return [...new Lexer().lex(text)].filter((t) => t.startsWith('#')).map((t) => t.trim());
}

/** Source text of every scalar node, by path. */
function scalarSources(doc: Document, text: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (n: unknown, path: DocPath): void => {
    if (isMap(n)) for (const p of n.items) walk(p.value, [...path, isScalar(p.key) ? String(p.key.value) : String(p.key)]);
    else if (isSeq(n)) n.items.forEach((x, i) => walk(x, [...path, i]));
    else if (isScalar(n) && n.range) out.set(JSON.stringify(path), text.slice(n.range[0], n.range[1]));
  };
  walk(doc.contents, []);
  return out;
}

/** The edited paths of each document of a YAML/JSON plan. */
function changedPaths(plan: FixPlan): Map<number, DocPath[]> {
  const out = new Map<number, DocPath[]>();
  for (const c of plan.changes) {
    assert.notEqual(c.fix.kind, 'lines');
    if (c.fix.kind === 'lines') continue;
    out.set(c.document!, [...(out.get(c.document!) ?? []), c.fix.path]);
  }
  return out;
}

/**
 * Everything a YAML/JSON fix must keep: the text parses into as many documents, every field off the fixed paths has
 * its value, its key order and (for scalars) its source text, every comment is still there in order.
 */
function assertKept(plan: FixPlan): void {
  const before = docsOf(plan.before);
  const after = docsOf(plan.after);
  assert.equal(after.length, before.length, `${plan.path}: document count`);
  assert.deepEqual(comments(plan.after), comments(plan.before), `${plan.path}: comments`);
  const changed = changedPaths(plan);
  for (let i = 0; i < before.length; i++) {
    const fixed = changed.get(i) ?? [];
    // off the fixed paths: neither under a fixed path nor an ancestor of one (an empty map or null a fix filled in)
    const off = (p: DocPath): boolean => !fixed.some((f) => startsWith(p, f) || startsWith(f, p));
    const b = before[i]!.toJS();
    const a = after[i]!.toJS();
    for (const [p, v] of leaves(b)) if (off(p)) assert.deepEqual(getIn(a, p), v, `${plan.path} doc ${i}: ${p.join('.')} kept`);
    for (const [p] of leaves(a)) if (off(p)) assert.ok(getIn(b, p) !== undefined, `${plan.path} doc ${i}: ${p.join('.')} appeared off the fixed paths`);
    for (const [p, keys] of maps(b)) {
      const now = Object.keys((getIn(a, p) ?? {}) as object);
      assert.deepEqual(now.filter((k) => keys.includes(k)), keys.filter((k) => now.includes(k)), `${plan.path} doc ${i}: key order of ${p.join('.') || '(root)'}`);
    }
    const sb = scalarSources(before[i]!, plan.before);
    const sa = scalarSources(after[i]!, plan.after);
    for (const [k, src] of sb) if (off(JSON.parse(k) as DocPath)) assert.equal(sa.get(k), src, `${plan.path} doc ${i}: source of ${k}`);
    for (const f of fixed) assert.ok(getIn(a, f) !== undefined || plan.changes.some((c) => c.fix.kind === 'delete'), `${plan.path}: ${f.join('.')} is set`);
  }
}

/** Every line of a Dockerfile off the fixed lines is kept, in order; so is every comment. */
function assertDockerfileKept(plan: FixPlan): void {
  const replaced = new Set<number>();
  for (const c of plan.changes) {
    assert.equal(c.fix.kind, 'lines');
    if (c.fix.kind === 'lines') for (let l = c.fix.range.startLine; l <= c.fix.range.endLine; l++) replaced.add(l);
  }
  let line = 0;
  for (const part of diffLines(plan.before, plan.after)) {
    const n = part.count;
    if (part.removed) for (let k = 1; k <= n; k++) assert.ok(replaced.has(line + k), `${plan.path}: line ${line + k} removed without a fix on it`);
    if (!part.added) line += n;
  }
  const commentLines = (t: string): string[] => t.split('\n').filter((l) => l.trim().startsWith('#'));
  assert.deepEqual(commentLines(plan.after), commentLines(plan.before));
}

function golden(name: string, actual: string): void {
  const file = join(FIXTURES, `${name}.expected.diff`);
  if (UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'), `golden ${name}.expected.diff (UPDATE_GOLDEN=1 rewrites)`);
}

// ---------- fixtures ----------

const CASES: { file: string; rules: string[] }[] = [
  // rule ids each fixture must see fixed (a floor: the plan may fix more)
  { file: 'multi-doc.yaml', rules: ['BLW-K8S-001', 'BLW-K8S-002', 'BLW-K8S-010', 'BLW-K8S-016', 'BLW-K8S-017', 'BLW-K8S-018', 'BLW-K8S-020', 'BLW-K8S-204', 'BLW-K8S-205', 'BLW-K8S-210', 'BLW-K8S-211', 'BLW-K8S-213', 'BLW-K8S-214', 'BLW-K8S-216', 'BLW-K8S-219', 'BLW-K8S-223'] },
  { file: 'pod.json', rules: ['BLW-K8S-003', 'BLW-K8S-004', 'BLW-K8S-011', 'BLW-K8S-016', 'BLW-K8S-020', 'BLW-K8S-205', 'BLW-K8S-207', 'BLW-K8S-216'] },
  { file: 'list.yaml', rules: ['BLW-K8S-011', 'BLW-K8S-017', 'BLW-K8S-019', 'BLW-K8S-206', 'BLW-K8S-213', 'BLW-K8S-236'] },
  { file: 'helm-rendered.yaml', rules: ['BLW-K8S-004', 'BLW-K8S-211', 'BLW-K8S-213', 'BLW-K8S-242'] },
  { file: 'app.Dockerfile', rules: ['BLW-DF-010', 'BLW-DF-011', 'BLW-DF-061', 'BLW-DF-062', 'BLW-DF-063'] },
];

for (const c of CASES) {
  test(`fix ${c.file}: findings of the fixed rules are gone, everything else is kept, diff matches the golden`, () => {
    const content = readFileSync(join(FIXTURES, c.file));
    const path = `fixtures/${c.file}`;
    const plans = planFixes([{ path, content }]);
    assert.equal(plans.length, 1);
    const plan = plans[0]!;
    assert.equal(plan.before, content.toString('utf8'));
    assert.deepEqual(plan.skipped.map((s) => `${s.finding.ruleId}: ${s.reason}`), [], 'every fixable finding of the fixture is fixed');
    const fixedRules = new Set(plan.applied.map((f) => f.ruleId));
    for (const r of c.rules) assert.ok(fixedRules.has(r), `${r} fixed`);
    const isDf = c.file.endsWith('.Dockerfile');
    const before = isDf ? scanDockerfile(path, content).findings : scanKubernetesFiles([{ path, content }]).findings;
    const after = isDf ? scanDockerfile(path, Buffer.from(plan.after)) : scanKubernetesFiles([{ path, content: Buffer.from(plan.after) }]);
    assert.deepEqual(after.errors, []);
    assert.deepEqual(after.findings.filter((f) => fixedRules.has(f.ruleId)).map((f) => `${f.ruleId} ${f.resource}: ${f.message}`), [], 'no finding of a fixed rule remains');
    assert.deepEqual(after.fixes, [], 'nothing fixable is left');
    assert.equal(plan.applied.length, before.filter((f) => f.fixable).length, 'every fixable finding is applied');
    if (isDf) assertDockerfileKept(plan);
    else {
      assertKept(plan);
      assert.ok(parseKubernetes(path, plan.after).ok);
      if (c.file.endsWith('.json')) assert.doesNotThrow(() => JSON.parse(plan.after), 'a JSON file stays JSON');
    }
    golden(c.file.replace(/\.[^.]+$/, ''), formatUnifiedDiff(plans));
  });
}

test('a second run finds nothing to fix (the fixes are idempotent)', () => {
  const files = CASES.map((c) => ({ path: `fixtures/${c.file}`, content: readFileSync(join(FIXTURES, c.file)) }));
  const once = planFixes(files);
  const twice = planFixes(once.map((p) => ({ path: p.path, content: Buffer.from(p.after) })));
  assert.deepEqual(twice, []);
});

test('opts.rules limits the fixes to those rules (ids or peer aliases)', () => {
  const content = readFileSync(join(FIXTURES, 'multi-doc.yaml'));
  const [plan] = planFixes([{ path: 'm.yaml', content }], { rules: ['BLW-K8S-001', 'KSV009'] });
  assert.deepEqual([...new Set(plan!.applied.map((f) => f.ruleId))].sort(), ['BLW-K8S-001', 'BLW-K8S-002']);
  assert.deepEqual(plan!.changes.map((c) => (c.fix.kind === 'set' ? `${c.fix.path.join('.')}=${String(c.fix.value)}` : '')), [
    'spec.template.spec.containers.0.securityContext.privileged=false',
    'spec.template.spec.hostNetwork=false',
  ]);
  assert.deepEqual(planFixes([{ path: 'm.yaml', content }], { rules: ['BLW-K8S-999'] }), []);
});

test('opts.defaults changes the values written (resources, uid)', () => {
  const content = Buffer.from('apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec:\n  containers:\n  - name: c\n    image: i:1\n');
  const [plan] = planFixes([{ path: 'p.yaml', content }], {
    rules: ['BLW-K8S-204', 'BLW-K8S-207', 'BLW-K8S-219'],
    defaults: { uid: 20000, resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '1Gi' } } },
  });
  const pod = parseAllDocuments(plan!.after)[0]!.toJS() as { spec: { containers: Record<string, unknown>[] } };
  assert.deepEqual(pod.spec.containers[0]!.resources, { limits: { memory: '1Gi' }, requests: { cpu: '50m' } });
  assert.deepEqual(pod.spec.containers[0]!.securityContext, { runAsUser: 20000 });
  assert.equal(FIX_DEFAULTS.uid, 10001);
});

test('resource fixes stay consistent with the other bound (request ≤ limit)', () => {
  const content = Buffer.from(
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec:\n  containers:\n  - name: c\n    image: i:1\n    resources:\n      requests: {memory: 2Gi, cpu: "2"}\n      limits: {}\n',
  );
  const [plan] = planFixes([{ path: 'p.yaml', content }], { rules: ['BLW-K8S-204', 'BLW-K8S-206'] });
  const pod = parseAllDocuments(plan!.after)[0]!.toJS() as { spec: { containers: Record<string, unknown>[] } };
  assert.deepEqual(pod.spec.containers[0]!.resources, { requests: { memory: '2Gi', cpu: '2' }, limits: { memory: '2Gi', cpu: '2' } });
});

test('conflicting fixes on one path: the more severe rule wins, then the lower id; the loser is skipped with the reason', () => {
  const mk = (id: string, severity: 'high' | 'low', value: string): ReturnType<typeof defineK8sRule> =>
    defineK8sRule({
      id, title: id, severity, description: 'd', remediation: 'r', aliases: [], on: 'resource',
      check: (r) => (r.kind === 'ConfigMap' && getIn(r.object, ['data', 'mode']) !== value ? [{ message: `wants ${value}`, path: ['data', 'mode'], fix: { kind: 'set', path: ['data', 'mode'], value } }] : []),
    });
  const content = Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  mode: open  # default\n');
  for (const order of [[mk('T-2', 'low', 'b'), mk('T-1', 'low', 'a'), mk('T-3', 'high', 'c')], [mk('T-3', 'high', 'c'), mk('T-1', 'low', 'a'), mk('T-2', 'low', 'b')]]) {
    const [plan] = planFixes([{ path: 'c.yaml', content }], { kubernetesRules: order });
    assert.equal(plan!.after, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  mode: c  # default\n');
    assert.deepEqual(plan!.applied.map((f) => f.ruleId), ['T-3']);
    assert.deepEqual(plan!.skipped.map((s) => `${s.finding.ruleId}: ${s.reason}`), ['T-1: conflicts with the T-3 fix of data.mode', 'T-2: conflicts with the T-3 fix of data.mode']);
  }
});

test('Dockerfile: two rewrites of one RUN are both applied (the second on the rescanned line); a USER root line is replaced in place', () => {
  const content = Buffer.from('FROM debian:12\nRUN apt-get update && apt-get install curl\nUSER root\nCMD ["sh"]\n');
  const [plan] = planFixes([{ path: 'Dockerfile', content }]);
  assert.equal(plan!.after, 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*\nUSER 10001\nCMD ["sh"]\n');
  assert.deepEqual(plan!.skipped, []);
  // USER root followed by a RUN: the user is appended at the end instead, so the RUN keeps root
  const [p2] = planFixes([{ path: 'Dockerfile', content: Buffer.from('FROM alpine:3.19\nUSER root\nRUN apk add --no-cache curl\n') }], { rules: ['BLW-DF-010'] });
  assert.equal(p2!.after, 'FROM alpine:3.19\nUSER root\nRUN apk add --no-cache curl\nUSER 10001\n');
  // CRLF files keep CRLF; no fix for multi-line RUNs or ONBUILD triggers
  const [p3] = planFixes([{ path: 'Dockerfile', content: Buffer.from('FROM debian:12\r\nRUN apt-get update && \\\r\n    apt-get install -y curl\r\nONBUILD RUN apt-get install -y x\r\n') }]);
  assert.equal(p3!.after, 'FROM debian:12\r\nRUN apt-get update && \\\r\n    apt-get install -y curl\r\nONBUILD RUN apt-get install -y x\r\nUSER 10001\r\n');
});

test('formatUnifiedDiff: git-style names, nothing for unchanged plans', () => {
  const content = Buffer.from('FROM debian:12\nCMD ["sh"]\n');
  const plans = planFixes([{ path: './app/Dockerfile', content }]);
  assert.equal(formatUnifiedDiff(plans), '--- a/app/Dockerfile\n+++ b/app/Dockerfile\n@@ -1,2 +1,3 @@\n FROM debian:12\n CMD ["sh"]\n+USER 10001\n');
  assert.equal(formatUnifiedDiff([{ ...plans[0]!, after: plans[0]!.before }]), '');
});

// ---------- the in-place editor ----------

const EDITS: { name: string; file?: string; text: string; doc?: number; path: DocPath; value?: unknown; del?: boolean; out: string | RegExp }[] = [
  { name: 'replace a scalar, keep its comment', text: 'a:\n  b: 1 # one\n', path: ['a', 'b'], value: 2, out: 'a:\n  b: 2 # one\n' },
  { name: 'keep double quotes', text: 'a: "x"\n', path: ['a'], value: 'y', out: 'a: "y"\n' },
  { name: 'keep single quotes', text: "a: 'x'\n", path: ['a'], value: "it's", out: "a: 'it''s'\n" },
  { name: 'a quoted "true" becomes a boolean', text: 'a: "true"\n', path: ['a'], value: false, out: 'a: false\n' },
  { name: 'add after the last leaf, before a trailing comment', text: 'a:\n  b: 1\n  # about c\nc: 2\n', path: ['a', 'z'], value: true, out: 'a:\n  b: 1\n  z: true\n  # about c\nc: 2\n' },
  { name: 'empty value becomes a block map', text: 'a:\nb: 1\n', path: ['a', 'x', 'y'], value: 'v', out: 'a:\n  x:\n    y: v\nb: 1\n' },
  { name: '~ becomes a block map, comment kept', text: 'a: ~ # none\nb: 1\n', path: ['a', 'x'], value: 1, out: 'a: # none\n  x: 1\nb: 1\n' },
  { name: 'flow map in YAML', text: 'a: {b: 1}\n', path: ['a', 'c'], value: [1], out: 'a: {b: 1, c: [ 1 ]}\n' },
  { name: 'append to a block list, compact style', text: 'l:\n- a\n- b\nz: 1\n', path: ['l', 2], value: 'c', out: 'l:\n- a\n- b\n- c\nz: 1\n' },
  { name: 'append to a block list, indented style', text: 'l:\n  - a\nz: 1\n', path: ['l', 1], value: 'c', out: 'l:\n  - a\n  - c\nz: 1\n' },
  { name: 'append to an empty flow list', text: 'l: []\n', path: ['l', 0], value: 'c', out: 'l: [c]\n' },
  { name: 'after a block scalar', text: 'a:\n  s: |\n    x\n    y\nb: 1\n', path: ['a', 't'], value: 1, out: 'a:\n  s: |\n    x\n    y\n  t: 1\nb: 1\n' },
  { name: 'CRLF line ends', text: 'a:\r\n  b: 1\r\n', path: ['a', 'c'], value: 2, out: 'a:\r\n  b: 1\r\n  c: 2\r\n' },
  { name: 'second document only', text: 'a: 1\n---\na: 1\n...\n', doc: 1, path: ['b'], value: 2, out: 'a: 1\n---\na: 1\nb: 2\n...\n' },
  { name: 'JSON on one line', file: 'x.json', text: '{"a": {"b": 1}}', path: ['a', 'c'], value: { d: true }, out: '{"a": {"b": 1, "c": {"d": true}}}' },
  { name: 'JSON pretty, 4 spaces', file: 'x.json', text: '{\n    "a": {\n        "b": 1\n    }\n}\n', path: ['a', 'c', 'd'], value: [1], out: '{\n    "a": {\n        "b": 1,\n        "c": {\n            "d": [\n                1\n            ]\n        }\n    }\n}\n' },
  { name: 'already there: unchanged', text: 'a: {b: true}\n', path: ['a', 'b'], value: true, out: 'a: {b: true}\n' },
  { name: 'delete a block field', text: 'a:\n  b: 1 # x\n  c: 2\n', path: ['a', 'b'], del: true, out: 'a:\n  c: 2\n' },
  { name: 'delete a flow field', text: 'a: {b: 1, c: 2}\n', path: ['a', 'c'], del: true, out: 'a: {b: 1}\n' },
  { name: 'refuse an alias on the path', text: 'x: &s {b: 1}\na: *s\n', path: ['a', 'c'], value: 1, out: /alias/ },
  { name: 'refuse an anchored node', text: 'a: &s\n  b: 1\nc: *s\n', path: ['a', 'b'], value: 2, out: /anchor/ },
  { name: 'refuse a scalar where a map is needed', text: 'a: text\n', path: ['a', 'b'], value: 1, out: /not a map/ },
  { name: 'refuse a list index past the end', text: 'l: [a]\n', path: ['l', 3], value: 1, out: /no item 3/ },
];

for (const e of EDITS) {
  test(`editText: ${e.name}`, () => {
    const r = editText(e.file ?? 'x.yaml', e.text, e.doc ?? 0, e.del ? { kind: 'delete', path: e.path } : { kind: 'set', path: e.path, value: e.value });
    if (e.out instanceof RegExp) {
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, e.out);
    } else {
      assert.ok(r.ok, r.ok ? '' : r.error);
      if (r.ok) assert.equal(r.value, e.out);
    }
  });
}

// ---------- the shared corpus ----------

const CORPUS = join(sharedDir(), 'corpus', 'k8s', 'cases');

test('k8s corpus: fixed manifests parse, fixed findings are gone from their paths, no untargeted field is lost', { skip: existsSync(CORPUS) ? false : `shared corpus missing: ${CORPUS}` }, () => {
  const ruleById = new Map(kubernetesRules.map((r) => [r.id, r]));
  let files = 0;
  let changedFiles = 0;
  let edits = 0;
  let applied = 0;
  let before = 0;
  let after = 0;
  const skippedReasons = new Map<string, number>();
  for (const name of readdirSync(CORPUS).sort()) {
    const dir = join(CORPUS, name);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { inputs: string[] };
    const inputs = expected.inputs.filter((p) => /\.(ya?ml|json)$/i.test(p)).map((p) => ({ path: p, content: readFileSync(join(dir, p)) }));
    if (inputs.length === 0) continue;
    files += inputs.length;
    const scan0 = scanKubernetesFiles(inputs);
    const plans = planFixes(inputs);
    const fixedTexts = new Map(plans.map((p) => [p.path, p.after]));
    const outFiles = inputs.map((f) => ({ path: f.path, content: fixedTexts.has(f.path) ? Buffer.from(fixedTexts.get(f.path)!) : f.content }));
    const scan1 = scanKubernetesFiles(outFiles);
    before += scan0.findings.length;
    after += scan1.findings.length;
    assert.equal(scan1.errors.length, scan0.errors.length, `${name}: a fixed file fails to parse`);
    // the violation path of every applied finding, from the scan before
    const pathOf = new Map(scan0.fixes.map((x) => [`${x.finding.file}|${x.finding.ruleId}|${x.finding.resource}|${x.finding.message}|${x.finding.range.startLine}`, x.path]));
    const resourcesAfter: K8sResource[] = outFiles.flatMap((f) => {
      const r = parseKubernetes(f.path, f.content);
      return r.ok ? r.value : [];
    });
    const cache = new Map<string, Violation[]>();
    const violationsAfter = (ruleId: string, file: string, label: string): Violation[] => {
      const k = `${ruleId}|${file}|${label}`;
      if (!cache.has(k)) {
        const rule = ruleById.get(ruleId)!;
        cache.set(k, resourcesAfter.filter((x) => x.file === file && x.label === label).flatMap((r) => rule.check({ resource: r, resources: resourcesAfter })));
      }
      return cache.get(k)!;
    };
    for (const plan of plans) {
      if (plan.after !== plan.before) changedFiles++;
      edits += plan.changes.length;
      applied += plan.applied.length;
      for (const s of plan.skipped) {
        const reason = s.reason.replace(/ [\w.-]*\d[\w.-]*/g, ' …').replace(/BLW-[A-Z0-9-]+/g, 'BLW-…');
        skippedReasons.set(reason, (skippedReasons.get(reason) ?? 0) + 1);
      }
      assertKept(plan);
      for (const f of plan.applied) {
        const p = pathOf.get(`${f.file}|${f.ruleId}|${f.resource}|${f.message}|${f.range.startLine}`);
        assert.ok(p, `${name}: applied finding ${f.ruleId} has a path`);
        const still = violationsAfter(f.ruleId, f.file, f.resource ?? '').filter((v) => isDeepStrictEqual(v.path, p));
        assert.deepEqual(still.map((v) => v.message), [], `${name}: ${f.ruleId} still fires on ${p!.join('.')} of ${f.resource}`);
      }
    }
  }
  // these reasons would be planner bugs, not limits of what can be fixed
  assert.deepEqual([...skippedReasons.keys()].filter((r) => /not where the scan found it|does not parse back|would change|outside the file/.test(r)), []);
  console.log(`k8s corpus fixes: ${files} manifest files, ${changedFiles} changed, ${edits} edits, ${applied} findings fixed, findings ${before} -> ${after} (${before - after} removed)`);
  console.log(`skipped: ${[...skippedReasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${n}× ${r}`).join('; ') || 'none'}`);
  assert.ok(applied > 0 && before - after > 0);
});
