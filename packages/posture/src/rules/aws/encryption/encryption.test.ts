import { test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureRows } from '../../../terraform/testing.js';
import { rules } from './index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
for (const row of fixtureRows(dir, rules)) test(row.name, row.run);
