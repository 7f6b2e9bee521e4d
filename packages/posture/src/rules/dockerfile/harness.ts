import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerfileRule } from '../../dockerfile/rule.js';
import { scanDockerfile } from '../../dockerfile/scan.js';
import { dockerfileRules } from './all.js';

/**
 * Checks a family against its fixtures: fixtures/bad/<rule id>.Dockerfile must make that rule fire, fixtures/good/<rule id>.Dockerfile
 * must not; every rule of the family has both. Returns the number of fixtures checked.
 */
export function checkFamily(dir: string, rules: readonly DockerfileRule[]): number {
  let n = 0;
  for (const rule of rules) {
    for (const kind of ['bad', 'good'] as const) {
      const file = join(dir, 'fixtures', kind, `${rule.id}.Dockerfile`);
      const { findings, errors } = scanDockerfile(file, readFileSync(file), dockerfileRules);
      assert.deepEqual(errors, [], file);
      const hits = findings.filter((f) => f.ruleId === rule.id);
      if (kind === 'bad') assert.ok(hits.length > 0, `${rule.id} should fire on ${file}`);
      else assert.deepEqual(hits.map((h) => h.message), [], `${rule.id} should not fire on ${file}`);
      for (const h of hits) assert.ok(h.range.startLine >= 1 && h.range.endLine >= h.range.startLine);
      n++;
    }
  }
  const names = new Set(rules.map((r) => `${r.id}.Dockerfile`));
  for (const kind of ['bad', 'good']) for (const f of readdirSync(join(dir, 'fixtures', kind))) assert.ok(names.has(f), `fixture ${kind}/${f} names no rule of this family`);
  return n;
}
