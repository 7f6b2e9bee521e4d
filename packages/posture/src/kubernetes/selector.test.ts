import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelSelectorMatches } from './selector.js';

test('labelSelectorMatches: metav1.LabelSelector table', () => {
  const labels = { app: 'web', tier: 'front' };
  const rows: [string, Parameters<typeof labelSelectorMatches>[0], boolean][] = [
    ['empty selector matches everything', {}, true],
    ['matchLabels all equal', { matchLabels: { app: 'web' } }, true],
    ['matchLabels one differs', { matchLabels: { app: 'web', tier: 'back' } }, false],
    ['In', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] }, true],
    ['In, key absent', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
    ['NotIn, key absent', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['NotIn, value listed', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, false],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['Object.prototype names are not labels', { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, false],
    ['unknown operator matches nothing', { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }, false],
    ['malformed requirement matches nothing', { matchExpressions: [null] }, false],
    ['labels AND expressions', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
  ];
  for (const [name, sel, want] of rows) assert.equal(labelSelectorMatches(sel, labels), want, name);
});
