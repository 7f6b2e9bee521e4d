import { cveRules } from './cves.js';

export const rules = [...cveRules];
