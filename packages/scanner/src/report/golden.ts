import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { UPDATE_GOLDEN } from '@bulwark/core/testing';

/** Compares with a reviewed golden file; UPDATE_GOLDEN=1 rewrites it instead. Test helper. */
export function expectGolden(path: string, actual: string): void {
  if (UPDATE_GOLDEN || !existsSync(path)) {
    if (!UPDATE_GOLDEN) assert.fail(`golden file missing: ${path} (run with UPDATE_GOLDEN=1 to create it)`);
    writeFileSync(path, actual);
    return;
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `output differs from ${path} (UPDATE_GOLDEN=1 to accept)`);
}
