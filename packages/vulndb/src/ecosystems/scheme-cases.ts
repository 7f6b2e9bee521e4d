import assert from 'node:assert/strict';
import type { VersionScheme } from './types.js';

export type Op = '<' | '=' | '>';
export type OrderRow = [a: string, op: Op, b: string];

const WANT: Record<Op, number> = { '<': -1, '=': 0, '>': 1 };

/** Table harness: every row must parse and order as written, and the reverse row must hold too. */
export function assertOrder(scheme: VersionScheme, rows: readonly OrderRow[]): void {
  for (const [a, op, b] of rows) {
    const x = scheme.parse(a);
    const y = scheme.parse(b);
    assert.ok(x.ok, `${scheme.id}: ${a} should parse: ${x.ok ? '' : x.error.message}`);
    assert.ok(y.ok, `${scheme.id}: ${b} should parse: ${y.ok ? '' : y.error.message}`);
    if (!x.ok || !y.ok) continue;
    assert.equal(scheme.compare(x.value, y.value), WANT[op], `${scheme.id}: ${a} ${op} ${b}`);
    assert.equal(scheme.compare(y.value, x.value), -WANT[op] || 0, `${scheme.id}: reverse of ${a} ${op} ${b}`);
  }
}

/** Every string must be an error value naming the ecosystem, never a throw. */
export function assertRejects(scheme: VersionScheme, raws: readonly string[]): void {
  for (const raw of raws) {
    const r = scheme.parse(raw);
    assert.equal(r.ok, false, `${scheme.id}: ${JSON.stringify(raw)} should be rejected`);
    if (!r.ok) assert.equal(r.error.ecosystem.length > 0, true);
  }
}
