// Test helper: what a compliance framework's controls should count, computed from the API's finding list and the
// posture package's rule mapping alone (independent of reports/data.ts, which the report and compliance tests check).
import assert from 'node:assert/strict';
import { controlRules, findFramework, ruleCatalog } from '@bulwark/posture';

/** Control → [open, excepted (suppressed or risk-accepted), fixed]. */
export function expectedControlCounts(items: readonly { ruleId: string; status: string }[], framework: string): Map<string, number[]> {
  const fw = findFramework(framework);
  assert.ok(fw, `framework ${framework} exists`);
  const m = new Map<string, number[]>();
  for (const [control, rules] of controlRules(fw, ruleCatalog())) {
    const mine = items.filter((f) => rules.includes(f.ruleId));
    m.set(control, [
      mine.filter((f) => f.status === 'open').length,
      mine.filter((f) => f.status === 'suppressed' || f.status === 'risk-accepted').length,
      mine.filter((f) => f.status === 'fixed').length,
    ]);
  }
  return m;
}
