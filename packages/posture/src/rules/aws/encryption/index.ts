import * as e from './encryption.js';

export const rules = Object.values(e);
