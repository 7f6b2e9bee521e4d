import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath } from '@bulwark/core/testing';
import { parseManifests } from './parse.js';
import { buildModel } from './model.js';
import { connectivity, formatConnList, probeMatrix } from './connlist.js';
import type { Protocol } from './conn-set.js';

interface Expected {
  kind: 'netpol-connectivity' | 'netpol-truth-table';
  inputs: string[];
  expect: {
    allowed?: { src: string; dst: string; conn: string }[];
    matrices?: { probe: { Protocol: Protocol; Port: number }; from_to: Record<string, Record<string, string>> }[];
  };
}

const casesDir = sharedPath('corpus', 'netpol', 'cases');
const cases = readdirSync(casesDir).sort();

function loadObjects(dir: string, inputs: string[]): unknown[] {
  const objs: unknown[] = [];
  for (const f of inputs) {
    const text = readFileSync(join(dir, f), 'utf8');
    if (f.endsWith('probe.json')) {
      objs.push(...cyclonusResources(JSON.parse(text)));
      continue;
    }
    const r = parseManifests(text, f);
    if (!r.ok) throw r.error;
    objs.push(...r.value);
  }
  return objs;
}

interface CyclonusProbe {
  Resources: {
    Namespaces: Record<string, Record<string, string>>;
    Pods: { Namespace: string; Name: string; Labels: Record<string, string>; IP: string; Containers: { Name: string; Port: number; PortName: string; Protocol: string }[] }[];
  };
}

/** cyclonus' probe.json resources as the Namespace and Pod objects they stand for. */
function cyclonusResources(p: CyclonusProbe): unknown[] {
  const out: unknown[] = [];
  for (const [name, labels] of Object.entries(p.Resources.Namespaces)) out.push({ kind: 'Namespace', metadata: { name, labels } });
  for (const pod of p.Resources.Pods) {
    out.push({
      kind: 'Pod',
      metadata: { name: pod.Name, namespace: pod.Namespace, labels: pod.Labels },
      spec: { containers: pod.Containers.map((c) => ({ name: c.Name, ports: [{ name: c.PortName, containerPort: c.Port, protocol: c.Protocol.toUpperCase() }] })) },
      status: { podIP: pod.IP },
    });
  }
  return out;
}

const line = (e: { src: string; dst: string; conn: string }): string => `${e.src} => ${e.dst} : ${e.conn}`;
const results: { name: string; ok: boolean; detail: string }[] = [];

for (const name of cases) {
  const dir = join(casesDir, name);
  const e = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  test(`corpus ${name}`, () => {
    const objs = loadObjects(dir, e.inputs);
    if (e.kind === 'netpol-truth-table') {
      const m = buildModel(objs);
      let wrong = 0;
      for (const mat of e.expect.matrices ?? []) {
        // cyclonus with podIpsMatchIpBlocks: its simulator matches ipBlocks against pod IPs.
        const got = probeMatrix(m, mat.probe.Protocol, mat.probe.Port, { podIpsMatchIpBlocks: true });
        for (const [s, row] of Object.entries(mat.from_to)) {
          for (const [d, v] of Object.entries(row)) {
            // The corpus records cyclonus' "N" (no server on that port) as allow.
            const g = got[s]?.[d] === 'unserved' ? 'allow' : got[s]?.[d];
            if (g !== v) wrong++;
          }
        }
      }
      results.push({ name, ok: wrong === 0, detail: `${wrong} wrong cells` });
      assert.equal(wrong, 0);
      return;
    }
    const got = connectivity(objs).entries.map(line);
    const expected = (e.expect.allowed ?? []).map(line);
    const gs = new Set(got);
    const es = new Set(expected);
    const missing = expected.filter((x) => !gs.has(x));
    const extra = got.filter((x) => !es.has(x));
    results.push({ name, ok: missing.length === 0 && extra.length === 0, detail: `${got.length} lines, ${missing.length} missing, ${extra.length} extra` });
    assert.deepEqual({ missing: missing.slice(0, 5), extra: extra.slice(0, 5) }, { missing: [], extra: [] });
    assert.equal(got.length, gs.size, 'no duplicate lines');
    const upstream = join(dir, 'upstream_connlist.txt');
    if (existsSync(upstream)) {
      assert.equal(formatConnList(connectivity(objs)), readFileSync(upstream, 'utf8').trimEnd(), 'text output equals netpol-analyzer output');
    }
  });
}

test('corpus summary', () => {
  const pass = results.filter((r) => r.ok).length;
  console.log(`netpol corpus: ${pass}/${results.length} cases exact`);
  for (const r of results) if (!r.ok) console.log(`  FAIL ${r.name}: ${r.detail}`);
  assert.equal(results.length, cases.length);
  assert.equal(pass, cases.length);
});
