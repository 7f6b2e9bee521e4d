import * as ram from './ram.js';

export const rules = Object.values(ram);
