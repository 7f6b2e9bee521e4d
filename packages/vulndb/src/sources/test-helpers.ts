import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, InputError, withLimits, type Result } from '@bulwark/core';
import { UPDATE_GOLDEN, seededRandom } from '@bulwark/core/testing';
import type { ImportContext, Source, SourceItem } from './types.js';

/** Test support only: an import context that records warnings. */
export function testContext(): ImportContext & { warnings: string[] } {
  const warnings: string[] = [];
  return { limits: withLimits(), logger: createLogger({ level: 'error' }), warn: (m) => warnings.push(m), warnings };
}

export async function collect(source: Source, dir: string, files?: string[]): Promise<{ items: SourceItem[]; warnings: string[] }> {
  const ctx = testContext();
  const items: SourceItem[] = [];
  for await (const it of source.read(dir, files ?? (await source.locate(dir)), ctx)) items.push(it);
  return { items, warnings: ctx.warnings };
}

export function advisories(items: SourceItem[]) {
  return items.flatMap((i) => (i.kind === 'advisory' ? [i.record] : []));
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bulwark-vulndb-'));
}

/** Seeded mutations of a real input: truncations, byte flips, deleted and duplicated spans, structural bytes. */
export function mutations(input: Buffer, count: number, seed = 1): Buffer[] {
  const rnd = seededRandom(seed);
  const out: Buffer[] = [Buffer.alloc(0), input.subarray(0, 1), input.subarray(0, input.length >> 1)];
  const noise = Buffer.from('{}[]:,"\n\t -#0\u0000\u00ff\\');
  for (let i = 0; i < count; i++) {
    const b = Buffer.from(input);
    const kind = Math.floor(rnd() * 5);
    const at = Math.floor(rnd() * Math.max(1, b.length));
    if (kind === 0) out.push(b.subarray(0, at));
    else if (kind === 1) {
      for (let k = 0; k < 1 + Math.floor(rnd() * 8); k++) b[Math.floor(rnd() * b.length)] = noise[Math.floor(rnd() * noise.length)];
      out.push(b);
    } else if (kind === 2) out.push(Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + Math.floor(rnd() * 64)))]));
    else if (kind === 3) out.push(Buffer.concat([b.subarray(0, at), b.subarray(at, at + 200), b.subarray(at)]));
    else out.push(Buffer.concat([b.subarray(0, at), Buffer.from('['.repeat(300)), b.subarray(at)]));
  }
  return out;
}

/** Every input gives a value or an InputError, never a throw; returns how many were errors. */
export function assertTotal<T>(inputs: Buffer[], parse: (b: Buffer) => Result<T, InputError>): number {
  let errors = 0;
  for (const [i, b] of inputs.entries()) {
    let r: Result<T, InputError>;
    try {
      r = parse(b);
    } catch (e) {
      assert.fail(`mutation ${i} threw instead of returning an error: ${(e as Error).stack}`);
    }
    if (!r.ok) {
      assert.ok(r.error instanceof InputError, `mutation ${i}: error is not an InputError: ${String(r.error)}`);
      errors++;
    }
  }
  return errors;
}

/** Same for async readers: only InputError may escape. */
export async function assertRejectsOnlyInputError(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof InputError, `expected InputError, got ${(e as Error)?.stack ?? String(e)}`);
  }
}

/** Compares with a reviewed golden file; UPDATE_GOLDEN=1 rewrites it instead. */
export function assertGolden(file: string | URL, value: unknown): void {
  const text = JSON.stringify(value, null, 2) + '\n';
  if (UPDATE_GOLDEN) {
    writeFileSync(file, text);
    return;
  }
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), JSON.parse(text));
}
