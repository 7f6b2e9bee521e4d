import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SEVERITIES } from '@bulwark/core';
import { fileURLToPath } from 'node:url';
import * as all from './all.js';
import { kubernetesRules } from './registry.js';

const DIR = fileURLToPath(new URL('.', import.meta.url));
const FRAMEWORKS = new Set(['cis-kubernetes-1.9', 'nsa-cisa-k8s-1.2', 'pci-dss-4.0', 'mlps-2.0', 'cis-docker-1.6', 'cis-aws-3.0']);

test('every family folder is registered in all.ts and has a README and tests', () => {
  const folders = readdirSync(DIR).filter((f) => statSync(join(DIR, f)).isDirectory()).sort();
  assert.equal(Object.keys(all).length, folders.length, `folders ${folders.join(', ')} vs registry ${Object.keys(all).join(', ')}`);
  for (const f of folders) {
    assert.ok(existsSync(join(DIR, f, 'README.md')), `${f}/README.md`);
    assert.ok(existsSync(join(DIR, f, 'index.ts')), `${f}/index.ts`);
    assert.ok(readdirSync(join(DIR, f)).some((x) => x.endsWith('.test.ts')), `${f} has tests`);
  }
});

test('rule metadata: unique ids in the BLW-K8S-NNN form, complete texts, known frameworks, unique aliases per id', () => {
  const ids = new Set<string>();
  for (const r of kubernetesRules) {
    assert.match(r.id, /^BLW-K8S-\d{3}$/);
    assert.ok(!ids.has(r.id), `duplicate ${r.id}`);
    ids.add(r.id);
    assert.equal(r.target, 'kubernetes');
    for (const k of ['title', 'description', 'remediation'] as const) assert.ok(r[k].length > 10, `${r.id} ${k}`);
    assert.ok(SEVERITIES.includes(r.severity), `${r.id} severity ${r.severity}`);
    for (const f of r.frameworks) assert.ok(FRAMEWORKS.has(f.framework), `${r.id} framework ${f.framework}`);
    assert.equal(new Set(r.aliases.map((a) => a.toUpperCase())).size, r.aliases.length, `${r.id} repeats an alias`);
  }
  assert.ok(kubernetesRules.length >= 100, `${kubernetesRules.length} rules`);
});
