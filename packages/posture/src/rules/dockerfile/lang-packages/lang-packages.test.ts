import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkFamily } from '../harness.js';
import { rules } from './index.js';

test('lang-packages: every rule fires on its bad fixture and stays quiet on its good one', () => {
  assert.equal(checkFamily(dirname(fileURLToPath(import.meta.url)), rules), rules.length * 2);
});
