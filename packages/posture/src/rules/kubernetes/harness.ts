import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { K8sRule } from '../../kubernetes/rule.js';
import { scanKubernetesFiles } from '../../kubernetes/scan.js';

/**
 * Fixture-driven tests for a rule family (test helper, not a test file). Every `fixtures/bad/*.yaml` starts with
 * `# fires: <rule ids>` (those rules must report, placed on the line given by `# line <id>: <n>` when present); every
 * `fixtures/good/*.yaml` starts with `# clean: <rule ids | *>` (those rules must stay silent). Each rule of the family
 * must fire in some bad fixture and stay clean in some good one.
 */
export function familyFixtureTests(familyDir: string, rules: readonly K8sRule[]): void {
  const ids = new Set(rules.map((r) => r.id));
  const firedSomewhere = new Set<string>();
  const cleanSomewhere = new Set<string>();
  for (const kind of ['bad', 'good'] as const) {
    const dir = join(familyDir, 'fixtures', kind);
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort() : [];
    for (const f of files) {
      const content = readFileSync(join(dir, f));
      const text = content.toString('utf8');
      const header = new RegExp(`^# ${kind === 'bad' ? 'fires' : 'clean'}:(.*)$`, 'm').exec(text);
      const listed = (header?.[1] ?? '').trim().split(/[\s,]+/).filter(Boolean);
      const want = listed.includes('*') ? [...ids] : listed;
      const lines = new Map([...text.matchAll(/^# line (BLW-[A-Z0-9-]+): (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
      test(`${kind}/${f}`, () => {
        assert.ok(want.length > 0, `${f}: missing "# ${kind === 'bad' ? 'fires' : 'clean'}:" header`);
        for (const id of want) assert.ok(ids.has(id), `${f}: ${id} is not a rule of this family`);
        const ruleErrors: string[] = [];
        const { findings, errors } = scanKubernetesFiles([{ path: f, content }], rules, { onRuleError: (id, e) => ruleErrors.push(`${id}: ${String(e)}`) });
        assert.deepEqual(errors, []);
        assert.deepEqual(ruleErrors, []);
        for (const id of want) {
          const hits = findings.filter((x) => x.ruleId === id);
          if (kind === 'bad') {
            assert.ok(hits.length > 0, `${id} should fire on ${f}`);
            const line = lines.get(id);
            if (line !== undefined) assert.ok(hits.some((h) => h.range.startLine === line), `${id} on line ${line}, got ${hits.map((h) => h.range.startLine).join(',')}`);
          } else {
            assert.deepEqual(hits.map((h) => h.message), [], `${id} should not fire on ${f}`);
          }
        }
      });
      for (const id of want) (kind === 'bad' ? firedSomewhere : cleanSomewhere).add(id);
    }
  }
  test('every rule of the family has a bad and a good fixture', () => {
    assert.deepEqual([...ids].filter((id) => !firedSomewhere.has(id)), [], 'rules without a bad fixture');
    assert.deepEqual([...ids].filter((id) => !cleanSomewhere.has(id)), [], 'rules without a good fixture');
  });
}
