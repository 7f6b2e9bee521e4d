import { lastUserRoot, runsAsRoot } from './user.js';

export const rules = [runsAsRoot, lastUserRoot];
