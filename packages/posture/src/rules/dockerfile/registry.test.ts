import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dockerfileRules, families } from './all.js';

const here = dirname(fileURLToPath(import.meta.url));

test('registry: every family folder is registered and documented; ids are unique, well-formed and carry peer aliases', () => {
  const folders = readdirSync(here).filter((f) => statSync(join(here, f)).isDirectory());
  assert.deepEqual(folders.sort(), Object.keys(families).sort());
  for (const f of folders) assert.ok(existsSync(join(here, f, 'README.md')), `${f}/README.md missing`);
  const ids = dockerfileRules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate rule id');
  for (const r of dockerfileRules) {
    assert.match(r.id, /^BLW-DF-\d{3}$/);
    assert.equal(r.target, 'dockerfile');
    assert.ok(r.title && r.description && r.remediation && r.references.length > 0, r.id);
    assert.ok(r.aliases.length > 0, `${r.id} has no peer alias`);
  }
});
