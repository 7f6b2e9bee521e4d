import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (tests and scripts only). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The shared test material folder: $BULWARK_SHARED, else `../shared` beside the checkout.
 * Only tests, benchmarks and demos use it; the product takes paths from flags and config.
 */
export function sharedDir(): string {
  return process.env.BULWARK_SHARED ?? resolve(REPO_ROOT, '..', 'shared');
}

/** A path inside the shared folder; throws a clear message when it is missing. */
export function sharedPath(...parts: string[]): string {
  const p = join(sharedDir(), ...parts);
  if (!existsSync(p)) {
    throw new Error(`shared test material missing: ${p} (clone the project with ../shared beside it, or set BULWARK_SHARED)`);
  }
  return p;
}

/** True when UPDATE_GOLDEN=1: golden-file tests rewrite their expected files instead of comparing. */
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** mulberry32: a small seeded PRNG in [0, 1), so fuzz tests mutate the same way on every run and a failure reproduces. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
