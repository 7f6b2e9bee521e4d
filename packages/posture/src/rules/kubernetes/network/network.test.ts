import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { familyFixtureTests } from '../harness.js';
import { rules } from './index.js';
import { mapSelectorMatches, selectorMatches } from './selectors.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);

test('label selectors', () => {
  const l = { app: 'web', tier: 'front' };
  const rows: [unknown, boolean][] = [
    [undefined, true],
    [{}, true],
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'api' } }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'Bogus' }] }, false],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }, false],
  ];
  for (const [sel, want] of rows) assert.equal(selectorMatches(sel, l), want, JSON.stringify(sel));
  assert.equal(mapSelectorMatches({}, l), false);
  assert.equal(mapSelectorMatches({ app: 'web' }, l), true);
  assert.equal(mapSelectorMatches({ app: 'web', tier: 'back' }, l), false);
});
