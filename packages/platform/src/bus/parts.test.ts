import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { InputError, LimitError } from '@bulwark/core';
import { seededRandom } from '@bulwark/core/testing';
import type { FindingInput, ScanInput } from '../storage/types.js';
import { assembleScan, MAX_UPLOAD_BYTES, partBudget, partFromMessage, partHeaders, partMessageId, splitScan, type ScanPart } from './parts.js';

const scan: ScanInput = { id: 'scan 1/ü', target: 'registry.example/app:1', kind: 'image', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:01:00.000Z' };

function findings(n: number, seed = 7): FindingInput[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    fingerprint: `fp-${i}`,
    type: 'vulnerability' as const,
    ruleId: `CVE-2024-${1000 + i}`,
    severity: 'high' as const,
    asset: { kind: 'package' as const, key: `pkg:npm/p${Math.floor(rand() * 1e6)}@1.0.0` },
    payload: { noise: rand().toString(36).repeat(3) },
  }));
}

function headerGetter(p: ScanPart): (name: string) => string | undefined {
  const h = new Map(Object.entries(partHeaders(p)).map(([k, v]) => [k.toLowerCase(), v]));
  return (name) => h.get(name.toLowerCase());
}

test('splitScan/assembleScan round-trip at part sizes from one byte to one part', async () => {
  const fs = findings(300);
  for (const max of [1, 97, 4096, 1 << 20]) {
    const parts = await splitScan(3, scan, fs, max);
    assert.ok(parts.every((p) => p.data.length <= max && p.data.length > 0), `every part of size ${max} fits`);
    assert.equal(new Set(parts.map((p) => p.digest)).size, 1, 'one digest per upload');
    assert.deepEqual(parts.map((p) => p.index), [...parts.keys()]);
    assert.ok(parts.every((p) => p.count === parts.length && p.tenant === 3 && p.scanId === scan.id), 'parts carry count, tenant and scan');
    if (max === 1 << 20) assert.equal(parts.length, 1, 'a small upload is one part');
    const env = await assembleScan(parts);
    assert.deepEqual(env, { v: 1, tenant: 3, scan, findings: fs });
  }
});

test('assembleScan takes parts in any order and tolerates repeats (redeliveries)', async () => {
  const parts = await splitScan(1, scan, findings(200), 1000);
  assert.ok(parts.length > 3, `several parts (${parts.length})`);
  const rand = seededRandom(1);
  const shuffled = [...parts, parts[1], parts[0]].sort(() => rand() - 0.5);
  assert.equal((await assembleScan(shuffled)).findings.length, 200);
});

test('the same upload splits identically (same digest and message ids: the stream drops re-publishes)', async () => {
  const a = await splitScan(1, scan, findings(50), 500);
  const b = await splitScan(1, scan, findings(50), 500);
  assert.deepEqual(a.map(partMessageId), b.map(partMessageId));
  const c = await splitScan(1, { ...scan, target: 'other' }, findings(50), 500);
  assert.notEqual(c[0].digest, a[0].digest, 'different content, different digest');
  assert.notEqual(partMessageId(a[0]), partMessageId(a[1]), 'parts have distinct ids');
});

const expectInput = async (fn: () => Promise<unknown>, re: RegExp): Promise<void> => {
  await assert.rejects(fn, (e: unknown) => e instanceof InputError && re.test(e.message));
};

test('assembleScan refuses incomplete, mixed, tampered and foreign uploads with an InputError', async () => {
  const parts = await splitScan(1, scan, findings(100), 800);
  const other = await splitScan(1, { ...scan, id: 'other' }, findings(100), 800);
  await expectInput(() => assembleScan([]), /at least one part/);
  await expectInput(() => assembleScan(parts.slice(1)), /missing parts 0 of/);
  await expectInput(() => assembleScan([...parts.slice(0, -1), other[other.length - 1]]), /mixed with parts/);
  const tampered = parts.map((p, i) => (i === 1 ? { ...p, data: Uint8Array.from(p.data, (b, j) => (j === 0 ? b ^ 1 : b)) } : p));
  await expectInput(() => assembleScan(tampered), /assembled to sha256/);
  // A well-formed upload whose headers name another tenant or scan than its body.
  const forged = parts.map((p) => ({ ...p, tenant: 2 }));
  await expectInput(() => assembleScan(forged), /its headers say tenant 2/);
});

test('assembleScan refuses a body that is not gzip, not JSON, not an envelope, or too big when inflated', async () => {
  const one = (data: Buffer, scanId = 's'): ScanPart => ({ tenant: 1, scanId, digest: createHash('sha256').update(data).digest('hex'), index: 0, count: 1, data });
  await expectInput(() => assembleScan([one(Buffer.from('plain text'))]), /is not gzip/);
  await expectInput(() => assembleScan([one(gzipSync('{"v":1,'))]), /is not JSON/);
  await expectInput(() => assembleScan([one(gzipSync('{"v":2,"tenant":1,"scan":{"id":"s"},"findings":[]}'))]), /expected \{v: 1/);
  await expectInput(() => assembleScan([one(gzipSync('null'))]), /expected \{v: 1/);
  // A gzip bomb: a small message that inflates past the limit.
  const bomb = gzipSync(Buffer.alloc(4 << 20, 0x20), { level: 9 });
  assert.ok(bomb.length < 8192, `bomb is small (${bomb.length})`);
  await assert.rejects(() => assembleScan([one(bomb)], 1 << 20), (e: unknown) => e instanceof LimitError && /inflates past 1048576 bytes/.test(e.message));
  assert.ok(MAX_UPLOAD_BYTES >= 256 << 20, 'the default limit admits the largest HTTP body');
});

test('partFromMessage reads what partHeaders wrote and names the bad header otherwise', async () => {
  const [p] = await splitScan(42, scan, findings(3), 1 << 20);
  const back = partFromMessage(headerGetter(p), p.data);
  assert.deepEqual(back, p);
  const rows: [Record<string, string | undefined>, RegExp][] = [
    [{ 'Bulwark-Tenant': undefined }, /Bulwark-Tenant: expected a tenant id/],
    [{ 'Bulwark-Tenant': '0' }, /Bulwark-Tenant/],
    [{ 'Bulwark-Tenant': '1x' }, /Bulwark-Tenant/],
    [{ 'Bulwark-Scan': '' }, /Bulwark-Scan/],
    [{ 'Bulwark-Scan': '%E0%A4%A' }, /Bulwark-Scan: expected a URI-encoded scan id/],
    [{ 'Bulwark-Part': '1/1' }, /Bulwark-Part: expected "i\/n" with 0 <= i < n/],
    [{ 'Bulwark-Part': '0/0' }, /Bulwark-Part/],
    [{ 'Bulwark-Part': 'a/b' }, /Bulwark-Part/],
    [{ 'Bulwark-Digest': 'abc' }, /Bulwark-Digest: expected a sha256 in hex/],
  ];
  for (const [change, re] of rows) {
    const h = { ...partHeaders(p), ...change };
    assert.throws(
      () => partFromMessage((n) => h[n] ?? undefined, p.data),
      (e: unknown) => e instanceof InputError && re.test(e.message),
      `headers ${JSON.stringify(change)}`,
    );
  }
});

test('partBudget leaves room for the headers under max_payload', () => {
  const longId = 'x'.repeat(200);
  const b = partBudget(1024 * 1024, longId);
  assert.ok(b > 1024 * 1024 - 2048 && b < 1024 * 1024 - 256, `budget ${b}`);
  assert.ok(partBudget(65536, longId) < partBudget(65536, 's'), 'a longer scan id leaves less room');
});

test('splitScan refuses a non-positive part size', async () => {
  await assert.rejects(() => splitScan(1, scan, [], 0), RangeError);
});
