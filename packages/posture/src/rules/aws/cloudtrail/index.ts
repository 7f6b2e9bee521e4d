import * as cloudtrail from './cloudtrail.js';

export const rules = Object.values(cloudtrail);
