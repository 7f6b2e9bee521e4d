// Test helper: compares text to a reviewed golden file; UPDATE_GOLDEN=1 rewrites it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { UPDATE_GOLDEN } from '@bulwark/core/testing';

export function expectGolden(path: string, actual: string): void {
  if (UPDATE_GOLDEN) {
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) assert.fail(`golden file missing: ${path} (run with UPDATE_GOLDEN=1 to create it)`);
  assert.equal(actual, readFileSync(path, 'utf8'), `output differs from ${path} (UPDATE_GOLDEN=1 to accept)`);
}

/** JSON with one array element per line for the given keys: reviewable diffs of long lists. */
export function linesJson(v: Record<string, unknown>, lineKeys: readonly string[]): string {
  const parts = Object.entries(v).map(([k, val]) => {
    if (lineKeys.includes(k) && Array.isArray(val)) {
      return `  ${JSON.stringify(k)}: [\n${val.map((x) => `    ${JSON.stringify(x)}`).join(',\n')}\n  ]`;
    }
    return `  ${JSON.stringify(k)}: ${JSON.stringify(val, null, 2).replace(/\n/g, '\n  ')}`;
  });
  return `{\n${parts.join(',\n')}\n}\n`;
}
