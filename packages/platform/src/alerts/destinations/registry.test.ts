import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { checkSchema } from '../check.js';
import { DESTINATION_KINDS } from './registry.js';

const here = dirname(fileURLToPath(import.meta.url));
const folders = readdirSync(here).filter((n) => statSync(join(here, n)).isDirectory());

describe('destination registry', () => {
  it('registers every folder under its folder name, each with a README and a test', () => {
    assert.deepEqual([...DESTINATION_KINDS.keys()].sort(), folders.sort());
    for (const f of folders) {
      assert.ok(existsSync(join(here, f, 'README.md')), `${f}/README.md is missing`);
      assert.ok(existsSync(join(here, f, `${f}.test.ts`)), `${f}/${f}.test.ts is missing`);
    }
  });

  it('each config schema refuses unknown fields and names secret fields it has', () => {
    for (const k of DESTINATION_KINDS.values()) {
      assert.equal(k.configSchema.additionalProperties, false, `${k.kind} schema allows unknown fields`);
      for (const s of k.secretFields) assert.ok(k.configSchema.properties?.[s], `${k.kind}: secret field ${s} not in its schema`);
      assert.throws(() => checkSchema({}, k.configSchema, 'alert destination', 'config'), /config\.\w+: expected a value \(required\)/, `${k.kind}: empty config accepted`);
    }
  });
});
