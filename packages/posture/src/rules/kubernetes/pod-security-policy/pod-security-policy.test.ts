import { fileURLToPath } from 'node:url';
import { familyFixtureTests } from '../harness.js';
import { rules } from './index.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);
