import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError, LimitError } from '@bulwark/core';
import { seededRandom } from '@bulwark/core/testing';
import { buildInventory } from './inventory.js';
import { loadSnapshot } from './snapshot.js';
import { formatInventory } from './summary.js';
import type { KubeObject } from './types.js';

const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (f: string): string => join(FIX, f);
const tmp = mkdtempSync(join(tmpdir(), 'bulwark-snapshot-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
function write(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

/** Secret values planted in the fixtures: their plain and base64 forms must never come out. */
const SENTINELS = ['SECRET-SENTINEL', 'U0VDUkVULVNFTlRJTkVM', 'c2VjcmV0'];
const SUBSET = ['Namespace/shop', 'Pod/db-0', 'Service/db', 'PersistentVolume/pvc-3f6c1e2a', 'PersistentVolumeClaim/data-db-0', 'ServiceAccount/db', 'Secret/db-password'];
const key = (o: KubeObject): string => `${o.kind}/${String(o.metadata.name)}`;
/** JSON with sorted keys: YAML and JSON dumps may order fields differently. */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
}
const canon = (objs: readonly KubeObject[]): string => JSON.stringify(sorted([...objs].sort((a, b) => (key(a) < key(b) ? -1 : 1))));

const full = await loadSnapshot(fixture('cluster.json'));
const expectedSubset = full.filter((o) => SUBSET.includes(key(o)));

test('kubectl List (JSON): every object, in order, non-Kubernetes documents included as objects', () => {
  assert.equal(full.length, 44);
  assert.equal(key(full[0]!), 'Namespace/default');
  assert.ok(full.some((o) => o.kind === 'ConfigMap'));
});

const formats: [string, string][] = [
  ['kubectl -o yaml List (items at column 0)', 'subset.list.yaml'],
  ['multi-document YAML, items indented', 'subset.multi.yaml'],
  ['concatenated JSON outputs (a List, then single objects)', 'subset.concatenated.json'],
];
for (const [name, file] of formats) {
  test(`${name}: same objects as the JSON List`, async () => {
    const objs = await loadSnapshot(fixture(file));
    assert.deepEqual(objs.map(key).sort(), [...SUBSET].sort());
    assert.equal(canon(objs), canon(expectedSubset));
  });
  test(`${name}: 7-byte chunks give the same objects (chunk boundaries anywhere)`, async () => {
    assert.equal(canon(await loadSnapshot(fixture(file), { chunkBytes: 7 })), canon(expectedSubset));
  });
}

test('JSON List read in 5-byte chunks equals the default read', async () => {
  assert.equal(canon(await loadSnapshot(fixture('cluster.json'), { chunkBytes: 5 })), canon(full));
});

test('Secrets: data, stringData and the last-applied annotation are gone at load; metadata and type stay', async () => {
  const secrets = full.filter((o) => o.kind === 'Secret');
  assert.equal(secrets.length, 4);
  for (const s of secrets) {
    assert.equal('data' in s, false, key(s));
    assert.equal('stringData' in s, false, key(s));
    assert.equal(s.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], undefined);
    assert.ok(typeof s.type === 'string');
  }
  assert.equal(full.find((o) => key(o) === 'Secret/db-password')!.metadata.annotations?.owner, 'dba-team');
  // never retained anywhere, never printed, in any format
  const inventory = buildInventory(full);
  const outputs = [JSON.stringify(full), JSON.stringify(inventory), formatInventory(inventory)];
  for (const f of formats) outputs.push(JSON.stringify(await loadSnapshot(fixture(f[1]))));
  for (const text of outputs) for (const s of SENTINELS) assert.equal(text.includes(s), false, `${s} leaked`);
  // the fixture does hold them: the test would see a leak
  const raw = readFileSync(fixture('cluster.json'), 'utf8');
  for (const s of SENTINELS.slice(0, 2)) assert.ok(raw.includes(s));
});

test('managedFields are dropped from every object', () => {
  assert.ok(readFileSync(fixture('cluster.json'), 'utf8').includes('managedFields'));
  assert.ok(full.every((o) => !('managedFields' in o.metadata)));
});

const hostile: [string, string, (e: unknown) => boolean][] = [
  ['truncated JSON', '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"', (e) => e instanceof InputError && /line 1/.test(e.message) && /truncated/.test(e.message)],
  ['garbage after a List', '{"apiVersion":"v1","kind":"List","items":[]}\nerror: the server doesn\'t have a resource type "foo"\n', (e) => e instanceof InputError && /line 2/.test(e.message)],
  ['mismatched brackets', '{"apiVersion":"v1","kind":"List","items":[}]}', (e) => e instanceof InputError],
  [
    'invalid JSON inside a Secret: the message names the line, never the value',
    '{"apiVersion":"v1","kind":"List","items":[\n{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}},\n{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":"SECRET-SENTINEL" "x"}}]}',
    (e) => e instanceof InputError && /line 3/.test(e.message) && !e.message.includes('SENTINEL'),
  ],
  ['no Kubernetes object', '{"hello": "world"}', (e) => e instanceof InputError && /no Kubernetes object/.test(e.message)],
  ['empty file', '', (e) => e instanceof InputError],
  ['malformed YAML names the line in the file, past the items cut', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: [b\n', (e) => e instanceof InputError && /line 9/.test(e.message)],
  ['YAML alias bomb', ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: x}', 'a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 6 }, (_, i) => `${'bcdefg'[i]}: &${'bcdefg'[i]} [${Array(10).fill(`*${'abcdef'[i]}`).join(', ')}]`)].join('\n'), (e) => e instanceof LimitError],
  ['deep JSON nesting', `{"apiVersion":"v1","kind":"List","items":[${'['.repeat(300)}${']'.repeat(300)}]}`, (e) => e instanceof LimitError && /maxDepth/.test(e.message)],
];
for (const [name, text, ok] of hostile) {
  test(`hostile: ${name}`, async () => {
    const p = write(`h-${name.replace(/\W+/g, '-')}.${text.startsWith('{') ? 'json' : 'yaml'}`, text);
    await assert.rejects(loadSnapshot(p), (e) => {
      assert.ok(ok(e), String(e));
      return true;
    });
  });
}

test('limits: whole file (maxFileBytes) and one object (maxDocumentBytes), JSON and YAML', async () => {
  await assert.rejects(loadSnapshot(fixture('cluster.json'), { limits: { maxFileBytes: 1000 } }), (e) => e instanceof LimitError && /maxFileBytes/.test(e.message));
  await assert.rejects(loadSnapshot(fixture('cluster.json'), { limits: { maxDocumentBytes: 2000 } }), (e) => e instanceof LimitError && /maxDocumentBytes/.test(e.message));
  await assert.rejects(loadSnapshot(fixture('subset.list.yaml'), { limits: { maxDocumentBytes: 500 } }), (e) => e instanceof LimitError);
  // each object fits: streaming per object, the 59 KB file passes a 16 KB per-object limit
  assert.equal((await loadSnapshot(fixture('cluster.json'), { limits: { maxDocumentBytes: 16_000 } })).length, 44);
});

test('missing file is an InputError naming it', async () => {
  await assert.rejects(loadSnapshot(join(tmp, 'nope.json')), (e) => e instanceof InputError && e.file.endsWith('nope.json'));
});

test('fuzz: 200 seeded mutations of the dump only ever give InputErrors or objects', async () => {
  const rnd = seededRandom(0xc1a5);
  const seeds = ['cluster.json', 'subset.list.yaml', 'subset.multi.yaml'].map((f) => readFileSync(fixture(f), 'utf8'));
  const tokens = ['{', '}', '[', ']', '"', '\\', ',', ':', '\n---\n', '\n- ', 'items:', '&a', '*a', '\u00e9', '\uFEFF'];
  for (let i = 0; i < 200; i++) {
    let text = seeds[i % seeds.length]!;
    for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
      const pos = Math.floor(rnd() * text.length);
      const r = rnd();
      if (r < 0.3) text = text.slice(0, pos);
      else if (r < 0.7) text = text.slice(0, pos) + tokens[Math.floor(rnd() * tokens.length)]! + text.slice(pos);
      else text = text.slice(0, pos) + text.slice(pos + Math.floor(rnd() * 200));
    }
    const p = write(`fuzz-${i}.txt`, text);
    try {
      const objs = await loadSnapshot(p, { chunkBytes: 1 + Math.floor(rnd() * 4096) });
      buildInventory(objs);
      // a mutation may rename the kind ("Secre"): what is still a Secret never keeps its data
      for (const o of objs) if (o.kind === 'Secret') assert.ok(!('data' in o) && !('stringData' in o), `mutation ${i}`);
    } catch (e) {
      assert.ok(e instanceof InputError, `mutation ${i}: ${String(e)}`);
      for (const s of SENTINELS) assert.equal(e.message.includes(s), false, `mutation ${i} prints a secret: ${e.message}`);
    }
  }
});
