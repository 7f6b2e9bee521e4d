import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complement, intersect, subtract, toEvents, union, type Interval } from './intervals.js';

const cmp = (a: string, b: string): number => Number(a) - Number(b);
const I = (lo?: [string, boolean], hi?: [string, boolean]): Interval => ({
  ...(lo ? { lo: { v: lo[0], inclusive: lo[1] } } : {}),
  ...(hi ? { hi: { v: hi[0], inclusive: hi[1] } } : {}),
});

describe('intervals', () => {
  it('union merges overlapping and touching intervals', () => {
    assert.deepEqual(union([I(['5', true], ['7', false]), I(['1', true], ['3', false]), I(['3', true], ['4', false])], cmp), [I(['1', true], ['4', false]), I(['5', true], ['7', false])]);
    assert.deepEqual(union([I(['1', true], ['3', false]), I(['3', false], ['4', false])], cmp).length, 2, '[1,3) and (3,4) leave 3 out');
  });

  it('complement flips bound inclusivity', () => {
    assert.deepEqual(complement([I(['1', true], ['2', true])], cmp), [I(undefined, ['1', false]), I(['2', false])]);
    assert.deepEqual(complement([], cmp), [{}]);
    assert.deepEqual(complement([{}], cmp), []);
  });

  it('intersect and subtract', () => {
    assert.deepEqual(intersect([I(['1', true], ['5', false])], [I(['3', true])], cmp), [I(['3', true], ['5', false])]);
    assert.deepEqual(subtract([I(['4', true], ['5', false])], [I(['4.5', true])], cmp), [I(['4', true], ['4.5', false])]);
  });

  it('toEvents: fixed for exclusive ends, last_affected for inclusive, exclusive starts via after() or flagged', () => {
    assert.deepEqual(toEvents([I(undefined, ['1', false]), I(['2', true], ['3', true])]).events, [{ introduced: '0' }, { fixed: '1' }, { introduced: '2' }, { last_affected: '3' }]);
    assert.deepEqual(toEvents([I(['2', false])], (v) => `${v}.1`), { events: [{ introduced: '2.1' }], approximate: false });
    assert.deepEqual(toEvents([I(['2', false])]), { events: [{ introduced: '2' }], approximate: true });
  });
});
