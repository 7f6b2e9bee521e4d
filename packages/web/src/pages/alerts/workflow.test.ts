import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALERT_TRANSITIONS } from '../../../../platform/src/alerts/types.js';
import { ALERT_STATES, destinationLabel, eventKinds, movesFrom, workflowQuery, type AlertStateEvent } from './workflow.js';

test('the console offers exactly the moves the API accepts (ALERT_TRANSITIONS), state by state', () => {
  assert.deepEqual([...ALERT_STATES].sort(), Object.keys(ALERT_TRANSITIONS).sort(), 'same states as the API');
  for (const s of ALERT_STATES) {
    assert.deepEqual(movesFrom(s).map((m) => m.to).sort(), [...ALERT_TRANSITIONS[s]].sort(), `moves from ${s} equal the API's transitions`);
  }
});

test('each state offers the moves the API allows (resolved only reopens)', () => {
  const rows: [string, string[]][] = [
    ['open', ['acknowledged', 'resolved']],
    ['acknowledged', ['resolved', 'open']],
    ['resolved', ['open']],
    ['closed', []],
  ];
  for (const [from, to] of rows) assert.deepEqual(movesFrom(from).map((m) => m.to), to, `moves from ${from}`);
  assert.deepEqual(movesFrom('resolved').map((m) => m.action), ['reopen'], 'reopen is the label back to open');
});

test('URL filters become the alerts query; unknown values are dropped', () => {
  const rows: [{ state?: string; assignee?: string }, string][] = [
    [{}, ''],
    [{ state: 'open' }, 'state=open'],
    [{ state: 'open,acknowledged,open' }, 'state=open%2Cacknowledged'],
    [{ state: 'closed' }, ''],
    [{ assignee: 'me' }, 'assignee=me'],
    [{ assignee: 'none', state: 'resolved' }, 'state=resolved&assignee=none'],
    [{ assignee: '42' }, 'assignee=42'],
    [{ assignee: 'alice' }, ''],
    [{ assignee: '0' }, ''],
  ];
  for (const [values, want] of rows) assert.equal(workflowQuery(values, new URLSearchParams()).toString(), want, JSON.stringify(values));
});

test('a history event is a state move, an assignment, both, or a note', () => {
  const base: AlertStateEvent = { id: 1, actor: 'user:1', at: '2026-01-01T00:00:00Z', fromState: 'open', state: 'open', fromAssigneeId: null, assigneeId: null, note: null };
  assert.deepEqual(eventKinds({ ...base, state: 'acknowledged' }), ['state']);
  assert.deepEqual(eventKinds({ ...base, assigneeId: 3 }), ['assignee']);
  assert.deepEqual(eventKinds({ ...base, state: 'resolved', fromAssigneeId: 3, note: 'done' }), ['state', 'assignee']);
  assert.deepEqual(eventKinds({ ...base, note: 'still looking' }), ['note']);
  assert.deepEqual(eventKinds(base), [], 'nothing changed, nothing said');
});

test('a delivery is labelled by its destination name, else its id', () => {
  assert.equal(destinationLabel({ destinationId: 3, destinationName: 'ops-slack' }), 'ops-slack');
  assert.equal(destinationLabel({ destinationId: 3, destinationName: null }), '#3');
});
