import { accountRules } from './accounts.js';
import { danglingRules } from './dangling.js';
import { mountRules } from './mounts.js';

export const rules = [...mountRules, ...danglingRules, ...accountRules];
