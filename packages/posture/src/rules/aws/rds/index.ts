import * as rds from './rds.js';

export const rules = Object.values(rds);
