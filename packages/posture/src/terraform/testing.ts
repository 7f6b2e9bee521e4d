import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanCloudFormation } from '../cloudformation/cloudformation.js';
import type { CloudRule } from './cloud-rule.js';
import { scanTerraform } from './terraform.js';

/**
 * Fixture table for a rule family: `fixtures/bad/<rule-id-lowercase>[.suffix].{tf,yaml,json}` must make that rule
 * fire, `fixtures/good/...` must not; every file must parse. Returns the rows so the caller can name one test each.
 */
export function fixtureRows(dir: string, rules: readonly CloudRule[]): { name: string; run: () => void }[] {
  const rows: { name: string; run: () => void }[] = [];
  for (const kind of ['bad', 'good'] as const) {
    for (const f of readdirSync(join(dir, kind)).sort()) {
      const id = f.split('.')[0]!.toUpperCase();
      const rule = rules.find((r) => r.id === id);
      rows.push({
        name: `${kind}/${f}`,
        run: () => {
          assert.ok(rule, `fixture ${f} names no rule of this family`);
          const content = readFileSync(join(dir, kind, f), 'utf8');
          const res = f.endsWith('.tf') ? scanTerraform([{ path: f, content }], { rules }) : scanCloudFormation(f, content, { rules });
          assert.deepEqual(res.errors, []);
          const hits = res.findings.filter((x) => x.ruleId === id);
          if (kind === 'bad') assert.ok(hits.length > 0, `${id} should fire on ${f}`);
          else assert.deepEqual(hits, [], `${id} should not fire on ${f}`);
        },
      });
    }
  }
  return rows;
}
