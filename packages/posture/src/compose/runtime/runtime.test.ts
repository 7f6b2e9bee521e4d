import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scanCompose } from '../scan.js';
import { rules } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

test('compose runtime rules: each fires on its bad fixture, none on its good one', () => {
  for (const rule of rules) {
    for (const kind of ['bad', 'good'] as const) {
      const file = join(here, 'fixtures', kind, `${rule.id}.yaml`);
      const { findings, errors } = scanCompose(file, readFileSync(file));
      assert.deepEqual(errors, []);
      const hits = findings.filter((f) => f.ruleId === rule.id);
      if (kind === 'bad') assert.ok(hits.length > 0, `${rule.id} should fire on ${file}`);
      else assert.deepEqual(hits.map((h) => h.message), [], `${rule.id} on ${file}`);
    }
  }
  const ids = new Set(rules.map((r) => `${r.id}.yaml`));
  for (const kind of ['bad', 'good']) for (const f of readdirSync(join(here, 'fixtures', kind))) assert.ok(ids.has(f), f);
});

test('compose runtime rules: findings point at the offending lines of a real-world stack', () => {
  const file = join(here, '..', 'fixtures', 'monitoring.compose.yaml');
  const got = scanCompose(file, readFileSync(file)).findings.map((f) => `${f.ruleId} ${f.resource} ${f.range.startLine}-${f.range.endLine}`).sort();
  assert.deepEqual(got, [
    'BLW-DC-001 service cadvisor 23-23',
    'BLW-DC-004 service cadvisor 22-22',
    'BLW-DC-007 service cadvisor 27-27',
    'BLW-DC-007 service cadvisor 28-28',
    'BLW-DC-007 service cadvisor 29-29',
  ]);
});
