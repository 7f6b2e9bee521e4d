import { sgOpenIngress } from './security-group.js';

export const rules = [sgOpenIngress];
